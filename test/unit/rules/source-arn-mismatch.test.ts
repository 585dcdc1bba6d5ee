import { analyze, applyFix, assert, coveredText, only, rangeOf, ready } from '../helpers';
import { FN, perm, REST, restIntegration, LOGS, S3 } from './outage-fixtures';

const RULE = 'source-arn-mismatch';

const RULES2 = `resource "aws_cloudwatch_event_rule" "nightly" {
  name                = "nightly"
  schedule_expression = "cron(0 3 * * ? *)"
}

resource "aws_cloudwatch_event_rule" "hourly" {
  name                = "hourly"
  schedule_expression = "rate(1 hour)"
}

resource "aws_cloudwatch_event_target" "nightly" {
  rule = aws_cloudwatch_event_rule.nightly.name
  arn  = aws_lambda_function.orders.arn
}
`;
const ADMIN = `resource "aws_api_gateway_rest_api" "admin" {
  name = "admin"
}
`;

describe(RULE, () => {
  before(ready);

  it('invalid: execution_arn without /*/* (exact range, message, whole fixed text)', () => {
    const files = { 'api.tf': REST + '\n' + restIntegration(), 'lambda.tf': FN + '\n' + perm('api', 'apigateway.amazonaws.com', 'aws_api_gateway_rest_api.api.execution_arn') };
    const fs = only(analyze(files), RULE);
    assert.strictEqual(fs.length, 1, JSON.stringify(fs));
    assert.strictEqual(fs[0].file, 'lambda.tf');
    assert.deepStrictEqual(rangeOf(fs[0]), [13, 18, 13, 60]);
    assert.strictEqual(coveredText(files['lambda.tf'], fs[0]), 'aws_api_gateway_rest_api.api.execution_arn');
    assert.strictEqual(fs[0].message, "source_arn never matches API Gateway aws_api_gateway_rest_api.api: every request to POST /orders will fail with 500 (aws_lambda_permission.api → aws_lambda_function.orders).");
    assert.deepStrictEqual(fs[0].related.map((r) => [r.file, r.message]), [
      ['lambda.tf', 'permission aws_lambda_permission.api'], ['api.tf', 'trigger aws_api_gateway_integration.post'], ['lambda.tf', 'function aws_lambda_function.orders'], ['api.tf', 'invoker aws_api_gateway_rest_api.api'],
    ]);
    const fix = fs[0].fixes.find((f) => f.preferred)!;
    const fixed = applyFix(files, fix);
    assert.strictEqual(fixed['lambda.tf'], FN + '\n' + perm('api', 'apigateway.amazonaws.com', '"${aws_api_gateway_rest_api.api.execution_arn}/*/*"'));
    assert.deepStrictEqual(only(analyze(fixed), RULE), []);
    assert.deepStrictEqual(only(analyze(fixed), 'missing-invoke-permission'), []);
  });

  it('invalid: the permission names another API than the integration', () => {
    const files = { 'main.tf': FN + REST + ADMIN + restIntegration() + perm('api', 'apigateway.amazonaws.com', '"${aws_api_gateway_rest_api.admin.execution_arn}/*/*"') };
    const fs = only(analyze(files), RULE);
    assert.strictEqual(fs.length, 1);
    assert.strictEqual(coveredText(files['main.tf'], fs[0]), '"${aws_api_gateway_rest_api.admin.execution_arn}/*/*"');
    const fixed = applyFix(files, fs[0].fixes.find((f) => f.preferred)!);
    assert.ok(fixed['main.tf'].includes('source_arn    = "${aws_api_gateway_rest_api.api.execution_arn}/*/*"'));
    assert.deepStrictEqual(only(analyze(fixed), RULE), []);
  });

  it('valid: a second permission covers the wired API', () => {
    const files = { 'main.tf': FN + REST + ADMIN + restIntegration() + perm('admin', 'apigateway.amazonaws.com', '"${aws_api_gateway_rest_api.admin.execution_arn}/*/*"') + perm('api', 'apigateway.amazonaws.com', '"${aws_api_gateway_rest_api.api.execution_arn}/*/*"') };
    assert.deepStrictEqual(only(analyze(files), RULE), []);
  });

  it('invalid: same API, another method', () => {
    const files = { 'main.tf': FN + REST + restIntegration() + perm('api', 'apigateway.amazonaws.com', '"${aws_api_gateway_rest_api.api.execution_arn}/*/GET/orders"') };
    assert.strictEqual(only(analyze(files), RULE).length, 1);
  });

  it('valid: same API, same method and path (through the method and resource references)', () => {
    const files = { 'main.tf': FN + REST + restIntegration() + perm('api', 'apigateway.amazonaws.com', '"${aws_api_gateway_rest_api.api.execution_arn}/*/${aws_api_gateway_method.post.http_method}${aws_api_gateway_resource.orders.path}"') };
    assert.deepStrictEqual(only(analyze(files), RULE), []);
    assert.deepStrictEqual(only(analyze(files), 'missing-invoke-permission'), []);
  });

  it('HTTP API: the route targeting the integration decides method and path', () => {
    const http = `resource "aws_apigatewayv2_api" "http" {
  name          = "http"
  protocol_type = "HTTP"
}

resource "aws_apigatewayv2_integration" "orders" {
  api_id           = aws_apigatewayv2_api.http.id
  integration_type = "AWS_PROXY"
  integration_uri  = aws_lambda_function.orders.invoke_arn
}

resource "aws_apigatewayv2_route" "orders" {
  api_id    = aws_apigatewayv2_api.http.id
  route_key = "GET /orders/{id}"
  target    = "integrations/\${aws_apigatewayv2_integration.orders.id}"
}
`;
    const withPerm = (src: string): Record<string, string> => ({ 'main.tf': FN + http + perm('api', 'apigateway.amazonaws.com', src) });
    const bad = only(analyze(withPerm('"${aws_apigatewayv2_api.http.execution_arn}/*/POST/orders/*"')), RULE);
    assert.strictEqual(bad.length, 1);
    assert.ok(bad[0].message.includes(': every request to GET /orders/{id} will fail with 500 ('), bad[0].message);
    for (const ok of ['"${aws_apigatewayv2_api.http.execution_arn}/*/GET/orders/*"', '"${aws_apigatewayv2_api.http.execution_arn}/*/*"', '"${aws_apigatewayv2_api.http.execution_arn}/*"']) {
      assert.deepStrictEqual(only(analyze(withPerm(ok)), RULE), [], ok);
      assert.deepStrictEqual(only(analyze(withPerm(ok)), 'missing-invoke-permission'), [], ok);
    }
  });

  it('stage execution ARNs: without /*/* never match; with /*/* undecidable (stage unknown at the integration)', () => {
    const stage = `resource "aws_api_gateway_stage" "prod" {
  rest_api_id   = aws_api_gateway_rest_api.api.id
  deployment_id = "d"
  stage_name    = "prod"
}
`;
    const bad = { 'main.tf': FN + REST + stage + restIntegration() + perm('api', 'apigateway.amazonaws.com', 'aws_api_gateway_stage.prod.execution_arn') };
    const fs = only(analyze(bad), RULE);
    assert.strictEqual(fs.length, 1);
    assert.strictEqual(coveredText(bad['main.tf'], fs[0]), 'aws_api_gateway_stage.prod.execution_arn');
    const good = { 'main.tf': FN + REST + stage + restIntegration() + perm('api', 'apigateway.amazonaws.com', '"${aws_api_gateway_stage.prod.execution_arn}/*/*"') };
    assert.deepStrictEqual(analyze(good).filter((f) => f.severity === 'error'), []);
  });

  it('invalid: EventBridge permission for the hourly rule, target on the nightly rule', () => {
    const files = { 'main.tf': FN + RULES2 + perm('events', 'events.amazonaws.com', 'aws_cloudwatch_event_rule.hourly.arn') };
    const fs = only(analyze(files), RULE);
    assert.strictEqual(fs.length, 1);
    assert.strictEqual(fs[0].message, "source_arn never matches EventBridge rule aws_cloudwatch_event_rule.nightly: events matched by aws_cloudwatch_event_rule.nightly will not invoke the function (aws_lambda_permission.events → aws_lambda_function.orders).");
    const fixed = applyFix(files, fs[0].fixes.find((f) => f.preferred)!);
    assert.strictEqual(fixed['main.tf'], FN + RULES2 + perm('events', 'events.amazonaws.com', 'aws_cloudwatch_event_rule.nightly.arn'));
  });

  it('invalid: log group ARN without :*', () => {
    const files = { 'main.tf': FN + LOGS + perm('logs', 'logs.amazonaws.com', 'aws_cloudwatch_log_group.app.arn') };
    const fs = only(analyze(files), RULE);
    assert.strictEqual(fs.length, 1);
    const fixed = applyFix(files, fs[0].fixes.find((f) => f.preferred)!);
    assert.strictEqual(fixed['main.tf'], FN + LOGS + perm('logs', 'logs.amazonaws.com', '"${aws_cloudwatch_log_group.app.arn}:*"'));
    assert.deepStrictEqual(only(analyze(fixed), RULE), []);
  });

  it('invalid: s3 principal with an API Gateway control-plane ARN (wired bucket)', () => {
    const files = { 'main.tf': FN + S3 + REST + perm('s3', 's3.amazonaws.com', 'aws_api_gateway_rest_api.api.arn') };
    const fs = only(analyze(files), RULE);
    assert.strictEqual(fs.length, 1);
    const fixed = applyFix(files, fs[0].fixes.find((f) => f.preferred)!);
    assert.ok(fixed['main.tf'].includes('source_arn    = aws_s3_bucket.uploads.arn'));
  });

  it('invalid (no trigger): apigateway principal with an s3 ARN', () => {
    const files = { 'main.tf': FN + perm('p', 'apigateway.amazonaws.com', '"arn:aws:s3:::uploads"') };
    const fs = only(analyze(files), RULE);
    assert.strictEqual(fs.length, 1);
    assert.strictEqual(fs[0].message, 'Permission can never be used for orders: its source_arn is an s3 ARN, but apigateway.amazonaws.com invokes with execute-api ARNs; every invocation by apigateway.amazonaws.com will be denied (aws_lambda_permission.p on aws_lambda_function.orders).');
    assert.deepStrictEqual(fs[0].fixes.filter((f) => f.preferred), []);
  });

  it('invalid (no trigger): apigateway principal with a control-plane arn:aws:apigateway ARN', () => {
    const files = { 'main.tf': FN + perm('p', 'apigateway.amazonaws.com', '"arn:aws:apigateway:us-east-1::/restapis/abc123"') };
    const fs = only(analyze(files), RULE);
    assert.strictEqual(fs.length, 1);
    assert.ok(fs[0].message.includes('an API Gateway control-plane (apigateway) ARN'));
  });

  it('invalid (no trigger): s3 principal with anything but arn:aws:s3:::', () => {
    const fs = only(analyze({ 'main.tf': FN + perm('p', 's3.amazonaws.com', '"arn:aws:sns:us-east-1:123456789012:uploads"') }), RULE);
    assert.strictEqual(fs.length, 1);
  });

  it('invalid (no trigger): literal execute-api ARN without stage part; the fix appends /*/*', () => {
    const files = { 'main.tf': FN + perm('p', 'apigateway.amazonaws.com', '"arn:aws:execute-api:us-east-1:123456789012:abc123"') };
    const fs = only(analyze(files), RULE);
    assert.strictEqual(fs.length, 1);
    assert.strictEqual(fs[0].message, 'Permission can never be used for orders: its source_arn has no /{stage}/{method}/{path} part, but the pattern must match the whole invocation ARN ({api-id}/{stage}/{method}/{path}); every invocation by apigateway.amazonaws.com will be denied (aws_lambda_permission.p on aws_lambda_function.orders).');
    const fixed = applyFix(files, fs[0].fixes.find((f) => f.preferred)!);
    assert.strictEqual(fixed['main.tf'], FN + perm('p', 'apigateway.amazonaws.com', '"arn:aws:execute-api:us-east-1:123456789012:abc123/*/*"'));
    assert.deepStrictEqual(only(analyze(fixed), RULE), []);
  });

  it('invalid: JSON resource policy with an execute-api SourceArn without stage part', () => {
    const json = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": {"Service": "apigateway.amazonaws.com"},
      "Action": "lambda:InvokeFunction",
      "Resource": "arn:aws:lambda:us-east-1:123456789012:function:orders",
      "Condition": {"ArnLike": {"AWS:SourceArn": "arn:aws:execute-api:us-east-1:123456789012:abc123"}}
    }
  ]
}
`;
    const files = { 'policy.json': json };
    const fs = only(analyze(files), RULE);
    assert.strictEqual(fs.length, 1);
    assert.deepStrictEqual(rangeOf(fs[0]), [8, 49, 8, 100]);
    const fixed = applyFix(files, fs[0].fixes.find((f) => f.preferred)!);
    assert.strictEqual(fixed['policy.json'], json.replace('abc123"', 'abc123/*/*"'));
  });

  it('invalid (no trigger): a source_arn that is not an ARN (trivy fixture)', () => {
    const fs = only(analyze({ 'main.tf': FN + perm('p', 'sns.amazonaws.com', '"string arn"') }), RULE);
    assert.strictEqual(fs.length, 1);
    assert.strictEqual(fs[0].message, 'Permission can never be used for orders: its source_arn "string arn" is not an ARN (sns.amazonaws.com invokes with sns ARNs); every invocation by sns.amazonaws.com will be denied (aws_lambda_permission.p on aws_lambda_function.orders).');
  });

  const valid: { name: string; files: Record<string, string> }[] = [
    { name: 'REST with /*/*', files: { 'main.tf': FN + REST + restIntegration() + perm('api', 'apigateway.amazonaws.com', '"${aws_api_gateway_rest_api.api.execution_arn}/*/*"') } },
    { name: 'literal execute-api ARN with /*/* (API id unknown)', files: { 'main.tf': FN + REST + restIntegration() + perm('api', 'apigateway.amazonaws.com', '"arn:aws:execute-api:us-east-1:123456789012:abc123/*/*"') } },
    { name: 'literal execute-api ARN with /*', files: { 'main.tf': FN + perm('api', 'apigateway.amazonaws.com', '"arn:aws:execute-api:us-east-1:123456789012:abc123/*"') } },
    { name: 'unknown source_arn (variable)', files: { 'main.tf': FN + REST + restIntegration() + 'variable "arn" {}\n' + perm('api', 'apigateway.amazonaws.com', 'var.arn') } },
    { name: 'module output source_arn', files: { 'main.tf': FN + REST + restIntegration() + perm('api', 'apigateway.amazonaws.com', '"${module.api.execution_arn}/*/*"') } },
    { name: 'S3 with bucket ARN built from the id', files: { 'main.tf': FN + S3 + perm('s3', 's3.amazonaws.com', '"arn:aws:s3:::${aws_s3_bucket.uploads.id}"') } },
    { name: 'logs with :*', files: { 'main.tf': FN + LOGS + perm('logs', 'logs.amazonaws.com', '"${aws_cloudwatch_log_group.app.arn}:*"') } },
    { name: 'aws-cn partition', files: { 'main.tf': FN + perm('p', 's3.amazonaws.com', '"arn:aws-cn:s3:::uploads"') } },
    { name: 'unknown service principal', files: { 'main.tf': FN + perm('p', 'example.amazonaws.com', '"arn:aws:s3:::uploads"') } },
  ];
  for (const c of valid) it(`valid: ${c.name}`, () => assert.deepStrictEqual(only(analyze(c.files), RULE), []));
});
