/** The real server over stdio: findings across module calls (a child's finding caused by its caller's argument). */
import * as assert from 'assert';
import * as path from 'path';
import { TestClient, makeWorkspace, covered, uriOf } from './client';

const ROOT_TF = `resource "aws_lambda_function" "orders" {
  function_name = "orders"
  role          = "arn:aws:iam::123456789012:role/lambda"
  handler       = "index.handler"
  runtime       = "nodejs20.x"
  filename      = "fn.zip"
}

resource "aws_apigatewayv2_api" "http" {
  name          = "orders"
  protocol_type = "HTTP"
}

resource "aws_apigatewayv2_integration" "orders" {
  api_id                 = aws_apigatewayv2_api.http.id
  integration_type       = "AWS_PROXY"
  integration_uri        = aws_lambda_function.orders.invoke_arn
  payload_format_version = "2.0"
}

module "perm" {
  source        = "./modules/perm"
  function_name = aws_lambda_function.orders.function_name
  api_arn       = aws_apigatewayv2_api.http.arn
}
`;
const CHILD_TF = `variable "function_name" {
  type = string
}

variable "api_arn" {
  type = string
}

resource "aws_lambda_permission" "api" {
  statement_id  = "AllowAPIGatewayInvoke"
  action        = "lambda:InvokeFunction"
  function_name = var.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "\${var.api_arn}/*/*"
}
`;

describe('protocol: modules', function () {
  let c: TestClient;
  afterEach(async () => { await c?.stop(); });

  it("a child's finding caused by the caller's argument appears, and clears when the caller is fixed", async () => {
    const root = makeWorkspace({ 'main.tf': ROOT_TF, 'modules/perm/main.tf': CHILD_TF });
    c = new TestClient({ root, settings: { '*': { debounceMs: 0 } } });
    await c.initialize();
    const child = await c.open(path.join(root, 'modules/perm/main.tf'));
    const [d, ...rest] = await c.current(child, (ds) => ds.length > 0, 'the child finding');
    assert.deepStrictEqual(rest, []);
    assert.strictEqual(d.code, 'source-arn-mismatch');
    assert.deepStrictEqual(d.range, { start: { line: 13, character: 18 }, end: { line: 13, character: 38 } });
    assert.strictEqual(covered(CHILD_TF, d.range), '"${var.api_arn}/*/*"');
    assert.match(d.message, /^source_arn never matches API Gateway aws_apigatewayv2_api\.http: .*\(aws_lambda_permission\.api → aws_lambda_function\.orders\)\. \(with the arguments of module\.perm in main\.tf:21\)$/);
    const rel = (d.relatedInformation ?? []).map((r) => [r.location.uri, r.location.range.start.line, r.message]);
    assert.deepStrictEqual(rel.slice(-2), [
      [uriOf(path.join(root, 'main.tf')), 20, 'called as module.perm'],
      [uriOf(path.join(root, 'main.tf')), 23, 'var.api_arn passed by module.perm'],
    ]);
    // fix the caller's argument in the caller's file: the child's finding clears
    const caller = await c.open(path.join(root, 'main.tf'));
    await c.current(caller, () => true, 'the caller analysed');
    const col = '  api_arn       = aws_apigatewayv2_api.http.'.length;
    await c.change(caller, [{ range: { start: { line: 23, character: col }, end: { line: 23, character: col + 3 } }, newText: 'execution_arn' }]);
    assert.ok(c.text(caller).includes('api_arn       = aws_apigatewayv2_api.http.execution_arn'), c.text(caller));
    await c.current(child, (ds) => ds.length === 0, 'the child finding cleared');
    assert.deepStrictEqual(await c.current(caller, () => true), []);
  });

  it("editing a child re-validates its caller: a permission added in the child clears the caller's missing-invoke-permission", async () => {
    const LAMBDA = `variable "name" {\n  type = string\n}\n\nresource "aws_lambda_function" "this" {\n  function_name = var.name\n  role          = "arn:aws:iam::123456789012:role/lambda"\n  handler       = "index.handler"\n  runtime       = "nodejs20.x"\n  filename      = "fn.zip"\n}\n\noutput "invoke_arn" {\n  value = aws_lambda_function.this.invoke_arn\n}\n`;
    const MAIN = `module "orders" {\n  source = "./modules/lambda"\n  name   = "orders"\n}\n\nresource "aws_apigatewayv2_api" "http" {\n  name          = "orders"\n  protocol_type = "HTTP"\n}\n\nresource "aws_apigatewayv2_integration" "orders" {\n  api_id                 = aws_apigatewayv2_api.http.id\n  integration_type       = "AWS_PROXY"\n  integration_uri        = module.orders.invoke_arn\n  payload_format_version = "2.0"\n}\n`;
    const root = makeWorkspace({ 'main.tf': MAIN, 'modules/lambda/main.tf': LAMBDA });
    c = new TestClient({ root, settings: { '*': { debounceMs: 0 } } });
    await c.initialize();
    const caller = await c.open(path.join(root, 'main.tf'));
    const [d] = await c.current(caller, (ds) => ds.length === 1, 'the caller finding');
    assert.strictEqual(d.code, 'missing-invoke-permission');
    assert.deepStrictEqual(d.range, { start: { line: 13, character: 27 }, end: { line: 13, character: 51 } });
    assert.strictEqual(covered(MAIN, d.range), 'module.orders.invoke_arn');
    const child = await c.open(path.join(root, 'modules/lambda/main.tf'));
    await c.current(child, () => true, 'the child analysed');
    const perm = `\nresource "aws_lambda_permission" "api" {\n  action        = "lambda:InvokeFunction"\n  function_name = aws_lambda_function.this.function_name\n  principal     = "apigateway.amazonaws.com"\n}\n`;
    await c.insertAt(child, c.text(child).length, perm);
    // the caller's file was not edited: its diagnostics are republished for the same version, now empty
    await c.diagnostics(caller, (ds) => ds.length === 0, "the caller's finding cleared");
    const ds = await c.current(child, (x) => x.length === 1, 'the child finding');
    assert.strictEqual(ds[0].code, 'missing-source-arn');
  });
});

describe('protocol: typing in a child module (findings carried over edits no rule reads)', function () {
  let c: TestClient;
  afterEach(async () => { await c?.stop(); });

  it('the finding moves with the edit at once; its quick fix follows the new layout, and comes back in the diagnostics when typing pauses', async () => {
    const CHILD = `resource "aws_lambda_function" "fn" {\n  function_name = "svc"\n  role          = "arn:aws:iam::123456789012:role/svc"\n}\nresource "aws_apigatewayv2_api" "http" {\n  name          = "svc"\n  protocol_type = "HTTP"\n}\nresource "aws_apigatewayv2_integration" "fn" {\n  api_id           = aws_apigatewayv2_api.http.id\n  integration_type = "AWS_PROXY"\n  integration_uri  = aws_lambda_function.fn.invoke_arn\n}\nresource "aws_lambda_permission" "api" {\n  action        = "lambda:InvokeFunction"\n  function_name = aws_lambda_function.fn.function_name\n  principal     = "apigateway.amazonaws.com"\n}\n`;
    const files: Record<string, string> = { 'modules/svc/main.tf': CHILD };
    for (const e of ['dev', 'prod']) files[`envs/${e}/main.tf`] = `module "svc" {\n  source = "../../modules/svc"\n}\n`;
    const root = makeWorkspace(files);
    c = new TestClient({ root, settings: { '*': { debounceMs: 0 } } });
    await c.initialize();
    const child = await c.open(path.join(root, 'modules/svc/main.tf'));
    const [d0] = await c.current(child, (ds) => ds.length === 1, 'the finding');
    assert.strictEqual(d0.code, 'missing-source-arn');
    assert.deepStrictEqual(d0.range, { start: { line: 16, character: 18 }, end: { line: 16, character: 44 } });
    const fixes = (d: typeof d0): string[] => ((d.data as { fixes?: { title: string }[] } | undefined)?.fixes ?? []).map((x) => x.title);
    assert.deepStrictEqual(fixes(d0), ['Add source_arn = "${aws_apigatewayv2_api.http.execution_arn}/*/*"', 'Ignore missing-source-arn for this block']);
    // a new line in the permission, typed key by key: an attribute no rule reads, longer than the others
    const line = '  reserved_concurrent_executions = 5\n';
    const at = c.text(child).indexOf('  principal');
    await c.insertAt(child, at, '\n');
    for (let i = 0; i < line.length - 1; i++) await c.insertAt(child, at + i, line[i]);
    const [d1] = await c.current(child, (ds) => ds.length === 1, 'the finding after the typing');
    assert.deepStrictEqual(d1.range, { start: { line: 17, character: 18 }, end: { line: 17, character: 44 } });
    assert.strictEqual(d1.message, d0.message);
    // the code action analyses in full: the fix realigns the group with the new, longer name
    const actions = await c.codeActions(child, d1.range, [d1]);
    const fix = actions.find((a) => a.title.startsWith('Add source_arn'));
    assert.ok(fix, JSON.stringify(actions.map((a) => a.title)));
    const edits = (fix.edit!.changes?.[child] ?? (fix.edit!.documentChanges as { edits: { range: { start: { line: number; character: number }; end: { line: number; character: number } }; newText: string }[] }[])[0].edits).map((e) => [e.range.start.line, e.range.start.character, e.range.end.line, e.range.end.character, e.newText]);
    // before the typing the group was aligned (the fix joined its column); now it is not: a single space
    const before = (d0.data as { fixes: { edits: { newText: string }[] }[] }).fixes[0].edits.map((e) => e.newText);
    assert.deepStrictEqual(before, ['\n  source_arn    = "${aws_apigatewayv2_api.http.execution_arn}/*/*"']);
    assert.deepStrictEqual(edits, [[17, 44, 17, 44, '\n  source_arn = "${aws_apigatewayv2_api.http.execution_arn}/*/*"']]);
    // and the diagnostics carry the fixes again
    const [d2] = await c.current(child, (ds) => ds.length === 1 && fixes(ds[0]).length === 2, 'the fixes back');
    assert.deepStrictEqual(d2.range, d1.range);
  });
});

describe('protocol: lpg.varFiles', function () {
  let c: TestClient;
  afterEach(async () => { await c?.stop(); });

  it('a wildcard that only prod.tfvars introduces appears when the setting lists that file', async () => {
    const MAIN = `variable "invoke_principal" {\n  type    = string\n  default = "123456789012"\n}\n\nresource "aws_lambda_permission" "api" {\n  statement_id  = "AllowInvoke"\n  action        = "lambda:InvokeFunction"\n  function_name = "orders"\n  principal     = var.invoke_principal\n}\n`;
    const root = makeWorkspace({ 'main.tf': MAIN, 'environments/prod.tfvars': 'invoke_principal = "*"\n' });
    c = new TestClient({ root, settings: { '*': { debounceMs: 0 } } });
    await c.initialize();
    const uri = await c.open(path.join(root, 'main.tf'));
    assert.deepStrictEqual(await c.current(uri), []);
    await c.setSettings({ '*': { debounceMs: 0, varFiles: ['environments/prod.tfvars'] } });
    const [d, ...rest] = await c.current(uri, (ds) => ds.length > 0, 'the finding from prod.tfvars');
    assert.deepStrictEqual(rest, []);
    assert.strictEqual(d.code, 'public-invoke-principal');
    assert.strictEqual(covered(MAIN, d.range), 'var.invoke_principal');
  });
});
