import * as fs from 'fs';
import * as path from 'path';
import { assert, ready } from './helpers';
import { makeSourceFile } from '../../server/src/core/source';
import { analyzeModule } from '../../server/src/core/analyze';
import { allRules } from '../../server/src/core/rules';
import { ModuleIndex } from '../../server/src/core/model/module';
import { buildFacts } from '../../server/src/core/model/facts';
import { verdictOf, wiringOf } from '../../server/src/core/model/wiring';

const REAL = path.resolve(__dirname, '../../../shared/corpus/real');
const EXT = /\.(tf|tf\.json|tfvars|json|tpl|tftpl)$/;

/** Every folder of the real corpus that holds Terraform files: one module each. */
function modules(): { dir: string; files: string[] }[] {
  const out: { dir: string; files: string[] }[] = [];
  const walk = (d: string): void => {
    const entries = fs.readdirSync(d, { withFileTypes: true });
    const files = entries.filter((e) => e.isFile() && EXT.test(e.name)).map((e) => e.name).sort();
    if (files.some((f) => f.endsWith('.tf') || f.endsWith('.tf.json'))) out.push({ dir: d, files });
    for (const e of entries) if (e.isDirectory()) walk(path.join(d, e.name));
  };
  walk(REAL);
  return out;
}

const OUTAGE = new Set(allRules.filter((r) => r.meta.kind === 'outage').map((r) => r.meta.id));

describe('outage rules on the real corpus (one module per folder)', function () {
  this.timeout(120000);
  before(ready);

  it('finds the corpus', () => {
    assert.ok(fs.existsSync(REAL), REAL);
    assert.strictEqual(OUTAGE.size, 6);
  });

  it('raises no outage finding anywhere (all real wiring is correct or undecidable), and no rule throws', () => {
    const found: string[] = [];
    const errors: string[] = [];
    const mods = modules();
    assert.ok(mods.length > 100, String(mods.length));
    for (const m of mods) {
      const sfs = m.files.map((f) => makeSourceFile(f, fs.readFileSync(path.join(m.dir, f), 'utf8')));
      const rel = path.relative(REAL, m.dir);
      const findings = analyzeModule(sfs, { onRuleError: (id, e) => errors.push(`${rel}: ${id}: ${String(e)}`) });
      for (const f of findings) if (OUTAGE.has(f.ruleId)) found.push(`${rel}/${f.file}:${f.range.start.line + 1} ${f.ruleId}`);
    }
    assert.deepStrictEqual(errors, []);
    // Expected: none. The corpus' API Gateway patterns (REST with /*/* and with
    // /*/${method.http_method}${resource.path}, HTTP and WebSocket APIs, the lambda module's
    // allowed_triggers) must not raise false alarms.
    assert.deepStrictEqual(found, []);
  });

  it('the wiring index sees the corpus triggers and decides most of them', () => {
    const counts: Record<string, number> = {};
    for (const m of modules()) {
      const sfs = m.files.map((f) => makeSourceFile(f, fs.readFileSync(path.join(m.dir, f), 'utf8')));
      const facts = buildFacts(new ModuleIndex(sfs));
      const w = wiringOf(facts);
      for (const t of w.triggers) {
        const v = verdictOf(w, t).k;
        counts[v] = (counts[v] ?? 0) + 1;
        counts[t.kind] = (counts[t.kind] ?? 0) + 1;
      }
    }
    // every trigger of the corpus whose function is in its folder is covered by a permission,
    // except three whose permission cannot be decided: `arn:aws:s3:::${bucket.id}` (partition
    // literal vs unknown partition, twice) and `${aws_api_gateway_deployment.x.execution_arn}*/GET/`.
    assert.deepStrictEqual({ covered: counts.covered, unknown: counts.unknown, missing: counts.missing ?? 0 }, { covered: 46, unknown: 3, missing: 0 });
    for (const k of ['rest-integration', 'v2-integration', 'v2-authorizer', 's3', 'sns', 'events', 'logs', 'alb']) assert.ok(counts[k] > 0, k);
  });
});
