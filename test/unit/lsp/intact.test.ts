import * as assert from 'assert';
import { nearest } from '../../../server/src/lsp/intact';

/** The plain definition: scan every occurrence, keep the strictly nearest (the lower of two as near). */
function nearestPlain(hay: string, needle: string, near: number): number {
  if (!needle) return -1;
  let best = -1;
  for (let i = hay.indexOf(needle); i >= 0; i = hay.indexOf(needle, i + 1)) {
    if (best < 0 || Math.abs(i - near) < Math.abs(best - near)) best = i;
  }
  return best;
}

describe('intact: nearest occurrence', () => {
  it('agrees with the plain definition for every needle, position and shift hint', () => {
    const hay = 'ab abab ba ab\nab  aba bab ab';
    for (const needle of ['ab', 'aba', 'b', ' a', 'ab\nab', 'zz', 'bab ab']) {
      for (let near = 0; near <= hay.length; near++) {
        for (let hint = -8; hint <= 8; hint++) {
          assert.strictEqual(nearest(hay, needle, near, hint), nearestPlain(hay, needle, near), `${JSON.stringify(needle)} near ${near} hint ${hint}`);
        }
      }
    }
  });

  it('finds a block moved by the length of an edit', () => {
    const good = 'resource "a" "x" {}\nresource "b" "y" {}\n';
    const cur = 'resource "a" "x" { q }\nresource "b" "y" {}\n';
    const bt = 'resource "b" "y" {}';
    assert.strictEqual(nearest(cur, bt, good.indexOf(bt), cur.length - good.length), cur.indexOf(bt));
    assert.strictEqual(nearest(cur, '', 0, 0), -1);
  });
});
