/** shiftedBlock (the hand-written copy of a block model at new offsets) equals the generic `shifted`, keys and order included. */
import * as fs from 'fs';
import * as path from 'path';
import { assert, ready } from '../helpers';
import { makeSourceFile } from '../../../server/src/core/source';
import { shifted, shiftedBlock } from '../../../server/src/core/model/hcl';

const REAL = path.resolve(__dirname, '../../../../shared/corpus/real');

function tfFiles(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) tfFiles(p, out); else if (e.name.endsWith('.tf')) out.push(p);
  }
  return out;
}

describe('model: shiftedBlock', () => {
  before(ready);
  it('equals shifted() for every block of the real corpus (deep-equal and the same JSON), by +7 and -3', () => {
    const files = tfFiles(REAL);
    assert.ok(files.length > 100, `${files.length} files`);
    let n = 0;
    for (const p of files) {
      const f = makeSourceFile('main.tf', fs.readFileSync(p, 'utf8'));
      for (const b of f.syntax?.blocks ?? []) for (const d of [7, -3]) {
        const mine = shiftedBlock(b, d), ref = shifted(b, d);
        assert.deepStrictEqual(mine, ref, p);
        assert.strictEqual(JSON.stringify(mine), JSON.stringify(ref), p);
        n++;
      }
    }
    assert.ok(n > 1000, `${n} blocks`);
  });
});
