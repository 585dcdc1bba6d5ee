import { assert, ready } from '../helpers';
import { fuzz, loadFolders, summary, CORPUS } from './fuzzlib';
import * as fs from 'fs';

/**
 * Bounded mutation fuzz of the analysis core: a fixed seed and a fixed number of inputs (not a time
 * limit), so every run tries the same inputs. `npm run fuzz` runs longer with any seed.
 */
describe('robustness: fuzz of the core (fixed seed)', () => {
  before(ready);

  const SEED = 20261124;
  const INPUTS = 6000;

  it(`${INPUTS} mutated corpus and fixture files: no crash, no rule error, every range inside its document, no input over 2 s`, function () {
    this.timeout(300_000);
    assert.ok(fs.existsSync(CORPUS), `corpus not found at ${CORPUS}`);
    const folders = loadFolders();
    assert.ok(folders.length > 100, `only ${folders.length} folders read from the corpus`);
    const s = fuzz(folders, SEED, INPUTS);
    console.log('      ' + summary(s, SEED));
    const first = s.problems[0];
    assert.strictEqual(s.inputs, INPUTS);
    assert.deepStrictEqual({ crashes: s.crashes, ruleErrors: s.ruleErrors, badRanges: s.badRanges }, { crashes: 0, ruleErrors: 0, badRanges: 0 },
      first ? `first problem (input #${first.index}: ${first.input}): ${first.kind}: ${first.detail}` : '');
    // Hang detector, required by the robustness issue ("no file takes more than 2 s"); the figure above is informative.
    assert.ok(s.slowest.ms < 2000, `slowest input took ${s.slowest.ms.toFixed(0)} ms: ${s.slowest.input}`);
  });
});
