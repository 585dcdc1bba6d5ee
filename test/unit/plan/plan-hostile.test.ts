/** Hostile plan JSON: every node of the hand-built plans replaced in turn by values of other types; the front-end never throws and no rule fails. */
import * as fs from 'fs';
import * as path from 'path';
import { assert, ready } from '../helpers';
import { makeSourceFile } from '../../../server/src/core/source';
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

describe('plan front-end on hostile sources', () => {
  before(ready);

  it('a chain of 40 locals, each reading the previous one three times, resolves once per local (no exponential blow-up); a cycle is unknown', () => {
    const locals = ['  l0 = "arn:aws:sns:eu-west-1:123456789012:t"', ...Array.from({ length: 40 }, (_, i) => `  l${i + 1} = "\${local.l${i}}\${local.l${i}}\${local.l${i}}"`), '  a = local.b', '  b = local.a'];
    const tf = `locals {\n${locals.join('\n')}\n}\n\nresource "aws_lambda_permission" "p" {\n  action        = "lambda:InvokeFunction"\n  function_name = "f"\n  principal     = "sns.amazonaws.com"\n  source_arn    = local.l40\n}\n\nresource "aws_lambda_permission" "q" {\n  action        = "lambda:InvokeFunction"\n  function_name = "f"\n  principal     = "sns.amazonaws.com"\n  source_arn    = local.a\n}\n`;
    const perm = (n: string): unknown => ({ address: `aws_lambda_permission.${n}`, mode: 'managed', type: 'aws_lambda_permission', name: n, change: { actions: ['create'], before: null, after: { action: 'lambda:InvokeFunction', function_name: 'f', principal: 'sns.amazonaws.com' }, after_unknown: { source_arn: true, id: true } } });
    const plan = JSON.stringify({ format_version: '1.2', resource_changes: [perm('p'), perm('q')], configuration: { root_module: {} } });
    const errors: string[] = [];
    const f = analyzePlan({ planPath: 'plan.json', planText: plan, rootDir: '', sources: [makeSourceFile('main.tf', tf)] }, { onRuleError: (id, e) => errors.push(`${id}: ${String(e)}`) });
    assert.deepStrictEqual(errors, []);
    assert.deepStrictEqual(f.map((x) => x.ruleId), []);
  });
});
