import * as assert from 'assert';
import * as fs from 'fs';
import { ready } from '../helpers';
import { CORPUS, loadFolders } from './fuzzlib';
import { fixFuzz, fixSummary } from './fixfuzz';
import { Hcl2Json } from '../../../server/src/hcl2json';

/**
 * Bounded fix fuzz (a fixed seed and count, not a time limit): random valid corpus folders, every
 * preferred fix applied; results parsed with HashiCorp's parser; fixed findings gone.
 * `npm run fuzz -- --fixes SEED N` runs longer.
 */
describe('robustness: fix fuzz (fixed seed)', () => {
  before(ready);
  const SEED = 20261130;
  const FOLDERS = 40;

  it(`${FOLDERS} random valid corpus folders: every preferred fix parses with HashiCorp's parser and removes its finding`, async function () {
    this.timeout(600_000);
    assert.ok(fs.existsSync(CORPUS), `corpus not found at ${CORPUS}`);
    const hcl = new Hcl2Json();
    try {
      const s = await fixFuzz(loadFolders(), SEED, FOLDERS, hcl);
      console.log('      ' + fixSummary(s, SEED));
      assert.deepStrictEqual(s.problems.map((p) => `${p.kind} ${p.folder}: ${p.detail.split('\n')[0]}`), []);
      assert.ok(s.applied >= 10, `only ${s.applied} fixes applied`);
      assert.ok(s.parsedByHashiCorp >= 40, `only ${s.parsedByHashiCorp} HashiCorp parses`);
    } finally { hcl.dispose(); }
  });
});
