/**
 * Whole configurations (issue "See through modules"): valid/invalid folders under
 * test/fixtures/modules, each finding asserted with its file, exact range, covered text and related
 * locations (the call chain).
 */
import { assert, ready } from '../helpers';
import { LineIndex } from '../../../server/src/core/text';
import type { Finding, RelatedLocation } from '../../../server/src/core/types';
import { analyzeFixture } from './host';

type R4 = [number, number, number, number];
const r4 = (x: { range: Finding['range'] }): R4 => [x.range.start.line, x.range.start.character, x.range.end.line, x.range.end.character];
function text(texts: Map<string, string>, file: string, x: { range: Finding['range'] }): string {
  const t = texts.get(file)!;
  const li = new LineIndex(t);
  return t.slice(li.offsetAt(x.range.start), li.offsetAt(x.range.end));
}
const rel = (texts: Map<string, string>, rs: RelatedLocation[]): [string, number, string, string][] =>
  rs.map((r) => [r.file, r.range.start.line, text(texts, r.file, r).split('\n')[0], r.message]);
const outages = (fs: Finding[]): Finding[] => fs.filter((f) => f.ruleId !== 'missing-source-account');

describe('modules: whole configurations', () => {
  before(ready);

  it('function in a local child, API in the root: missing permission on the root integration', () => {
    const r = analyzeFixture('fn-in-child/invalid');
    const fs = outages(r.findings);
    assert.deepStrictEqual(fs.map((f) => [f.ruleId, f.file, r4(f)]), [['missing-invoke-permission', 'main.tf', [13, 27, 13, 51]]]);
    const f = fs[0];
    assert.strictEqual(text(r.texts, f.file, f), 'module.orders.invoke_arn');
    assert.match(f.message, /^No permission lets API Gateway aws_apigatewayv2_api\.http invoke orders: every request to its routes will fail with 500\. No aws_lambda_permission on module\.orders\.aws_lambda_function\.this grants apigateway\.amazonaws\.com/);
    assert.deepStrictEqual(rel(r.texts, f.related), [
      ['main.tf', 10, 'resource "aws_apigatewayv2_integration" "orders"', 'trigger aws_apigatewayv2_integration.orders'],
      ['modules/lambda/main.tf', 4, 'resource "aws_lambda_function" "this"', 'function module.orders.aws_lambda_function.this'],
      ['main.tf', 5, 'resource "aws_apigatewayv2_api" "http"', 'invoker aws_apigatewayv2_api.http'],
    ]);
    // the permission block a fix would insert names aws_lambda_function.this, which the root does not have: no such fix
    assert.deepStrictEqual(f.fixes.map((x) => x.title), ['Ignore missing-invoke-permission for this block']);
    assert.deepStrictEqual(r.coverage, { triggers: 1, decided: 1, covered: 0, undecided: [] });
  });

  it('function in a local child, API and permission (function_name = module output) in the root: covered', () => {
    const r = analyzeFixture('fn-in-child/valid');
    assert.deepStrictEqual(outages(r.findings).map((f) => [f.ruleId, f.file, r4(f)]), []);
    assert.deepStrictEqual(r.coverage, { triggers: 1, decided: 1, covered: 1, undecided: [] });
  });

  it('the reverse: API in a child fed the root function through a variable', () => {
    const r = analyzeFixture('api-in-child/invalid');
    const fs = outages(r.findings);
    assert.deepStrictEqual(fs.map((f) => [f.ruleId, f.file, r4(f)]), [['missing-invoke-permission', 'modules/api/main.tf', [12, 27, 12, 41]]]);
    assert.strictEqual(text(r.texts, fs[0].file, fs[0]), 'var.invoke_arn');
    assert.deepStrictEqual(rel(r.texts, fs[0].related).slice(-2), [
      ['main.tf', 8, 'module "api"', 'called as module.api'],
      ['main.tf', 10, 'invoke_arn = aws_lambda_function.orders.invoke_arn', 'var.invoke_arn passed by module.api'],
    ]);
    assert.deepStrictEqual(outages(analyzeFixture('api-in-child/valid').findings), []);
  });

  it("a child's source_arn = \"${var.api_arn}/*\" fed the control-plane arn: reported in the child, naming the caller", () => {
    const r = analyzeFixture('arn-from-caller/control-plane');
    const fs = outages(r.findings);
    assert.deepStrictEqual(fs.map((f) => [f.ruleId, f.file, r4(f)]), [['source-arn-mismatch', 'modules/perm/main.tf', [13, 18, 13, 36]]]);
    const f = fs[0];
    assert.strictEqual(text(r.texts, f.file, f), '"${var.api_arn}/*"');
    assert.match(f.message, /^source_arn never matches API Gateway aws_apigatewayv2_api\.http: .*\(with the arguments of module\.perm in main\.tf:21\)$/);
    assert.deepStrictEqual(rel(r.texts, f.related).slice(-2), [
      ['main.tf', 20, 'module "perm"', 'called as module.perm'],
      ['main.tf', 23, 'api_arn       = aws_apigatewayv2_api.http.arn', 'var.api_arn passed by module.perm'],
    ]);
    assert.deepStrictEqual(f.fixes.map((x) => x.title), ['Ignore source-arn-mismatch for this block']);
  });

  it("a child's source_arn = var.api_arn fed a bare execution_arn: reported on the caller's argument", () => {
    const r = analyzeFixture('arn-from-caller/bare-execution-arn');
    const fs = outages(r.findings);
    assert.deepStrictEqual(fs.map((f) => [f.ruleId, f.file, r4(f)]), [['source-arn-mismatch', 'main.tf', [23, 18, 23, 57]]]);
    const f = fs[0];
    assert.strictEqual(text(r.texts, f.file, f), 'aws_apigatewayv2_api.http.execution_arn');
    assert.match(f.message, /\(the value of api_arn passed by module\.perm in main\.tf:21\)$/);
    assert.deepStrictEqual(rel(r.texts, f.related)[0], ['modules/perm/main.tf', 13, 'var.api_arn', 'used as var.api_arn here']);
    assert.deepStrictEqual(f.fixes, []);
    assert.deepStrictEqual(outages(analyzeFixture('arn-from-caller/valid').findings), []);
  });

  it('two sibling modules (API, Lambda) wired by the root', () => {
    assert.deepStrictEqual(outages(analyzeFixture('siblings/valid').findings), []);
    const r = analyzeFixture('siblings/invalid');
    const fs = outages(r.findings);
    assert.deepStrictEqual(fs.map((f) => [f.ruleId, f.file, r4(f)]), [['source-arn-mismatch', 'main.tf', [7, 15, 7, 39]]]);
    assert.strictEqual(text(r.texts, 'main.tf', fs[0]), 'module.api.execution_arn');
    assert.match(fs[0].message, /^source_arn never matches API Gateway module\.api\.aws_apigatewayv2_api\.http: every request to its routes will fail with 500 \(module\.fn\.aws_lambda_permission\.api → module\.fn\.aws_lambda_function\.this\)/);
    assert.deepStrictEqual(rel(r.texts, fs[0].related).map((x) => x[0] + ':' + x[1]), ['modules/fn/main.tf:17', 'modules/fn/main.tf:12', 'modules/api/main.tf:9', 'modules/fn/main.tf:4', 'modules/api/main.tf:4', 'main.tf:5']);
  });

  it('a child called twice, once right and once wrong: one finding naming the wrong call, no edit of the child', () => {
    const r = analyzeFixture('called-twice');
    const fs = outages(r.findings);
    assert.deepStrictEqual(fs.map((f) => [f.ruleId, f.file, r4(f)]), [['source-arn-mismatch', 'modules/perm/main.tf', [13, 18, 13, 38]]]);
    assert.match(fs[0].message, /control-plane .*\(with the arguments of module\.bad in main\.tf:27\)$/);
    assert.deepStrictEqual(rel(r.texts, fs[0].related), [
      ['modules/perm/main.tf', 8, 'resource "aws_lambda_permission" "api"', 'permission aws_lambda_permission.api'],
      ['main.tf', 26, 'module "bad"', 'called as module.bad'],
      ['main.tf', 29, 'api_arn       = aws_apigatewayv2_api.http.arn', 'var.api_arn passed by module.bad'],
    ]);
    assert.deepStrictEqual(fs[0].fixes.map((x) => x.title), ['Ignore source-arn-mismatch for this block']);
    // module.good's permission covers the integration
    assert.deepStrictEqual(r.coverage, { triggers: 1, decided: 1, covered: 1, undecided: [] });
  });

  it('for_each over a module call: one instance, any key', () => {
    const r = analyzeFixture('for-each');
    const fs = outages(r.findings);
    assert.deepStrictEqual(fs.map((f) => [f.ruleId, f.file, r4(f)]), [['missing-invoke-permission', 'main.tf', [14, 27, 14, 58]]]);
    assert.strictEqual(text(r.texts, 'main.tf', fs[0]), 'module.fns["orders"].invoke_arn');
  });

  it('nested modules three deep: the finding in the third level lists the whole call chain', () => {
    const r = analyzeFixture('nested');
    const fs = outages(r.findings);
    assert.deepStrictEqual(fs.map((f) => [f.ruleId, f.file, r4(f)]), [['source-arn-mismatch', 'modules/c/main.tf', [13, 18, 13, 36]]]);
    assert.deepStrictEqual(rel(r.texts, fs[0].related).slice(-4), [
      ['main.tf', 20, 'module "a"', 'called as module.a'],
      ['modules/a/main.tf', 8, 'module "b"', 'called as module.a.module.b'],
      ['modules/b/main.tf', 8, 'module "c"', 'called as module.a.module.b.module.c'],
      ['modules/b/main.tf', 11, 'api_arn       = var.api_arn', 'var.api_arn passed by module.a.module.b.module.c'],
    ]);
  });

  it('a child with a null-default optional permission: no finding, with or without a caller', () => {
    assert.deepStrictEqual(analyzeFixture('null-default').findings.map((f) => [f.ruleId, f.file, r4(f)]), []);
    // the child alone (as a root, no caller): the null default is unknown
    const alone = analyzeFixture('null-default', {}, { 'main.tf': '' });
    assert.deepStrictEqual(alone.findings.map((f) => [f.ruleId, f.file, r4(f)]), []);
  });

  it('an installed registry module via .terraform/modules/modules.json', () => {
    const r = analyzeFixture('installed');
    const fs = outages(r.findings);
    assert.deepStrictEqual(fs.map((f) => [f.ruleId, f.file, r4(f)]), [['missing-invoke-permission', 'main.tf', [14, 27, 14, 51]]]);
    assert.deepStrictEqual(rel(r.texts, fs[0].related)[1], ['.terraform/modules/orders/main.tf', 4, 'resource "aws_lambda_function" "this"', 'function module.orders.aws_lambda_function.this']);
  });

  it('a registry module that is not installed stays unknown, and coverage says why', () => {
    const r = analyzeFixture('not-installed');
    assert.deepStrictEqual(outages(r.findings), []);
    assert.deepStrictEqual(r.coverage, { triggers: 1, decided: 0, covered: 0, undecided: [{ file: 'main.tf', line: 15, trigger: 'aws_apigatewayv2_integration.orders', reason: 'module source not installed: run terraform init' }] });
  });

  it('a module cycle is reported once, on the call that closes it, and analysis ends', () => {
    const r = analyzeFixture('cycle');
    assert.deepStrictEqual(r.problems.map((p) => [p.file, r.texts.get(p.file)!.slice(p.span.start, p.span.end), p.message]), [
      ['modules/b/main.tf', '"../a"', 'module cycle: module.a.module.b.module.a calls modules/a again (. -> modules/a -> modules/b -> modules/a); not followed'],
    ]);
    assert.deepStrictEqual(r.configs.map((c) => c.instances.map((i) => i.path)), [['', 'module.a', 'module.a.module.b']]);
  });

  it('a missing source folder is reported once, clearly, and the module stays unknown', () => {
    const r = analyzeFixture('missing-folder');
    assert.deepStrictEqual(r.problems.map((p) => [p.file, r.texts.get(p.file)!.slice(p.span.start, p.span.end), p.message]), [
      ['main.tf', '"./modules/lambda"', 'module source folder not found: modules/lambda (source = "./modules/lambda")'],
    ]);
    assert.deepStrictEqual(outages(r.findings), []);
    assert.strictEqual(r.coverage.undecided[0].reason, 'module source folder not found: modules/lambda');
  });
});

describe('modules: fixes inside a child', () => {
  before(ready);

  it('a fix in a child names the child\'s own resources as the child writes them (no instance suffix), and stays preferred', () => {
    const r = analyzeFixture('child-fix');
    assert.deepStrictEqual(r.findings.map((f) => [f.ruleId, f.file, r4(f)]), [['missing-source-account', 'modules/uploads/main.tf', [27, 18, 27, 36]]]);
    const f = r.findings[0];
    assert.match(f.message, /^No source_account: .* \(aws_lambda_permission\.s3 on aws_lambda_function\.resize\)\. /);
    assert.deepStrictEqual(f.fixes.map((x) => [x.title, x.preferred]), [
      ['Add source_account = data.aws_caller_identity.current.account_id', true],
      ['Ignore missing-source-account for this block', false],
    ]);
    const edits = f.fixes[0].edits;
    assert.ok(edits.every((e) => e.file === 'modules/uploads/main.tf' && !e.newText.includes('@')), JSON.stringify(edits));
    assert.strictEqual(edits[edits.length - 1].newText, '\n  source_account = data.aws_caller_identity.current.account_id');
    assert.deepStrictEqual(rel(r.texts, f.related), [['main.tf', 0, 'module "uploads"', 'called as module.uploads']]);
  });
});

describe('modules: limits', () => {
  before(ready);

  it('a call fan-out that grows with depth stops at the instance limit, reported once; deep nesting stops at 10', () => {
    // each level calls the next three times: 3^10 instances if followed
    const texts: Record<string, string> = { 'main.tf': 'module "l0" {\n  source = "./m/l1"\n}\n' };
    for (let i = 1; i <= 12; i++) texts[`m/l${i}/main.tf`] = (i < 12 ? [0, 1, 2].map((k) => `module "c${k}" {\n  source = "../l${i + 1}"\n}\n`).join('') : '') + 'resource "aws_lambda_function" "f" {\n  function_name = "f"\n}\n';
    const r = analyzeFixture('cycle', {}, Object.fromEntries([['modules/a/main.tf', ''], ['modules/b/main.tf', ''], ...Object.entries(texts)]));
    const cfg = r.configs.find((c) => c.rootDir === '')!;
    assert.strictEqual(cfg.instances.length, 1000);
    // m/l11 (reached from no root within 10 levels) is a configuration of its own: its calls are followed there
    assert.deepStrictEqual(r.problems.map((p) => [p.file, p.message.replace(/module\.[\w.]+/, 'PATH')]), [
      ['m/l10/main.tf', 'module nesting deeper than 10 levels at PATH; not followed'],
      ['m/l10/main.tf', 'more than 1000 module instances in the configuration of .; PATH and the calls after it not followed'],
    ]);
  });
});
