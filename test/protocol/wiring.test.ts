/** The real server over stdio: CodeLens above Lambda functions, hovers on permissions and triggers, the lpg/wiring request. */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { CodeLensRequest, HoverRequest, type CodeLens, type Hover } from 'vscode-languageserver-protocol';
import { TestClient, makeWorkspace, REPO, uriOf } from './client';

const EXAMPLES = Object.fromEntries(fs.readdirSync(path.join(REPO, 'examples')).map((f) => [f, fs.readFileSync(path.join(REPO, 'examples', f), 'utf8')]));
const at = (line: number, character: number) => ({ line, character });
const range = (l1: number, c1: number, l2: number, c2: number) => ({ start: at(l1, c1), end: at(l2, c2) });
const EVENTS_PERM = `
resource "aws_lambda_permission" "nightly" {
  statement_id  = "AllowNightly"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.report.function_name
  principal     = "events.amazonaws.com"
  source_arn    = aws_cloudwatch_event_rule.nightly.arn
}
`;

describe('protocol: wiring (CodeLens, hover, lpg/wiring)', function () {
  let c: TestClient;
  let root: string;
  let lambda: string, api: string;
  afterEach(async () => { await c?.stop(); });

  const lenses = (uri: string) => c.conn.sendRequest(CodeLensRequest.type, { textDocument: { uri } }) as Promise<CodeLens[]>;
  const hover = (uri: string, line: number, character: number) => c.conn.sendRequest(HoverRequest.type, { textDocument: { uri }, position: at(line, character) }) as Promise<Hover | null>;
  const summary = (ls: CodeLens[]) => ls.map((l) => [l.range.start.line, l.range.start.character, l.range.end.line, l.range.end.character, l.command?.title, l.command?.command]);

  async function start(opts: { codeLensRefresh?: boolean; settings?: Record<string, unknown> } = {}): Promise<void> {
    root = makeWorkspace(EXAMPLES);
    c = new TestClient({ root, codeLensRefresh: opts.codeLensRefresh, settings: opts.settings, initializationOptions: { wiring: true } });
    await c.initialize();
    lambda = await c.open(path.join(root, 'lambda.tf'));
    api = await c.open(path.join(root, 'api.tf'));
    await c.current(lambda, (d) => d.length > 0);
    await c.current(api, (d) => d.length > 0);
  }

  it('CodeLens above each aws_lambda_function with the trigger summary; the command carries the triggers with verdict, permissions and locations', async () => {
    await start();
    const ls = await lenses(lambda);
    assert.deepStrictEqual(summary(ls), [
      [14, 0, 14, 39, '1 trigger · all permitted', 'lpg.showWiring'],
      [22, 0, 22, 38, '1 trigger · 1 cannot invoke', 'lpg.showWiring'],
      [30, 0, 30, 39, '1 trigger · 1 cannot invoke', 'lpg.showWiring'],
      [38, 0, 38, 40, 'no triggers in this folder', ''],
    ]);
    assert.deepStrictEqual(ls[1].command!.arguments, [{
      uri: lambda, function: 'aws_lambda_function.admin',
      triggers: [{
        id: 'aws_api_gateway_integration.get_reports', kind: 'rest-integration', service: 'API Gateway', principal: 'apigateway.amazonaws.com',
        label: 'GET /reports', resource: 'aws_api_gateway_integration.get_reports', invoker: 'aws_api_gateway_rest_api.admin',
        verdict: 'cannot-invoke', rule: 'source-arn-mismatch',
        reason: "the source_arn of aws_lambda_permission.admin never matches aws_api_gateway_rest_api.admin's ARN",
        permissions: ['aws_lambda_permission.admin'], effect: 'every request to GET /reports will fail with 500',
        location: { uri: api, range: range(46, 0, 46, 52) }, reference: { uri: api, range: range(52, 28, 52, 64) },
      }],
    }]);
    // api.tf holds triggers and a permission, no function
    assert.deepStrictEqual(await lenses(api), []);
  });

  it('hovers: a permission\'s header and deciding attributes (serves / meant for but does not match), a trigger\'s function reference, a function header; nothing elsewhere', async () => {
    await start();
    assert.deepStrictEqual(await hover(api, 58, 5), {
      contents: { kind: 'markdown', value: "**aws_lambda_permission.admin** · `apigateway.amazonaws.com` on `aws_lambda_function.admin`\n\nMeant for, but does not match:\n- API Gateway `GET /reports` (`aws_api_gateway_integration.get_reports`) → `aws_lambda_function.admin`: its source_arn never matches aws_api_gateway_rest_api.admin's ARN" },
      range: range(58, 0, 58, 40),
    });
    // on the attribute that decides (source_arn): the same, over the attribute's value
    assert.deepStrictEqual(await hover(api, 63, 30), {
      contents: { kind: 'markdown', value: "**aws_lambda_permission.admin** · `apigateway.amazonaws.com` on `aws_lambda_function.admin`\n\nMeant for, but does not match:\n- API Gateway `GET /reports` (`aws_api_gateway_integration.get_reports`) → `aws_lambda_function.admin`: its source_arn never matches aws_api_gateway_rest_api.admin's ARN" },
      range: range(63, 18, 63, 62),
    });
    assert.deepStrictEqual(await hover(lambda, 49, 3), {
      contents: { kind: 'markdown', value: '**aws_lambda_permission.api** · `apigateway.amazonaws.com` on `aws_lambda_function.orders`\n\nLets in:\n- API Gateway `POST /orders` (`aws_api_gateway_integration.post_orders`) → `aws_lambda_function.orders`' },
      range: range(49, 0, 49, 38),
    });
    assert.deepStrictEqual(await hover(api, 25, 35), {
      contents: { kind: 'markdown', value: '**API Gateway** `POST /orders` → `aws_lambda_function.orders`\n\n✓ permitted by `aws_lambda_permission.api`, `aws_lambda_permission.partner`' },
      range: range(25, 28, 25, 65),
    });
    assert.deepStrictEqual(await hover(lambda, 75, 12), {
      contents: { kind: 'markdown', value: '**EventBridge rule** `aws_cloudwatch_event_rule.nightly` → `aws_lambda_function.report`\n\n✗ **cannot invoke**: no aws_lambda_permission grants events.amazonaws.com (`missing-invoke-permission`); events matched by aws_cloudwatch_event_rule.nightly will not invoke the function' },
      range: range(75, 9, 75, 39),
    });
    assert.deepStrictEqual(await hover(lambda, 38, 10), {
      contents: { kind: 'markdown', value: '**aws_lambda_function.webhook**: no triggers in this folder' },
      range: range(38, 0, 38, 40),
    });
    assert.strictEqual(await hover(lambda, 16, 4), null); // inside a function's body
  });

  it('lpg/wiring: the analysed folders with functions, triggers and permissions (URIs), and lpg/wiringChanged after each analysis', async () => {
    await start();
    const r = await c.conn.sendRequest('lpg/wiring', {}) as { folders: { dir: string; uri: string; functions: { id: string; lens: string; location: { uri: string }; triggers: { id: string; verdict: string; location: { uri: string } }[] }[]; permissions: { id: string; serves: string[] }[] }[] };
    assert.deepStrictEqual(r.folders.map((f) => [f.dir, f.uri]), [[root, uriOf(root)]]);
    assert.deepStrictEqual(r.folders[0].functions.map((f) => [f.id, f.lens, f.location.uri, f.triggers.map((t) => [t.id, t.verdict, t.location.uri])]), [
      ['aws_lambda_function.orders', '1 trigger · all permitted', lambda, [['aws_api_gateway_integration.post_orders', 'permitted', api]]],
      ['aws_lambda_function.admin', '1 trigger · 1 cannot invoke', lambda, [['aws_api_gateway_integration.get_reports', 'cannot-invoke', api]]],
      ['aws_lambda_function.report', '1 trigger · 1 cannot invoke', lambda, [['aws_cloudwatch_event_target.report', 'cannot-invoke', lambda]]],
      ['aws_lambda_function.webhook', 'no triggers in this folder', lambda, []],
    ]);
    assert.deepStrictEqual(r.folders[0].permissions.map((p) => [p.id, p.serves]), [
      ['aws_lambda_permission.admin', []],
      ['aws_lambda_permission.api', ['aws_api_gateway_integration.post_orders']],
      ['aws_lambda_permission.partner', ['aws_api_gateway_integration.post_orders']],
      ['aws_lambda_permission.webhook_url', []],
    ]);
    assert.deepStrictEqual(await c.conn.sendRequest('lpg/wiring', { uri: api }), await c.conn.sendRequest('lpg/wiring', { uri: lambda }));
    assert.ok(c.notifications.length >= 1 && c.notifications.every((n) => n.method === 'lpg/wiringChanged' && JSON.stringify(n.params) === JSON.stringify({ dir: root })), JSON.stringify(c.notifications));
  });

  it('an edit that adds the missing permission: the lens follows the new analysis, and the client is asked to refresh its lenses', async () => {
    await start({ codeLensRefresh: true });
    await c.until('a first lens refresh', () => c.codeLensRefreshes >= 1);
    const before = c.codeLensRefreshes;
    const text = c.text(lambda);
    const v = await c.insertAt(lambda, text.length, EVENTS_PERM);
    await c.current(lambda, () => true, `diagnostics of version ${v}`);
    await c.until('a lens refresh after the edit', () => c.codeLensRefreshes > before);
    const ls = await lenses(lambda);
    assert.deepStrictEqual(summary(ls)[2], [30, 0, 30, 39, '1 trigger · all permitted', 'lpg.showWiring']);
    assert.deepStrictEqual(await hover(lambda, 75, 12).then((h) => (h!.contents as { value: string }).value), '**EventBridge rule** `aws_cloudwatch_event_rule.nightly` → `aws_lambda_function.report`\n\n✓ permitted by `aws_lambda_permission.nightly`');
  });

  it('lpg.codeLens.enabled = false: no lenses (hovers stay); turning it back on asks the client to refresh', async () => {
    // the server reads the section lpg.codeLens through workspace/configuration (this client answers every section alike)
    await start({ codeLensRefresh: true, settings: { '*': { enabled: false } } });
    assert.deepStrictEqual(await lenses(lambda), []);
    assert.ok(c.configRequests.some((r) => r.section === 'lpg.codeLens'), JSON.stringify(c.configRequests));
    assert.notStrictEqual(await hover(lambda, 14, 3), null);
    const before = c.codeLensRefreshes;
    await c.setSettings({ '*': { enabled: true } });
    await c.until('a lens refresh after the setting changed', () => c.codeLensRefreshes > before);
    assert.strictEqual((await lenses(lambda)).length, 4);
  });

  it('a SAM template: a lens above its function, in CloudFormation terms', async () => {
    const tpl = fs.readFileSync(path.resolve(REPO, '../shared/corpus/cfn/aws-samples__serverless-patterns/alb-lambda-rest-api-sam-py/template.yaml'), 'utf8');
    root = makeWorkspace({ 'template.yaml': tpl });
    c = new TestClient({ root });
    await c.initialize();
    const uri = await c.open(path.join(root, 'template.yaml'));
    await c.current(uri, (d) => d.length > 0);
    const ls = await lenses(uri);
    assert.deepStrictEqual(summary(ls), [[31, 2, 31, 31, '1 trigger · all permitted', 'lpg.showWiring']]);
    assert.strictEqual((ls[0].command!.arguments![0] as { function: string }).function, 'AWS::Serverless::Function AlbLambdaRestApiSamPyFunction');
  });
});

