/** Issue 13: authorizer permissions ending in a route, WebSocket route keys and shared integrations, published versions. */
import { analyze, applyFix, assert, only, ready } from '../helpers';
import { table } from '../rules/table';
import { FN, perm, REST, restIntegration } from '../rules/outage-fixtures';

const MIP = 'missing-invoke-permission';
const SAM = 'source-arn-mismatch';
const QM = 'qualifier-mismatch';

const WS_AUTH = `resource "aws_apigatewayv2_api" "ws" {
  name                       = "ws"
  protocol_type              = "WEBSOCKET"
  route_selection_expression = "$request.body.action"
}

resource "aws_apigatewayv2_authorizer" "auth" {
  api_id          = aws_apigatewayv2_api.ws.id
  authorizer_type = "REQUEST"
  authorizer_uri  = aws_lambda_function.orders.invoke_arn
  name            = "auth"
}
`;
const REST_AUTH = `resource "aws_api_gateway_rest_api" "api" {
  name = "orders"
}

resource "aws_api_gateway_authorizer" "auth" {
  name           = "auth"
  rest_api_id    = aws_api_gateway_rest_api.api.id
  authorizer_uri = aws_lambda_function.orders.invoke_arn
}
`;
const ws = (routes: string[]): string => `resource "aws_apigatewayv2_api" "ws" {
  name                       = "ws"
  protocol_type              = "WEBSOCKET"
  route_selection_expression = "$request.body.action"
}

resource "aws_apigatewayv2_integration" "chat" {
  api_id           = aws_apigatewayv2_api.ws.id
  integration_type = "AWS_PROXY"
  integration_uri  = aws_lambda_function.orders.invoke_arn
}
` + routes.map((k, i) => `
resource "aws_apigatewayv2_route" "r${i}" {
  api_id    = aws_apigatewayv2_api.ws.id
  route_key = "${k}"
  target    = "integrations/\${aws_apigatewayv2_integration.chat.id}"
}
`).join('');
const wsPerm = (route: string): string => perm('ws', 'apigateway.amazonaws.com', `"\${aws_apigatewayv2_api.ws.execution_arn}/*/${route}"`);
const PUBLISHED = FN.replace('  filename      = "orders.zip"\n', '  filename      = "orders.zip"\n  publish       = true\n');

describe('issue 13: authorizer permissions ending in a route or method', () => {
  before(ready);
  const authLine = 16;
  describe(SAM, () => table(SAM, [
    { name: 'WebSocket authorizer, source_arn .../*/$connect', files: { 'main.tf': FN + WS_AUTH + perm('auth', 'apigateway.amazonaws.com', '"${aws_apigatewayv2_api.ws.execution_arn}/*/$connect"') }, file: 'main.tf', range: [authLine + 8, 18, authLine + 8, 71], text: '"${aws_apigatewayv2_api.ws.execution_arn}/*/$connect"' },
    { name: 'WebSocket authorizer, source_arn .../*/connect', files: { 'main.tf': FN + WS_AUTH + perm('auth', 'apigateway.amazonaws.com', '"${aws_apigatewayv2_api.ws.execution_arn}/*/connect"') }, file: 'main.tf', range: [authLine + 8, 18, authLine + 8, 70], text: '"${aws_apigatewayv2_api.ws.execution_arn}/*/connect"' },
    { name: 'REST authorizer, source_arn .../*/GET/*', files: { 'main.tf': FN + REST_AUTH + perm('auth', 'apigateway.amazonaws.com', '"${aws_api_gateway_rest_api.api.execution_arn}/*/GET/*"') }, file: 'main.tf', range: [21, 18, 21, 73], text: '"${aws_api_gateway_rest_api.api.execution_arn}/*/GET/*"' },
  ], [
    { name: 'authorizer permission on .../authorizers/*', files: { 'main.tf': FN + WS_AUTH + perm('auth', 'apigateway.amazonaws.com', '"${aws_apigatewayv2_api.ws.execution_arn}/authorizers/*"') } },
    { name: 'authorizer permission on .../*/*', files: { 'main.tf': FN + WS_AUTH + perm('auth', 'apigateway.amazonaws.com', '"${aws_apigatewayv2_api.ws.execution_arn}/*/*"') } },
    { name: 'authorizer permission on a literal authorizer id', files: { 'main.tf': FN + WS_AUTH + perm('auth', 'apigateway.amazonaws.com', '"${aws_apigatewayv2_api.ws.execution_arn}/authorizers/abc123"') } },
  ]));
});

describe('issue 13: WebSocket route keys and shared integrations, route by route', () => {
  before(ready);
  const uriLine = 16;
  const range: [number, number, number, number] = [uriLine, 21, uriLine, 58];
  const cover = 'aws_lambda_function.orders.invoke_arn';
  const text1 = FN + ws(['sendMessage']);
  describe(MIP, () => table(MIP, [
    { name: 'integration shared by $connect and sendMessage, permission for $connect only: sendMessage uncovered', files: { 'main.tf': FN + ws(['$connect', 'sendMessage']) + wsPerm('$connect') }, file: 'main.tf', range, text: cover },
  ], [
    { name: 'custom route key with its permission', files: { 'main.tf': text1 + wsPerm('sendMessage') } },
    { name: 'shared integration, every route covered by /*/*', files: { 'main.tf': FN + ws(['$connect', 'sendMessage']) + wsPerm('*') } },
    { name: 'shared integration, one permission per route', files: { 'main.tf': FN + ws(['$connect', 'sendMessage']) + wsPerm('$connect') + wsPerm('sendMessage').replace('"ws"', '"ws2"') } },
  ]));
  describe(SAM, () => table(SAM, [
    { name: 'custom route key sendMessage (one route), permission for $connect only: the permission never matches', files: { 'main.tf': text1 + wsPerm('$connect') }, file: 'main.tf', range: [29, 18, 29, 71], text: '"${aws_apigatewayv2_api.ws.execution_arn}/*/$connect"' },
  ], [
    { name: 'custom route key with its permission', files: { 'main.tf': text1 + wsPerm('sendMessage') } },
  ]));
  it('the uncovered route is named in the message', () => {
    const f = only(analyze({ 'main.tf': FN + ws(['$connect', 'sendMessage']) + wsPerm('$connect') }), MIP);
    assert.strictEqual(f.length, 1);
    assert.ok(f[0].message.includes(': every request to sendMessage will fail with 500. '), f[0].message);
  });
  it('no source-arn-mismatch for the permission that serves $connect', () => {
    assert.deepStrictEqual(only(analyze({ 'main.tf': FN + ws(['$connect', 'sendMessage']) + wsPerm('$connect') }), SAM), []);
  });
});

describe('issue 13: qualified_invoke_arn of a published function vs an unqualified permission', () => {
  before(ready);
  const P = perm('api', 'apigateway.amazonaws.com', '"${aws_api_gateway_rest_api.api.execution_arn}/*/*"');
  const files = { 'main.tf': PUBLISHED + REST + restIntegration('aws_lambda_function.orders.qualified_invoke_arn') + P };
  describe(QM, () => table(QM, [
    { name: 'publish = true, integration on qualified_invoke_arn, permission unqualified', files, file: 'main.tf', range: [35, 18, 35, 58], text: 'aws_lambda_function.orders.function_name' },
  ], [
    { name: 'without publish = true the qualified ARN is $LATEST: undecided', files: { 'main.tf': FN + REST + restIntegration('aws_lambda_function.orders.qualified_invoke_arn') + P } },
    { name: 'permission with qualifier = version', files: { 'main.tf': PUBLISHED + REST + restIntegration('aws_lambda_function.orders.qualified_invoke_arn') + perm('api', 'apigateway.amazonaws.com', '"${aws_api_gateway_rest_api.api.execution_arn}/*/*"', undefined, '\n  qualifier     = aws_lambda_function.orders.version') } },
    { name: 'integration on invoke_arn (unqualified)', files: { 'main.tf': PUBLISHED + REST + restIntegration() + P } },
  ]));
  it('the fix sets qualifier = the version and leaves no outage', () => {
    const f = only(analyze(files), QM)[0];
    assert.ok(f.message.includes('invokes a published version, but aws_lambda_permission.api grants the unqualified function'), f.message);
    const fixed = applyFix(files, f.fixes.find((x) => x.preferred)!);
    assert.ok(fixed['main.tf'].includes('qualifier     = aws_lambda_function.orders.version'), fixed['main.tf']);
    assert.deepStrictEqual(analyze(fixed).filter((x) => x.severity === 'error'), []);
  });
});
