import { analyze, applyFix, assert, coveredText, only, rangeOf, ready } from '../helpers';
import { ALIAS, FN, perm, REST, restIntegration, LOGS, S3 } from './outage-fixtures';

const RULE = 'missing-invoke-permission';

const SNS = `resource "aws_sns_topic" "orders" {
  name = "orders"
}

resource "aws_sns_topic_subscription" "orders" {
  topic_arn = aws_sns_topic.orders.arn
  protocol  = "lambda"
  endpoint  = aws_lambda_function.orders.arn
}
`;
const EVENTS = `resource "aws_cloudwatch_event_rule" "nightly" {
  name                = "nightly"
  schedule_expression = "cron(0 3 * * ? *)"
}

resource "aws_cloudwatch_event_target" "nightly" {
  rule = aws_cloudwatch_event_rule.nightly.name
  arn  = aws_lambda_function.orders.arn
}
`;
const ALB = `resource "aws_lb_target_group" "orders" {
  name        = "orders"
  target_type = "lambda"
}

resource "aws_lb_target_group_attachment" "orders" {
  target_group_arn = aws_lb_target_group.orders.arn
  target_id        = aws_lambda_function.orders.arn
}
`;
const COGNITO = `resource "aws_cognito_user_pool" "pool" {
  name = "users"

  lambda_config {
    pre_sign_up = aws_lambda_function.orders.arn
  }
}
`;
const IOT = `resource "aws_iot_topic_rule" "orders" {
  name        = "orders"
  enabled     = true
  sql         = "SELECT * FROM 'orders'"
  sql_version = "2016-03-23"

  lambda {
    function_arn = aws_lambda_function.orders.arn
  }
}
`;
const HTTP = `resource "aws_apigatewayv2_api" "http" {
  name          = "http"
  protocol_type = "HTTP"
}

resource "aws_apigatewayv2_integration" "orders" {
  api_id                 = aws_apigatewayv2_api.http.id
  integration_type       = "AWS_PROXY"
  integration_uri        = aws_lambda_function.orders.invoke_arn
  payload_format_version = "2.0"
}
`;
const WS = `resource "aws_apigatewayv2_api" "ws" {
  name                       = "ws"
  protocol_type              = "WEBSOCKET"
  route_selection_expression = "$request.body.action"
}

resource "aws_apigatewayv2_integration" "connect" {
  api_id           = aws_apigatewayv2_api.ws.id
  integration_type = "AWS_PROXY"
  integration_uri  = aws_lambda_function.orders.arn
}
`;
const V2AUTH = `resource "aws_apigatewayv2_api" "http" {
  name          = "http"
  protocol_type = "HTTP"
}

resource "aws_apigatewayv2_authorizer" "auth" {
  api_id          = aws_apigatewayv2_api.http.id
  authorizer_type = "REQUEST"
  authorizer_uri  = aws_lambda_function.orders.invoke_arn
  name            = "auth"
}
`;
const RESTAUTH = `resource "aws_api_gateway_rest_api" "api" {
  name = "orders"
}

resource "aws_api_gateway_authorizer" "auth" {
  name           = "auth"
  rest_api_id    = aws_api_gateway_rest_api.api.id
  authorizer_uri = aws_lambda_function.orders.invoke_arn
}
`;

interface Case { name: string; trigger: string; principal: string; source: string; covered: string; message?: string }
const kinds: Case[] = [
  { name: 'REST integration (AWS_PROXY)', trigger: REST + restIntegration(), principal: 'apigateway.amazonaws.com', source: '"${aws_api_gateway_rest_api.api.execution_arn}/*/*"', covered: 'aws_lambda_function.orders.invoke_arn',
    message: 'No permission lets API Gateway aws_api_gateway_rest_api.api invoke orders: every request to POST /orders will fail with 500. No aws_lambda_permission on aws_lambda_function.orders grants apigateway.amazonaws.com.' },
  { name: 'REST authorizer', trigger: RESTAUTH, principal: 'apigateway.amazonaws.com', source: '"${aws_api_gateway_rest_api.api.execution_arn}/authorizers/${aws_api_gateway_authorizer.auth.id}"', covered: 'aws_lambda_function.orders.invoke_arn',
    message: 'No permission lets API Gateway aws_api_gateway_rest_api.api invoke orders: every request it authorizes will fail with 500. No aws_lambda_permission on aws_lambda_function.orders grants apigateway.amazonaws.com.' },
  { name: 'HTTP API integration', trigger: HTTP, principal: 'apigateway.amazonaws.com', source: '"${aws_apigatewayv2_api.http.execution_arn}/*/*"', covered: 'aws_lambda_function.orders.invoke_arn' },
  { name: 'WebSocket API integration (integration_uri = .arn)', trigger: WS, principal: 'apigateway.amazonaws.com', source: '"${aws_apigatewayv2_api.ws.execution_arn}/*/*"', covered: 'aws_lambda_function.orders.arn' },
  { name: 'HTTP API REQUEST authorizer', trigger: V2AUTH, principal: 'apigateway.amazonaws.com', source: '"${aws_apigatewayv2_api.http.execution_arn}/authorizers/${aws_apigatewayv2_authorizer.auth.id}"', covered: 'aws_lambda_function.orders.invoke_arn' },
  { name: 'S3 bucket notification', trigger: S3, principal: 's3.amazonaws.com', source: 'aws_s3_bucket.uploads.arn', covered: 'aws_lambda_function.orders.arn',
    message: 'No permission lets S3 bucket aws_s3_bucket.uploads invoke orders: S3 event notifications from aws_s3_bucket.uploads will not be delivered. No aws_lambda_permission on aws_lambda_function.orders grants s3.amazonaws.com.' },
  { name: 'SNS subscription', trigger: SNS, principal: 'sns.amazonaws.com', source: 'aws_sns_topic.orders.arn', covered: 'aws_lambda_function.orders.arn' },
  { name: 'EventBridge target', trigger: EVENTS, principal: 'events.amazonaws.com', source: 'aws_cloudwatch_event_rule.nightly.arn', covered: 'aws_lambda_function.orders.arn' },
  { name: 'CloudWatch Logs subscription filter', trigger: LOGS, principal: 'logs.amazonaws.com', source: '"${aws_cloudwatch_log_group.app.arn}:*"', covered: 'aws_lambda_function.orders.arn' },
  { name: 'ALB target group attachment', trigger: ALB, principal: 'elasticloadbalancing.amazonaws.com', source: 'aws_lb_target_group.orders.arn', covered: 'aws_lambda_function.orders.arn' },
  { name: 'Cognito user pool trigger', trigger: COGNITO, principal: 'cognito-idp.amazonaws.com', source: 'aws_cognito_user_pool.pool.arn', covered: 'aws_lambda_function.orders.arn' },
  { name: 'IoT topic rule', trigger: IOT, principal: 'iot.amazonaws.com', source: 'aws_iot_topic_rule.orders.arn', covered: 'aws_lambda_function.orders.arn' },
];

describe(RULE, () => {
  before(ready);

  for (const c of kinds) {
    it(`invalid: ${c.name} without a permission`, () => {
      const files = { 'main.tf': FN + '\n' + c.trigger };
      const fs = only(analyze(files), RULE);
      assert.strictEqual(fs.length, 1, JSON.stringify(fs, null, 1));
      assert.strictEqual(coveredText(files['main.tf'], fs[0]), c.covered);
      assert.strictEqual(fs[0].severity, 'error');
      if (c.message) assert.strictEqual(fs[0].message, c.message);
      assert.ok(fs[0].related.some((r) => r.message === 'function aws_lambda_function.orders'));
      // the preferred fix inserts the permission; re-analysis is clean
      const fix = fs[0].fixes.find((f) => f.preferred)!;
      assert.ok(fix, 'preferred fix');
      const fixed = applyFix(files, fix);
      assert.ok(fixed['main.tf'].includes(`principal     = "${c.principal}"\n  source_arn    = ${c.source}\n}`), fixed['main.tf']);
      assert.deepStrictEqual(only(analyze(fixed), RULE), []);
      assert.deepStrictEqual(analyze(fixed).filter((f) => f.severity === 'error' || f.ruleId === 'missing-source-arn'), []);
    });
    it(`valid: ${c.name} with its permission`, () => {
      assert.deepStrictEqual(only(analyze({ 'main.tf': FN + '\n' + c.trigger + '\n' + perm('p', c.principal, c.source) }), RULE), []);
    });
    it(`invalid: ${c.name} with a permission for another principal only`, () => {
      const other = c.principal === 'sns.amazonaws.com' ? 's3.amazonaws.com' : 'sns.amazonaws.com';
      const fs = only(analyze({ 'main.tf': FN + '\n' + c.trigger + '\n' + perm('p', other, '"arn:aws:sns:us-east-1:123456789012:x"') }), RULE);
      assert.strictEqual(fs.length, 1);
    });
  }

  it('exact range and whole fixed text (REST integration, api.tf + lambda.tf)', () => {
    const files = { 'lambda.tf': FN, 'api.tf': REST + '\n' + restIntegration() };
    const fs = only(analyze(files), RULE);
    assert.strictEqual(fs.length, 1);
    assert.strictEqual(fs[0].file, 'api.tf');
    assert.deepStrictEqual(rangeOf(fs[0]), [23, 28, 23, 65]);
    assert.deepStrictEqual(fs[0].related.map((r) => [r.file, r.message]), [
      ['api.tf', 'trigger aws_api_gateway_integration.post'], ['lambda.tf', 'function aws_lambda_function.orders'], ['api.tf', 'invoker aws_api_gateway_rest_api.api'],
    ]);
    const fix = fs[0].fixes.find((f) => f.preferred)!;
    assert.strictEqual(fix.title, 'Add aws_lambda_permission.allow_apigateway_orders for apigateway.amazonaws.com');
    assert.strictEqual(applyFix(files, fix)['api.tf'], REST + '\n' + restIntegration() + `
resource "aws_lambda_permission" "allow_apigateway_orders" {
  statement_id  = "AllowAPIGatewayInvoke"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.orders.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "\${aws_api_gateway_rest_api.api.execution_arn}/*/*"
}
`);
  });

  it('invalid: Terraform JSON trigger; the fix adds the permission in JSON', () => {
    const j = JSON.stringify({ resource: { aws_lambda_function: { orders: { function_name: 'orders' } }, aws_sns_topic: { t: { name: 't' } }, aws_sns_topic_subscription: { s: { topic_arn: '${aws_sns_topic.t.arn}', protocol: 'lambda', endpoint: '${aws_lambda_function.orders.arn}' } } } }, null, 2) + '\n';
    const files = { 'main.tf.json': j };
    const fs = only(analyze(files), RULE);
    assert.strictEqual(fs.length, 1);
    assert.strictEqual(coveredText(j, fs[0]), '"${aws_lambda_function.orders.arn}"');
    const fixed = applyFix(files, fs[0].fixes.find((f) => f.preferred)!);
    assert.strictEqual(fixed['main.tf.json'], j.replace(`        "endpoint": "\${aws_lambda_function.orders.arn}"
      }
    }
`, `        "endpoint": "\${aws_lambda_function.orders.arn}"
      }
    },
    "aws_lambda_permission": {
      "allow_sns_orders": {
        "statement_id": "AllowSNSInvoke",
        "action": "lambda:InvokeFunction",
        "function_name": "\${aws_lambda_function.orders.function_name}",
        "principal": "sns.amazonaws.com",
        "source_arn": "\${aws_sns_topic.t.arn}"
      }
    }
`));
    assert.deepStrictEqual(analyze(fixed), []);
  });

  it('two integrations of one API: one preferred fix serves both (fix-all inserts one block)', () => {
    const get = restIntegration().replace('"post"', '"get"').replace('aws_api_gateway_method.post.http_method', '"GET"');
    const files = { 'main.tf': FN + REST + restIntegration() + get };
    const fs = only(analyze(files), RULE);
    assert.strictEqual(fs.length, 2);
    const preferred = fs.flatMap((f) => f.fixes.filter((x) => x.preferred));
    assert.strictEqual(preferred.length, 1);
    assert.deepStrictEqual(fs.map((f) => f.fixes.filter((x) => x.title.startsWith('Add aws_lambda_permission')).map((x) => x.title)), [
      ['Add aws_lambda_permission.allow_apigateway_orders for apigateway.amazonaws.com'], ['Add aws_lambda_permission.allow_apigateway_orders_get for apigateway.amazonaws.com'],
    ]);
    assert.deepStrictEqual(only(analyze(applyFix(files, preferred[0])), RULE), []);
  });

  it('valid: cross-file wiring, permission in lambda.tf', () => {
    const files = { 'lambda.tf': FN + '\n' + perm('api', 'apigateway.amazonaws.com', '"${aws_api_gateway_rest_api.api.execution_arn}/*/*"'), 'api.tf': REST + '\n' + restIntegration() };
    assert.deepStrictEqual(only(analyze(files), RULE), []);
  });

  it('invalid: literal API Gateway invocation URI naming the function by ARN', () => {
    const uri = '"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:orders/invocations"';
    const files = { 'main.tf': FN + '\n' + REST + '\n' + restIntegration(uri) };
    const fs = only(analyze(files), RULE);
    assert.strictEqual(fs.length, 1);
    assert.strictEqual(coveredText(files['main.tf'], fs[0]), uri);
  });

  it('invalid: symbolic invocation URI built from the function ARN', () => {
    const uri = '"arn:aws:apigateway:${var.region}:lambda:path/2015-03-31/functions/${aws_lambda_function.orders.arn}/invocations"';
    const fs = only(analyze({ 'main.tf': FN + '\n' + REST + '\n' + restIntegration(uri) }), RULE);
    assert.strictEqual(fs.length, 1);
  });

  it('invalid: SNS endpoint as a literal function ARN; permission by literal name is found', () => {
    const trig = SNS.replace('aws_lambda_function.orders.arn', '"arn:aws:lambda:us-east-1:123456789012:function:orders"');
    assert.strictEqual(only(analyze({ 'main.tf': FN + '\n' + trig }), RULE).length, 1);
    assert.deepStrictEqual(only(analyze({ 'main.tf': FN + '\n' + trig + '\n' + perm('p', 'sns.amazonaws.com', 'aws_sns_topic.orders.arn', '"orders"') }), RULE), []);
  });

  it('invalid: permission on another function of the folder', () => {
    const other = FN.replace(/orders/g, 'billing');
    const fs = only(analyze({ 'main.tf': FN + '\n' + other + '\n' + SNS + '\n' + perm('p', 'sns.amazonaws.com', 'aws_sns_topic.orders.arn', 'aws_lambda_function.billing.function_name') }), RULE);
    assert.strictEqual(fs.length, 1);
  });

  it('invalid: alias trigger without permission; the fix sets the qualifier', () => {
    const files = { 'main.tf': FN + '\n' + ALIAS + '\n' + SNS.replace('aws_lambda_function.orders.arn', 'aws_lambda_alias.live.arn') };
    const fs = only(analyze(files), RULE);
    assert.strictEqual(fs.length, 1);
    assert.strictEqual(fs[0].message, 'No permission lets SNS topic aws_sns_topic.orders invoke orders (alias aws_lambda_alias.live): messages published to aws_sns_topic.orders will not be delivered to the function. No aws_lambda_permission on aws_lambda_function.orders grants sns.amazonaws.com on the alias.');
    const fixed = applyFix(files, fs[0].fixes.find((f) => f.preferred)!);
    assert.ok(fixed['main.tf'].endsWith(`resource "aws_lambda_permission" "allow_sns_orders" {
  statement_id  = "AllowSNSInvoke"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.orders.function_name
  principal     = "sns.amazonaws.com"
  source_arn    = aws_sns_topic.orders.arn
  qualifier     = aws_lambda_alias.live.name
}
`), fixed['main.tf']);
    assert.deepStrictEqual(only(analyze(fixed), RULE), []);
    assert.deepStrictEqual(only(analyze(fixed), 'qualifier-mismatch'), []);
  });

  it('invalid: for_each functions and integrations; the fix copies for_each', () => {
    const fn = `resource "aws_lambda_function" "fn" {
  for_each      = toset(["a", "b"])
  function_name = each.key
  role          = "arn:aws:iam::123456789012:role/lambda"
}
`;
    const trig = `resource "aws_api_gateway_rest_api" "api" {
  name = "api"
}

resource "aws_api_gateway_integration" "fn" {
  for_each    = toset(["a", "b"])
  rest_api_id = aws_api_gateway_rest_api.api.id
  resource_id = aws_api_gateway_rest_api.api.root_resource_id
  http_method = "ANY"
  type        = "AWS_PROXY"
  uri         = aws_lambda_function.fn[each.key].invoke_arn
}
`;
    const files = { 'main.tf': fn + '\n' + trig };
    const fs = only(analyze(files), RULE);
    assert.strictEqual(fs.length, 1);
    assert.strictEqual(coveredText(files['main.tf'], fs[0]), 'aws_lambda_function.fn[each.key].invoke_arn');
    const fixed = applyFix(files, fs[0].fixes.find((f) => f.preferred)!);
    assert.strictEqual(fixed['main.tf'], files['main.tf'] + `
resource "aws_lambda_permission" "allow_apigateway_fn" {
  for_each = toset(["a", "b"])

  statement_id  = "AllowAPIGatewayInvoke"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.fn[each.key].function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "\${aws_api_gateway_rest_api.api.execution_arn}/*/*"
}
`);
    assert.deepStrictEqual(only(analyze(fixed), RULE), []);
  });

  it('valid: for_each permission over another collection is unknown (silent)', () => {
    const fn = `resource "aws_lambda_function" "fn" {\n  for_each      = var.fns\n  function_name = each.key\n}\n`;
    const trig = `resource "aws_sns_topic" "t" {\n  name = "t"\n}\nresource "aws_sns_topic_subscription" "s" {\n  for_each  = var.fns\n  topic_arn = aws_sns_topic.t.arn\n  protocol  = "lambda"\n  endpoint  = aws_lambda_function.fn[each.key].arn\n}\n`;
    const p = `resource "aws_lambda_permission" "p" {\n  for_each      = var.other\n  action        = "lambda:InvokeFunction"\n  function_name = aws_lambda_function.fn[each.key].function_name\n  principal     = "sns.amazonaws.com"\n  source_arn    = aws_sns_topic.t.arn\n}\n`;
    assert.deepStrictEqual(only(analyze({ 'main.tf': fn + trig + p }), RULE), []);
  });

  const valid: { name: string; files: Record<string, string> }[] = [
    { name: 'function is a module output', files: { 'main.tf': REST + restIntegration('module.lambda.lambda_function_invoke_arn') + `module "lambda" {\n  source = "terraform-aws-modules/lambda/aws"\n  allowed_triggers = {\n    APIGateway = {\n      service    = "apigateway"\n      source_arn = "\${aws_api_gateway_rest_api.api.execution_arn}/*/*"\n    }\n  }\n}\n` } },
    { name: 'function is a data source', files: { 'main.tf': `data "aws_lambda_function" "f" {\n  function_name = "orders"\n}\n` + SNS.replace('aws_lambda_function.orders.arn', 'data.aws_lambda_function.f.arn') } },
    { name: 'function is a variable without default', files: { 'main.tf': `variable "fn_arn" {}\n` + SNS.replace('aws_lambda_function.orders.arn', 'var.fn_arn') } },
    { name: 'permission whose function_name is unknown could cover it', files: { 'main.tf': FN + SNS + `variable "fn" {}\n` + perm('p', 'sns.amazonaws.com', 'aws_sns_topic.orders.arn', 'var.fn') } },
    { name: 'permission whose source_arn is unknown could cover it', files: { 'main.tf': FN + SNS + `variable "arn" {}\n` + perm('p', 'sns.amazonaws.com', 'var.arn') } },
    { name: 'integration with credentials needs no resource policy', files: { 'main.tf': FN + REST + restIntegration('aws_lambda_function.orders.invoke_arn', '\n  credentials             = aws_iam_role.apigw.arn') } },
    { name: 'HTTP_PROXY integration is not a Lambda trigger', files: { 'main.tf': FN + REST + restIntegration('"https://example.com"').replace('"AWS_PROXY"', '"HTTP_PROXY"') } },
    { name: 'SNS subscription with protocol sqs', files: { 'main.tf': FN + SNS.replace('"lambda"', '"sqs"') } },
    { name: 'permission by function ARN and qualifier-less "*" principal', files: { 'main.tf': FN + SNS + perm('p', '*', undefined, 'aws_lambda_function.orders.arn') } },
    { name: 'regional logs principal', files: { 'main.tf': FN + LOGS + perm('p', 'logs.eu-west-1.amazonaws.com', '"${aws_cloudwatch_log_group.app.arn}:*"') } },
    { name: 'JSON resource policy (aws lambda get-policy output) grants it', files: { 'main.tf': FN + SNS, 'policy.json': JSON.stringify({ Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'sns.amazonaws.com' }, Action: 'lambda:InvokeFunction', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:orders' }] }) }) } },
    { name: 'lambda:* action covers InvokeFunction', files: { 'main.tf': FN + SNS + perm('p', 'sns.amazonaws.com', 'aws_sns_topic.orders.arn').replace('"lambda:InvokeFunction"', '"lambda:*"') } },
    { name: 'suppressed with lpg-ignore', files: { 'main.tf': FN + SNS.replace('resource "aws_sns_topic_subscription"', '# lpg-ignore: missing-invoke-permission -- granted by another stack\nresource "aws_sns_topic_subscription"') } },
    { name: 'the function is handed to a module that may grant the permission', files: { 'main.tf': FN + SNS + `module "perms" {\n  source        = "./perms"\n  function_name = aws_lambda_function.orders.function_name\n}\n` } },
    { name: 'ALB target group that is not a lambda target group', files: { 'main.tf': FN + ALB.replace('"lambda"', '"ip"') } },
  ];
  for (const c of valid) it(`valid: ${c.name}`, () => assert.deepStrictEqual(only(analyze(c.files), RULE), []));
});
