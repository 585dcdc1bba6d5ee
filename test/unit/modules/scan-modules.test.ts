/**
 * Configurations through `scan()` and the built `lpg` command: roots, installed modules read from
 * `.terraform`, problems as issues, coverage, --var-file / --var with Terraform's precedence.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { assert, ready } from '../helpers';
import { scan, varAssignment } from '../../../server/src/scan';
import { evalCondText } from '../../../server/src/core/model/cond';
import { ModuleIndex } from '../../../server/src/core/model/module';
import { makeSourceFile } from '../../../server/src/core/source';
import { lpg, ensureBuilt, ROOT } from '../cli/run';
import { FIXTURES } from './host';

const fx = (name: string): string => path.join(FIXTURES, name);
const brief = (fs: { ruleId: string; file: string; range: { start: { line: number; character: number } } }[]): string[] => fs.filter((f) => f.ruleId !== 'missing-source-account').map((f) => `${f.ruleId} ${f.file}:${f.range.start.line}:${f.range.start.character}`);

describe('modules: scan', () => {
  before(ready);

  it('a scan analyses the root with its local child: the finding in the child comes from the caller', async () => {
    const r = await scan(fx('arn-from-caller/control-plane'));
    assert.deepStrictEqual(brief(r.findings), ['source-arn-mismatch modules/perm/main.tf:13:18']);
    assert.strictEqual(r.modules, 2);
    assert.deepStrictEqual({ ...r.coverage, decidedTriggers: undefined }, { triggers: 1, decided: 1, covered: 0, undecided: [], decidedTriggers: undefined });
  });

  it('scanning the child folder alone: no caller under the scanned tree, as before (variables unknown)', async () => {
    const r = await scan(fx('arn-from-caller/control-plane/modules/perm'));
    assert.deepStrictEqual(brief(r.findings), []);
  });

  it('--no-modules: each folder alone', async () => {
    const r = await scan(fx('fn-in-child/invalid'), { noModules: true });
    assert.deepStrictEqual(brief(r.findings), []);
    assert.deepStrictEqual(r.coverage!.undecided.map((u) => u.reason), ['modules not followed']);
  });

  it('installed modules are read from .terraform/modules (which the walk skips)', async () => {
    const r = await scan(fx('installed'));
    assert.deepStrictEqual(brief(r.findings), ['missing-invoke-permission main.tf:14:27']);
    assert.strictEqual(r.findings[0].related[1].file, '.terraform/modules/orders/main.tf');
  });

  it('a missing module folder and a cycle are issues, once each', async () => {
    const a = await scan(fx('missing-folder'));
    assert.deepStrictEqual(a.issues, [{ file: 'main.tf', message: 'line 2: module source folder not found: modules/lambda (source = "./modules/lambda")' }]);
    const b = await scan(fx('cycle'));
    assert.deepStrictEqual(b.issues, [{ file: 'modules/b/main.tf', message: 'line 2: module cycle: module.a.module.b.module.a calls modules/a again (. -> modules/a -> modules/b -> modules/a); not followed' }]);
  });

  it('--var-file: a wildcard that only prod\'s file introduces is found when that file is given; later files win', async () => {
    const none = await scan(fx('varfiles'));
    assert.deepStrictEqual(brief(none.findings), []); // environments/*.tfvars are not loaded by themselves
    const prod = await scan(fx('varfiles'), { varFiles: [{ path: 'environments/prod.tfvars', text: 'invoke_principal = "*"\n' }] });
    assert.deepStrictEqual(brief(prod.findings), ['public-invoke-principal main.tf:17:18']);
    const prodThenDev = await scan(fx('varfiles'), { varFiles: [{ path: 'environments/prod.tfvars', text: 'invoke_principal = "*"\n' }, { path: '(--var).tfvars', text: varAssignment('invoke_principal=123456789012')! }] });
    assert.deepStrictEqual(brief(prodThenDev.findings), []);
  });

  it('--var NAME=VALUE: strings quoted, HCL values (lists, objects, numbers, booleans) kept', () => {
    assert.strictEqual(varAssignment('p=*'), 'p = "*"\n');
    assert.strictEqual(varAssignment('n=3'), 'n = 3\n');
    assert.strictEqual(varAssignment('l=["a"]'), 'l = ["a"]\n');
    assert.strictEqual(varAssignment('s=a "b"'), 's = "a \\"b\\""\n');
    assert.strictEqual(varAssignment('=x'), undefined);
    assert.strictEqual(varAssignment('novalue'), undefined);
  });

  it('count/for_each of module resources: flags decided from variables and locals', () => {
    const mi = new ModuleIndex([makeSourceFile('main.tf', `
locals {
  create = var.create && var.enabled
}
variable "create" { default = true }
variable "enabled" { default = true }
variable "url" { default = false }
variable "x" { default = null }
variable "m" { default = {} }
`)], { suffix: '@module.m', called: true });
    const cases: [string, unknown][] = [
      ['local.create && !var.url ? 1 : 0', { k: 'num', v: 1 }],
      ['local.create && var.url ? 1 : 0', { k: 'num', v: 0 }],
      ['var.x == null ? 0 : 1', { k: 'num', v: 0 }],
      ['length(var.m) > 0 ? 1 : 0', { k: 'num', v: 0 }],
      ['var.unknown ? 1 : 0', undefined],
      ['var.unknown && var.url ? 1 : 0', { k: 'num', v: 0 }],
      ['var.create ? 1 : "x" + 1', undefined],
    ];
    for (const [t, want] of cases) assert.deepStrictEqual(evalCondText(t, mi), want, t);
  });
});

describe('modules: lpg scan (built CLI)', () => {
  before(function () { this.timeout(120_000); ensureBuilt(); });

  it('--format json carries related locations (wiring and call chain) with root-relative paths, 1-based', () => {
    const j = lpg(['scan', 'test/fixtures/modules/arn-from-caller/control-plane', '--format', 'json']);
    const out = JSON.parse(j.stdout) as { findings: { ruleId: string; related?: { file: string; range: { start: { line: number; column: number } }; message: string }[] }[] };
    const f = out.findings.find((x) => x.ruleId === 'source-arn-mismatch')!;
    assert.deepStrictEqual(f.related!.map((r) => [r.file, r.range.start.line, r.range.start.column, r.message]), [
      ['modules/perm/main.tf', 9, 1, 'permission aws_lambda_permission.api'],
      ['main.tf', 14, 1, 'trigger aws_apigatewayv2_integration.orders'],
      ['main.tf', 1, 1, 'function aws_lambda_function.orders'],
      ['main.tf', 9, 1, 'invoker aws_apigatewayv2_api.http'],
      ['main.tf', 21, 1, 'called as module.perm'],
      ['main.tf', 24, 3, 'var.api_arn passed by module.perm'],
    ]);
    // a finding without related locations has no `related` key (unchanged output)
    const plain = JSON.parse(lpg(['scan', 'examples', '--format', 'json']).stdout) as { findings: { ruleId: string; related?: unknown }[] };
    assert.ok(plain.findings.some((x) => x.related === undefined));
  });

  it('coverage counts the triggers of CloudFormation templates (in CloudFormation terms) and of plans, not only of Terraform', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lpg-cov-'));
    try {
      fs.writeFileSync(path.join(dir, 'template.yaml'), [
        'AWSTemplateFormatVersion: "2010-09-09"',
        'Resources:',
        '  Fn:',
        '    Type: AWS::Lambda::Function',
        '    Properties:',
        '      FunctionName: fn',
        '      Runtime: python3.12',
        '      Handler: index.handler',
        '      Role: arn:aws:iam::123456789012:role/r',
        '      Code: { ZipFile: "x" }',
        '  Topic:',
        '    Type: AWS::SNS::Topic',
        '  Sub:',
        '    Type: AWS::SNS::Subscription',
        '    Properties:',
        '      TopicArn: !Ref Topic',
        '      Protocol: lambda',
        '      Endpoint: !GetAtt Fn.Arn',
        '',
      ].join('\n'));
      const r = await scan(dir);
      assert.deepStrictEqual(brief(r.findings), ['missing-invoke-permission template.yaml:17:16']);
      assert.deepStrictEqual({ ...r.coverage, decidedTriggers: undefined }, { triggers: 1, decided: 1, covered: 0, undecided: [], decidedTriggers: undefined });
      assert.deepStrictEqual(r.coverage!.decidedTriggers, [{ file: 'template.yaml', line: 18, trigger: 'AWS::SNS::Subscription Sub', verdict: 'missing' }]);
    } finally { fs.rmSync(dir, { recursive: true, force: true }); }
    const p = await scan(path.join(ROOT, 'test/fixtures/plans/unknown-source-arn/plan.json'));
    assert.deepStrictEqual({ triggers: p.coverage!.triggers, decided: p.coverage!.decided }, { triggers: 2, decided: 1 });
    assert.deepStrictEqual(p.coverage!.undecided.map((u) => [u.trigger, u.reason]), [['aws_cloudwatch_event_target.a', "a permission's source_arn is not known"]]);
  });

  it('--format json has a coverage object after summary; text prints a Triggers line before the summary', () => {
    const j = lpg(['scan', 'test/fixtures/modules/not-installed', '--format', 'json']);
    const doc = JSON.parse(j.stdout);
    assert.deepStrictEqual(Object.keys(doc), ['version', 'findings', 'errors', 'summary', 'coverage']);
    assert.deepStrictEqual(doc.coverage, {
      triggers: 1, decided: 0, covered: 0, undecided: 1,
      reasons: { 'module source not installed: run terraform init': 1 },
      undecidedTriggers: [{ file: 'main.tf', line: 15, trigger: 'aws_apigatewayv2_integration.orders', reason: 'module source not installed: run terraform init' }],
    });
    const t = lpg(['scan', 'test/fixtures/modules/not-installed']);
    assert.strictEqual(t.stdout, 'Triggers: 1 found, 0 decided (0 covered), 1 undecided: 1 module source not installed: run terraform init.\nNo findings in 1 file (1 module).\n');
  });

  it('--fix finds the fixes folder by folder, and reports what is left across module calls (and with --var-file)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lpg-fix-modules-'));
    try {
      fs.cpSync(fx('fn-in-child/invalid'), dir, { recursive: true });
      const local = 'resource "aws_s3_bucket" "uploads" {\n  bucket = "orders-uploads"\n}\nresource "aws_lambda_function" "thumbs" {\n  function_name = "thumbs"\n  role          = "arn:aws:iam::123456789012:role/thumbs"\n}\nresource "aws_lambda_permission" "s3" {\n  action        = "lambda:*"\n  function_name = aws_lambda_function.thumbs.function_name\n  principal     = "s3.amazonaws.com"\n  source_arn    = aws_s3_bucket.uploads.arn\n}\n';
      fs.writeFileSync(path.join(dir, 'local.tf'), local);
      const before = await scan(dir);
      assert.deepStrictEqual(brief(before.findings), ['broad-permission-action local.tf:8:18', 'missing-invoke-permission main.tf:13:27']);
      const dry = await scan(dir, { fix: 'dry-run' });
      assert.deepStrictEqual(dry.fixed!.applied.map((a) => `${a.ruleId} ${a.files.join(',')}`), ['broad-permission-action local.tf', 'missing-source-account local.tf']);
      // the outage through the module call is still reported after the fix (a folder alone does not see it)
      assert.deepStrictEqual(brief(dry.findings), ['missing-invoke-permission main.tf:13:27']);
      assert.strictEqual(fs.readFileSync(path.join(dir, 'local.tf'), 'utf8'), local);
      const w = await scan(dir, { fix: 'write' });
      assert.deepStrictEqual(brief(w.findings), ['missing-invoke-permission main.tf:13:27']);
      assert.strictEqual(fs.readFileSync(path.join(dir, 'local.tf'), 'utf8'), local
        .replace('  action        = "lambda:*"\n  function_name = aws_lambda_function.thumbs.function_name\n  principal     = "s3.amazonaws.com"\n  source_arn    = aws_s3_bucket.uploads.arn\n',
          '  action         = "lambda:InvokeFunction"\n  function_name  = aws_lambda_function.thumbs.function_name\n  principal      = "s3.amazonaws.com"\n  source_arn     = aws_s3_bucket.uploads.arn\n  source_account = data.aws_caller_identity.current.account_id\n') + '\ndata "aws_caller_identity" "current" {}\n');
      assert.strictEqual(w.filesRead, before.filesRead);
      assert.deepStrictEqual(w.read, before.read);
      assert.deepStrictEqual({ ...w.coverage, decidedTriggers: undefined }, { ...before.coverage, decidedTriggers: undefined });
      // the findings left honour the variable files, as a scan without --fix does
      const vf = await scan(fx('varfiles'), { fix: 'dry-run', varFiles: [{ path: 'environments/prod.tfvars', text: fs.readFileSync(path.join(fx('varfiles'), 'environments/prod.tfvars'), 'utf8') }] });
      assert.deepStrictEqual(brief(vf.findings), ['public-invoke-principal main.tf:17:18']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--var-file and --var in command-line order; a bad --var is a usage error', () => {
    const base = ['scan', 'test/fixtures/modules/varfiles', '--format', 'json'];
    const ids = (args: string[]): string[] => JSON.parse(lpg([...base, ...args]).stdout).findings.map((f: { ruleId: string; file: string; range: { start: { line: number } } }) => `${f.ruleId} ${f.file}:${f.range.start.line}`);
    assert.deepStrictEqual(ids(['--var-file', 'test/fixtures/modules/varfiles/environments/prod.tfvars']), ['public-invoke-principal main.tf:18']);
    assert.deepStrictEqual(ids(['--var-file', 'test/fixtures/modules/varfiles/environments/prod.tfvars', '--var-file', 'test/fixtures/modules/varfiles/environments/dev.tfvars']), []);
    assert.deepStrictEqual(ids(['--var', 'invoke_principal=*']), ['public-invoke-principal main.tf:18']);
    assert.deepStrictEqual(ids(['--var', 'invoke_principal=*', '--var-file', 'test/fixtures/modules/varfiles/environments/dev.tfvars']), []);
    const bad = lpg([...base, '--var', 'nonsense']);
    assert.strictEqual(bad.code, 2);
    assert.match(bad.stderr, /^lpg: --var must be NAME=VALUE, not 'nonsense'/);
    assert.ok(ROOT);
  });
});
