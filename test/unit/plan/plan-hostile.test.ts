/** Hostile plan JSON: every node of the hand-built plans replaced in turn by values of other types; the front-end never throws and no rule fails. */
import * as fs from 'fs';
import * as path from 'path';
import { assert } from '../helpers';
import { analyzePlan } from '../../../server/src/core/frontends/plan';

const FIX = path.resolve(__dirname, '../../fixtures/plans');

/** Every path to a value of a JSON document. */
function paths(v: unknown, at: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(at);
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...at, i], out));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) paths(x, [...at, k], out);
  return out;
}
function replaced(doc: unknown, at: (string | number)[], by: unknown): unknown {
  if (!at.length) return by;
  const copy: any = Array.isArray(doc) ? [...doc] : { ...(doc as object) };
  copy[at[0]] = replaced(copy[at[0]], at.slice(1), by);
  return copy;
}

describe('plan front-end on hostile plans', function () {
  this.timeout(300_000);
  for (const name of ['two-modules', 'for-each', 'unknown-source-arn', 'deleted-permission']) {
    it(`${name}: each node replaced by null, [], {}, "x", 7 and true`, () => {
      const doc = JSON.parse(fs.readFileSync(path.join(FIX, name, 'plan.json'), 'utf8'));
      const all = paths(doc);
      let runs = 0;
      // every 3rd node (the plans have 600 to 1,500 nodes each), every replacement
      for (let i = 0; i < all.length; i += 3) {
        for (const by of [null, [], {}, 'x', 7, true]) {
          const text = JSON.stringify(replaced(doc, all[i], by));
          const errors: string[] = [];
          analyzePlan({ planPath: 'plan.json', planText: text, rootDir: '' }, { onRuleError: (id, e) => errors.push(`${id}: ${String(e)}`) });
          assert.deepStrictEqual(errors, [], `${all[i].join('.')} = ${JSON.stringify(by)}`);
          runs++;
        }
      }
      assert.strictEqual(runs, Math.ceil(all.length / 3) * 6);
    });
  }
});
