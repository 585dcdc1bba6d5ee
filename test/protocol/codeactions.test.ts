/** The real server over stdio: quick fixes, snippets, suppression, fix-all, and cross-file outage republish. */
import * as assert from 'assert';
import * as path from 'path';
import { CodeActionKind, DiagnosticSeverity, type CodeAction, type TextDocumentEdit } from 'vscode-languageserver-protocol';
import { TestClient, makeWorkspace, covered, plainEdit, applyEdits } from './client';

export const LAMBDA = `resource "aws_lambda_function" "f" {\n  function_name = "orders"\n  role          = "arn:aws:iam::123456789012:role/r"\n  handler       = "index.handler"\n  runtime       = "nodejs20.x"\n  filename      = "f.zip"\n}\n`;
export const API = `resource "aws_api_gateway_rest_api" "api" {\n  name = "api"\n}\n\nresource "aws_api_gateway_integration" "int" {\n  rest_api_id             = aws_api_gateway_rest_api.api.id\n  resource_id             = "r"\n  http_method             = "GET"\n  integration_http_method = "POST"\n  type                    = "AWS_PROXY"\n  uri                     = aws_lambda_function.f.invoke_arn\n}\n`;
const PERM_NO_ARN = `resource "aws_lambda_permission" "api" {\n  statement_id  = "AllowAPI"\n  action        = "lambda:InvokeFunction"\n  function_name = aws_lambda_function.f.function_name\n  principal     = "apigateway.amazonaws.com"\n}\n`;
const LONE = `resource "aws_lambda_permission" "api" {\n  action        = "lambda:InvokeFunction"\n  function_name = "f"\n  principal     = "apigateway.amazonaws.com"\n}\n`;

const docEdits = (a: CodeAction) => (a.edit!.documentChanges as TextDocumentEdit[]);
const titles = (as: CodeAction[]) => as.map((a) => [a.title, a.kind, !!a.isPreferred]);

describe('protocol: code actions', function () {
  let c: TestClient;
  afterEach(async () => { await c?.stop(); });

  it('offers the fixes of a diagnostic and "Ignore" with versioned edits; applying them gives the exact text', async () => {
    const root = makeWorkspace({ 'main.tf': LONE });
    c = new TestClient({ root });
    await c.initialize();
    const uri = await c.open(path.join(root, 'main.tf'));
    const ds = await c.current(uri, (d) => d.length === 1);
    const actions = await c.codeActions(uri, ds[0].range, ds);
    assert.deepStrictEqual(titles(actions), [
      ['Add source_arn (apigateway ARN format)', 'quickfix', false],
      ['Ignore missing-source-arn for this block', 'quickfix', false],
    ]);
    assert.deepStrictEqual(actions[0].diagnostics, [ds[0]]);
    // a client without snippet support gets plain text with the ARN format's placeholders filled in
    assert.deepStrictEqual(docEdits(actions[0]), [{
      textDocument: { uri, version: 1 },
      edits: [{ range: { start: { line: 3, character: 44 }, end: { line: 3, character: 44 } }, newText: '\n  source_arn    = "arn:aws:execute-api:region:account:api-id/*/*"' }],
    }]);
    c.applyWorkspaceEdit(actions[1].edit!);
    assert.strictEqual(c.text(uri), '# lpg-ignore: missing-source-arn -- reason\n' + LONE);
    assert.deepStrictEqual(await c.current(uri), []);
  });

  it('sends the suggestion as a snippet edit to clients with workspaceEdit.snippetEditSupport', async () => {
    const root = makeWorkspace({ 'main.tf': LONE });
    c = new TestClient({ root, snippets: true });
    await c.initialize();
    const uri = await c.open(path.join(root, 'main.tf'));
    const ds = await c.current(uri, (d) => d.length === 1);
    const [add] = await c.codeActions(uri, ds[0].range, ds);
    assert.deepStrictEqual(docEdits(add)[0].edits, [{
      range: { start: { line: 3, character: 44 }, end: { line: 3, character: 44 } },
      snippet: { kind: 'snippet', value: '\n  source_arn    = "arn:aws:execute-api:${1:region}:${2:account}:${3:api-id}/${4:*}/${5:*}"' },
    }]);
    c.applyWorkspaceEdit(add.edit!);
    assert.strictEqual(c.text(uri), LONE.replace('"apigateway.amazonaws.com"\n', '"apigateway.amazonaws.com"\n  source_arn    = "arn:aws:execute-api:region:account:api-id/*/*"\n'));
    assert.deepStrictEqual(await c.current(uri), []);
  });

  it('answers without diagnostics in the context (range only) and with `changes` for clients without documentChanges', async () => {
    const root = makeWorkspace({ 'main.tf': LONE });
    c = new TestClient({ root, documentChanges: false });
    await c.initialize();
    const uri = await c.open(path.join(root, 'main.tf'));
    await c.current(uri, (d) => d.length === 1);
    const actions = await c.codeActions(uri, { start: { line: 3, character: 20 }, end: { line: 3, character: 20 } }, []);
    assert.deepStrictEqual(titles(actions), [['Add source_arn (apigateway ARN format)', 'quickfix', false], ['Ignore missing-source-arn for this block', 'quickfix', false]]);
    assert.deepStrictEqual(actions[1].edit, { changes: { [uri]: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: '# lpg-ignore: missing-source-arn -- reason\n' }] } });
    // nothing on a line without findings
    assert.deepStrictEqual(await c.codeActions(uri, { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, []), []);
  });

  it('cross-file: the missing permission makes api.tf fail; adding it in lambda.tf clears api.tf', async () => {
    const root = makeWorkspace({ 'lambda.tf': LAMBDA, 'api.tf': API });
    c = new TestClient({ root, settings: { '*': { debounceMs: 0 } } });
    await c.initialize();
    const api = await c.open(path.join(root, 'api.tf'));
    const lambda = await c.open(path.join(root, 'lambda.tf'));
    const [err, ...more] = await c.current(api, (d) => d.length > 0);
    assert.deepStrictEqual(more, []);
    assert.strictEqual(err.code, 'missing-invoke-permission');
    assert.strictEqual(err.severity, DiagnosticSeverity.Error);
    assert.strictEqual(covered(API, err.range), 'aws_lambda_function.f.invoke_arn');
    assert.deepStrictEqual(err.range, { start: { line: 10, character: 28 }, end: { line: 10, character: 60 } });
    assert.deepStrictEqual(await c.current(lambda), []);
    // type the permission into lambda.tf, in three incremental chunks
    const seq = c.publications.length;
    const perm = PERM_NO_ARN.replace('"apigateway.amazonaws.com"\n', '"apigateway.amazonaws.com"\n  source_arn    = "${aws_api_gateway_rest_api.api.execution_arn}/*/*"\n');
    const parts = [perm.slice(0, 40), perm.slice(40, 150), perm.slice(150)];
    for (const p of parts) await c.insertAt(lambda, c.text(lambda).length, p);
    assert.strictEqual(c.text(lambda), LAMBDA + perm);
    await c.until('api.tf republished without the error', () => c.publications.slice(seq).some((p) => p.uri === api && p.diagnostics.length === 0));
    assert.deepStrictEqual(await c.current(lambda), []);
  });

  it('the preferred fix of missing-invoke-permission inserts the whole permission block', async () => {
    const root = makeWorkspace({ 'lambda.tf': LAMBDA, 'api.tf': API });
    c = new TestClient({ root });
    await c.initialize();
    const api = await c.open(path.join(root, 'api.tf'));
    const ds = await c.current(api, (d) => d.length === 1);
    const actions = await c.codeActions(api, ds[0].range, ds);
    const preferred = actions.filter((a) => a.isPreferred);
    assert.strictEqual(preferred.length, 1, JSON.stringify(titles(actions)));
    c.applyWorkspaceEdit(preferred[0].edit!);
    assert.deepStrictEqual(await c.current(api), []);
    assert.strictEqual(c.text(api), API + '\nresource "aws_lambda_permission" "allow_apigateway_f" {\n  statement_id  = "AllowAPIGatewayInvoke"\n  action        = "lambda:InvokeFunction"\n  function_name = aws_lambda_function.f.function_name\n  principal     = "apigateway.amazonaws.com"\n  source_arn    = "${aws_api_gateway_rest_api.api.execution_arn}/*/*"\n}\n');
  });

  it('source.fixAll.lpg applies every preferred fix of the file, and lpg.fixAll does the same through workspace/applyEdit', async () => {
    const broad = PERM_NO_ARN.replace('"lambda:InvokeFunction"', '"lambda:*"');
    const root = makeWorkspace({ 'lambda.tf': LAMBDA + '\n' + broad, 'api.tf': API });
    c = new TestClient({ root });
    await c.initialize();
    const lambda = await c.open(path.join(root, 'lambda.tf'));
    const ds = await c.current(lambda, (d) => d.length === 2);
    assert.deepStrictEqual(ds.map((d) => d.code).sort(), ['broad-permission-action', 'missing-source-arn']);
    const expected = LAMBDA + '\n' + PERM_NO_ARN.replace('"apigateway.amazonaws.com"\n', '"apigateway.amazonaws.com"\n  source_arn    = "${aws_api_gateway_rest_api.api.execution_arn}/*/*"\n');
    const actions = await c.codeActions(lambda, ds[0].range, [], [CodeActionKind.SourceFixAll]);
    assert.deepStrictEqual(titles(actions), [['Fix all auto-fixable lpg problems', 'source.fixAll.lpg', false]]);
    const dc = docEdits(actions[0]);
    assert.strictEqual(dc.length, 1);
    assert.deepStrictEqual(dc[0].textDocument, { uri: lambda, version: 1 });
    assert.strictEqual(applyEdits(c.text(lambda), dc[0].edits.map(plainEdit)), expected);
    // the same through the command: the server asks the client to apply the edit
    const r = await c.executeCommand('lpg.fixAll', [lambda]);
    assert.deepStrictEqual(r, { applied: true });
    assert.strictEqual(c.text(lambda), expected);
    assert.deepStrictEqual(await c.current(lambda), []);
    // nothing left to fix
    assert.deepStrictEqual(await c.codeActions(lambda, ds[0].range, [], [CodeActionKind.SourceFixAll]), []);
  });
});
