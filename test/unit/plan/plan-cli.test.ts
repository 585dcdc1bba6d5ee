/** `lpg scan plan.json` with the built CLI (a real process): text, JSON and SARIF output, exit codes, --plan-root, PATH lists mixing plans and folders. */
import * as fs from 'fs';
import * as path from 'path';
import { assert } from '../helpers';
import { ensureBuilt, lpg, tempDir, ROOT } from '../cli/run';

const FIX = path.join(ROOT, 'test', 'fixtures', 'plans');
const rel = (p: string): string => path.relative(ROOT, p).split(path.sep).join('/');

describe('lpg scan PLAN (built CLI)', function () {
  this.timeout(120_000);
  before(ensureBuilt);

  it('--format sarif: the finding of a plan whose module sources are present is located in the .tf file; exit 1 for an error', () => {
    const plan = path.join(FIX, 'two-modules', 'plan.json');
    const r = lpg(['scan', rel(plan), '--format', 'sarif']);
    assert.strictEqual(r.code, 1, r.stderr);
    const run = JSON.parse(r.stdout).runs[0];
    const res = run.results as { ruleId: string; level: string; message: { text: string }; locations: { physicalLocation: { artifactLocation: { uri: string }; region: Record<string, number> } }[] }[];
    assert.deepStrictEqual(res.map((x) => [x.ruleId, x.level, x.locations[0].physicalLocation.artifactLocation.uri, x.locations[0].physicalLocation.region]), [
      ['missing-invoke-permission', 'error', 'test/fixtures/plans/two-modules/api/main.tf', { startLine: 43, startColumn: 29, endLine: 43, endColumn: 49 }],
    ]);
    assert.match(res[0].message.text, /module\.fn\.aws_lambda_function\.create/);
  });

  it('--format text: a finding in the plan itself is printed at the plan, with the address; exit 0 under --fail-on error for a warning', () => {
    const r = lpg(['scan', rel(path.join(FIX, 'registry-module', 'plan.json'))]);
    assert.strictEqual(r.code, 0, r.stderr);
    const first = r.stdout.split('\n')[0];
    assert.strictEqual(first, 'test/fixtures/plans/registry-module/plan.json:109:24 warning No source_arn: any API Gateway API in any account can invoke checkout (module.lambda.aws_lambda_permission.current_version_triggers["APIGatewayAny"] on module.lambda.aws_lambda_function.this[0]). It lets apigateway.amazonaws.com invoke the function without naming the invoker (confused deputy). [missing-source-arn]');
    assert.strictEqual(r.stdout.split('\n')[1], '  109 |           "principal": "apigateway.amazonaws.com",', 'the code frame, from the plan text as analysed');
    assert.match(r.stdout, /1 finding \(0 errors, 1 warning, 0 info\)/);
    assert.strictEqual(lpg(['scan', rel(path.join(FIX, 'registry-module', 'plan.json')), '--fail-on', 'warning']).code, 1);
  });

  it('--plan-root: the root module\'s sources elsewhere (paths then relative to the current folder)', () => {
    const d = tempDir();
    fs.cpSync(path.join(FIX, 'var-file'), path.join(d, 'src'), { recursive: true });
    fs.mkdirSync(path.join(d, 'build'));
    fs.renameSync(path.join(d, 'src', 'plan.json'), path.join(d, 'build', 'plan.json'));
    const without = lpg(['scan', 'build/plan.json', '--format', 'json'], { cwd: d });
    assert.deepStrictEqual(JSON.parse(without.stdout).findings.map((f: { file: string; ruleId: string }) => [f.file, f.ruleId]), [['build/plan.json', 'broad-source-arn']]);
    const withRoot = lpg(['scan', 'build/plan.json', '--plan-root', 'src', '--format', 'json'], { cwd: d });
    const fs2 = JSON.parse(withRoot.stdout).findings as { file: string; ruleId: string; range: { start: { line: number; column: number } }; fixes: unknown[] }[];
    assert.deepStrictEqual(fs2.map((f) => [f.file, f.ruleId, f.range.start]), [['src/main.tf', 'broad-source-arn', { line: 18, column: 19 }]]);
    assert.ok(fs2[0].fixes.length > 0, 'fixes at source');
    const bad = lpg(['scan', 'build/plan.json', '--plan-root', 'nowhere'], { cwd: d });
    assert.strictEqual(bad.code, 2);
    assert.match(bad.stderr, /--plan-root: no such folder: nowhere/);
  });

  it('a PATH list mixing a plan and a folder reports both; a folder holding a plan analyses it as a plan', () => {
    const d = tempDir({ 'app/main.tf': 'resource "aws_lambda_permission" "p" {\n  action        = "lambda:InvokeFunction"\n  function_name = "f"\n  principal     = "*"\n}\n' });
    fs.copyFileSync(path.join(FIX, 'unknown-source-arn', 'plan.json'), path.join(d, 'plan.json'));
    const r = lpg(['scan', 'plan.json', 'app', '--format', 'json'], { cwd: d });
    assert.strictEqual(r.code, 1, r.stderr);
    assert.deepStrictEqual(JSON.parse(r.stdout).findings.map((f: { file: string; ruleId: string }) => [f.file, f.ruleId]), [['plan.json', 'source-arn-mismatch'], ['app/main.tf', 'public-invoke-principal']]);
    const all = lpg(['scan', '.', '--format', 'json'], { cwd: d });
    assert.deepStrictEqual(JSON.parse(all.stdout).findings.map((f: { file: string; ruleId: string }) => [f.file, f.ruleId]).sort(), [['app/main.tf', 'public-invoke-principal'], ['plan.json', 'source-arn-mismatch']]);
  });

  it('a plan without findings exits 0 (a plan is something to check), in every format', () => {
    const plan = path.resolve(ROOT, '../shared/corpus/plans/terraform-compliance__cli/tests/functional/test_issue_796/plan.out.json');
    for (const format of ['text', 'json', 'sarif', 'gitlab', 'junit']) {
      const r = lpg(['scan', plan, '--format', format]);
      assert.strictEqual(r.code, 0, `${format}: ${r.stderr}`);
    }
  });

  it('a broken plan and an unsupported format_version are reported as parse-error in the plan (even with nothing about Lambda in it)', () => {
    const d = tempDir({ 'broken.json': '{"format_version": "1.2", "planned_values": {"root_module": {"resources": [\n', 'v3.json': '{"format_version": "3.0", "planned_values": {}}\n' });
    const a = lpg(['scan', 'broken.json', '--format', 'json'], { cwd: d });
    assert.strictEqual(a.code, 1);
    assert.deepStrictEqual(JSON.parse(a.stdout).findings.map((f: { file: string; ruleId: string; message: string }) => [f.file, f.ruleId, f.message]), [['broken.json', 'parse-error', 'JSON: close bracket expected']]);
    const b = lpg(['scan', 'v3.json', '--format', 'json'], { cwd: d });
    assert.strictEqual(b.code, 1);
    assert.deepStrictEqual(JSON.parse(b.stdout).findings.map((f: { file: string; ruleId: string; message: string }) => [f.file, f.ruleId, f.message]), [['v3.json', 'parse-error', 'Terraform plan format_version "3.0" is not supported (0.x and 1.x are): not analysed']]);
  });

  it('--fix on a plan changes nothing and says so', () => {
    const d = tempDir();
    fs.cpSync(path.join(FIX, 'var-file'), d, { recursive: true });
    const before = fs.readFileSync(path.join(d, 'main.tf'), 'utf8');
    const r = lpg(['scan', 'plan.json', '--fix'], { cwd: d });
    assert.match(r.stderr, /plan\.json: fixes are not applied from a plan: run lpg scan --fix on the Terraform source folder/);
    assert.strictEqual(fs.readFileSync(path.join(d, 'main.tf'), 'utf8'), before);
  });
});
