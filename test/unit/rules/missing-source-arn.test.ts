import { analyze, applyFix, assert, coveredText, only, rangeOf, ready } from '../helpers';
import { assertFixAll, fixed, fixOf, table, type Invalid, type Valid } from './table';

const RULE = 'missing-source-arn';

const SNS = `resource "aws_sns_topic" "orders" {\n  name = "orders"\n}\nresource "aws_lambda_function" "f" {\n  function_name = "f"\n}\nresource "aws_sns_topic_subscription" "s" {\n  topic_arn = aws_sns_topic.orders.arn\n  protocol  = "lambda"\n  endpoint  = aws_lambda_function.f.arn\n}\n`;
const SNS_PERM = `resource "aws_lambda_permission" "p" {\n  statement_id  = "AllowSNS"\n  action        = "lambda:InvokeFunction"\n  function_name = aws_lambda_function.f.function_name\n  principal     = "sns.amazonaws.com"\n}\n`;
const API = `resource "aws_api_gateway_rest_api" "api" {\n  name = "api"\n}\nresource "aws_lambda_function" "f" {\n  function_name = "f"\n}\nresource "aws_api_gateway_integration" "i" {\n  rest_api_id             = aws_api_gateway_rest_api.api.id\n  resource_id             = "r"\n  http_method             = "GET"\n  type                    = "AWS_PROXY"\n  integration_http_method = "POST"\n  uri                     = aws_lambda_function.f.invoke_arn\n}\n`;
const API_PERM_JSON = `{\n  "resource": {\n    "aws_lambda_permission": {\n      "p": {\n        "action": "lambda:InvokeFunction",\n        "function_name": "\${aws_lambda_function.f.function_name}",\n        "principal": "apigateway.amazonaws.com"\n      }\n    }\n  }\n}\n`;
const APIGW = `resource "aws_lambda_permission" "api" {\n  statement_id  = "AllowAPI"\n  action        = "lambda:InvokeFunction"\n  function_name = aws_lambda_function.f.function_name\n  principal     = "apigateway.amazonaws.com"\n}\n`;
const INNER = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'sns.amazonaws.com' }, Action: 'lambda:InvokeFunction', Resource: 'arn:aws:lambda:us-east-1:1:function:f' }] });
const GET_POLICY = JSON.stringify({ Policy: INNER, RevisionId: '1' });
const JSON_POLICY = `{\n  "Version": "2012-10-17",\n  "Statement": [\n    {\n      "Effect": "Allow",\n      "Principal": {"Service": "sns.amazonaws.com"},\n      "Action": "lambda:InvokeFunction",\n      "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f"\n    }\n  ]\n}\n`;

describe(RULE, () => {
  before(ready);

  const invalid: Invalid[] = [
    { name: 'API Gateway principal without source_arn', files: { 'main.tf': APIGW }, file: 'main.tf', range: [4, 18, 4, 44], text: '"apigateway.amazonaws.com"' },
    { name: 'regional logs principal, source_account only', files: { 'main.tf': `resource "aws_lambda_permission" "logs" {\n  action         = "lambda:InvokeFunction"\n  function_name  = "f"\n  principal      = "logs.eu-west-1.amazonaws.com"\n  source_account = "123456789012"\n}\n` }, file: 'main.tf', range: [3, 19, 3, 49], text: '"logs.eu-west-1.amazonaws.com"' },
    { name: 'CloudWatch alarms principal', files: { 'main.tf': APIGW.replace('apigateway.amazonaws.com', 'lambda.alarms.cloudwatch.amazonaws.com') }, file: 'main.tf', range: [4, 18, 4, 58], text: '"lambda.alarms.cloudwatch.amazonaws.com"' },
    { name: 'source_arn = null', files: { 'main.tf': APIGW.replace('}\n', '  source_arn    = null\n}\n') }, file: 'main.tf', range: [4, 18, 4, 44], text: '"apigateway.amazonaws.com"' },
    { name: 'JSON resource policy without aws:SourceArn', files: { 'policy.json': JSON_POLICY }, file: 'policy.json', range: [5, 31, 5, 50], text: '"sns.amazonaws.com"' },
    { name: 'get-policy output (policy in a JSON string): reported on the string', files: { 'get-policy.json': GET_POLICY }, file: 'get-policy.json', range: [0, 10, 0, 10 + JSON.stringify(INNER).length], text: JSON.stringify(INNER) },
    { name: '.tf.json permission', files: { 'main.tf': API, 'perm.tf.json': API_PERM_JSON }, file: 'perm.tf.json', range: [6, 21, 6, 47], text: '"apigateway.amazonaws.com"' },
    { name: 'principal from a local', files: { 'main.tf': 'locals {\n  svc = "events.amazonaws.com"\n}\n' + APIGW.replace('"apigateway.amazonaws.com"', 'local.svc') }, file: 'main.tf', range: [7, 18, 7, 27], text: 'local.svc' },
    { name: 'trivy comment of another rule does not suppress', files: { 'main.tf': '#checkov:skip=CKV_AWS_301\n' + APIGW }, file: 'main.tf', range: [5, 18, 5, 44], text: '"apigateway.amazonaws.com"' },
  ];
  const valid: Valid[] = [
    { name: 'with source_arn', files: { 'main.tf': `resource "aws_lambda_permission" "api" {\n  principal  = "apigateway.amazonaws.com"\n  source_arn = "\${aws_api_gateway_rest_api.api.execution_arn}/*/*"\n}\n` } },
    { name: 'source_arn from an unknown variable', files: { 'main.tf': 'variable "arn" {}\n' + APIGW.replace('}\n', '  source_arn = var.arn\n}\n') } },
    { name: 'JSON with an ArnLike aws:SourceArn condition (any case)', files: { 'policy.json': JSON_POLICY.replace('function:f"\n', 'function:f",\n      "Condition": {"ArnLike": {"aws:sourcearn": "arn:aws:sns:us-east-1:123456789012:orders"}}\n') } },
    { name: 'secretsmanager sends no source ARN', files: { 'main.tf': `resource "aws_lambda_permission" "sm" {\n  principal = "secretsmanager.amazonaws.com"\n}\n` } },
    { name: 'account principal', files: { 'main.tf': `resource "aws_lambda_permission" "acct" {\n  principal = "123456789012"\n}\n` } },
    { name: 'unknown principal (variable without default)', files: { 'main.tf': `variable "p" {}\nresource "aws_lambda_permission" "x" {\n  principal = var.p\n}\n` } },
    { name: 'an SQS queue policy for a service is not a Lambda permission', files: { 'main.tf': `data "aws_iam_policy_document" "q" {\n  statement {\n    actions = ["sqs:SendMessage"]\n    principals {\n      type        = "Service"\n      identifiers = ["events.amazonaws.com"]\n    }\n    resources = [aws_sqs_queue.q.arn]\n  }\n}\n` } },
    { name: 'checkov:skip=CKV_AWS_364', files: { 'main.tf': `#checkov:skip=CKV_AWS_364: reviewed\n` + APIGW } },
    { name: 'trivy:ignore:AVD-AWS-0067', files: { 'main.tf': `#trivy:ignore:AVD-AWS-0067\n` + APIGW } },
    { name: 'tfsec:ignore:aws-lambda-restrict-source-arn', files: { 'main.tf': `#tfsec:ignore:aws-lambda-restrict-source-arn\n` + APIGW } },
    { name: 'lpg-ignore above the principal attribute', files: { 'main.tf': APIGW.replace('  principal', '  # lpg-ignore: missing-source-arn -- any API of ours\n  principal') } },
    { name: 'lpg-ignore-file', files: { 'main.tf': APIGW + '# lpg-ignore-file: missing-source-arn\n' } },
    { name: 'rule off', files: { 'main.tf': APIGW }, opts: { rules: { [RULE]: 'off' } } },
  ];
  table(RULE, invalid, valid);

  it('severity is warning', () => {
    assert.strictEqual(only(analyze({ 'main.tf': APIGW }), RULE)[0].severity, 'warning');
  });

  it('no invoker wired: suggestion inserts an aligned source_arn with the ARN format and a snippet', () => {
    const files = { 'main.tf': APIGW };
    const fix = fixOf(RULE, files, 'Add source_arn');
    assert.strictEqual(fix.preferred, false);
    assert.strictEqual(applyFix(files, fix)['main.tf'], `resource "aws_lambda_permission" "api" {\n  statement_id  = "AllowAPI"\n  action        = "lambda:InvokeFunction"\n  function_name = aws_lambda_function.f.function_name\n  principal     = "apigateway.amazonaws.com"\n  source_arn    = "arn:aws:execute-api:region:account:api-id/*/*"\n}\n`);
    assert.strictEqual(fix.snippet?.text, '\n  source_arn    = "arn:aws:execute-api:${1:region}:${2:account}:${3:api-id}/${4:*}/${5:*}"');
  });
  it('suggestion in a tab-indented, CRLF file (realigned by one merged edit, snippet kept)', () => {
    const src = 'resource "aws_lambda_permission" "s" {\r\n\taction = "lambda:InvokeFunction"\r\n\tprincipal = "s3.amazonaws.com"\r\n}\r\n';
    const fix = fixOf(RULE, { 'main.tf': src }, 'Add source_arn');
    assert.strictEqual(applyFix({ 'main.tf': src }, fix)['main.tf'], 'resource "aws_lambda_permission" "s" {\r\n\taction = "lambda:InvokeFunction"\r\n\tprincipal = "s3.amazonaws.com"\r\n\tsource_arn = "arn:aws:s3:::bucket"\r\n}\r\n');
    assert.strictEqual(fix.snippet?.text, '\r\n\tsource_arn = "arn:aws:s3:::${1:bucket}"');
  });
  it('JSON policy: Condition suggestion with a snippet', () => {
    const fix = fixOf(RULE, { 'policy.json': JSON_POLICY }, 'Add aws:SourceArn condition');
    assert.strictEqual(fix.preferred, false);
    assert.strictEqual(fixed(RULE, { 'policy.json': JSON_POLICY }, 'Add aws:SourceArn condition')['policy.json'], JSON_POLICY.replace('function:f"\n', 'function:f",\n      "Condition": {"ArnLike": {"AWS:SourceArn": "arn:aws:sns:region:account:topic"}}\n'));
    assert.strictEqual(fix.snippet?.text, ',\n      "Condition": {"ArnLike": {"AWS:SourceArn": "arn:aws:sns:${1:region}:${2:account}:${3:topic}"}}');
  });
  it('JSON policy: an existing Condition operator object is extended, not duplicated', () => {
    const src = JSON_POLICY.replace('function:f"\n', 'function:f",\n      "Condition": {\n        "ArnLike": {"aws:PrincipalArn": "arn:aws:iam::123456789012:role/x"}\n      }\n');
    assert.strictEqual(fixed(RULE, { 'policy.json': src }, 'Add aws:SourceArn')['policy.json'], src.replace('"aws:PrincipalArn": "arn:aws:iam::123456789012:role/x"}', '"aws:PrincipalArn": "arn:aws:iam::123456789012:role/x", "AWS:SourceArn": "arn:aws:sns:region:account:topic"}'));
  });

  it('one SNS topic wired to the function: preferred fix with the topic reference', () => {
    const files = { 'main.tf': SNS + SNS_PERM };
    const fix = fixOf(RULE, files, 'Add source_arn');
    assert.strictEqual(fix.preferred, true);
    assert.strictEqual(fix.title, 'Add source_arn = aws_sns_topic.orders.arn');
    assert.strictEqual(applyFix(files, fix)['main.tf'], SNS + SNS_PERM.replace('"sns.amazonaws.com"\n', '"sns.amazonaws.com"\n  source_arn    = aws_sns_topic.orders.arn\n'));
  });
  it('one API wired, permission in .tf.json: preferred fix with the JSON template', () => {
    const files = { 'main.tf': API, 'perm.tf.json': API_PERM_JSON };
    const out = fixed(RULE, files, 'Add source_arn');
    assert.strictEqual(out['perm.tf.json'], API_PERM_JSON.replace('"principal": "apigateway.amazonaws.com"', '"principal": "apigateway.amazonaws.com",\n        "source_arn": "${aws_api_gateway_rest_api.api.execution_arn}/*/*"'));
    assert.strictEqual(out['main.tf'], API);
  });
  it('a wired invoker is not written into a plain .json policy (no Terraform there)', () => {
    const files = { 'main.tf': SNS, 'policy.json': JSON_POLICY };
    const f = only(analyze(files), RULE).find((x) => x.file === 'policy.json')!;
    assert.ok(f.fixes.every((x) => !x.preferred));
  });
  it('fix-all: preferred fixes applied once, idempotent, parses', () => {
    assertFixAll(RULE, { 'main.tf': SNS + SNS_PERM, 'api.tf': API.replace(/"f"/g, '"g"').replace(/\.f\./g, '.g.').replace('"f" {', '"g" {'), 'perm.tf.json': API_PERM_JSON.replace(/\.f\./g, '.g.') }, {
      'main.tf': SNS + SNS_PERM.replace('"sns.amazonaws.com"\n', '"sns.amazonaws.com"\n  source_arn    = aws_sns_topic.orders.arn\n'),
      'api.tf': API.replace(/"f"/g, '"g"').replace(/\.f\./g, '.g.').replace('"f" {', '"g" {'),
      'perm.tf.json': API_PERM_JSON.replace(/\.f\./g, '.g.').replace('"principal": "apigateway.amazonaws.com"', '"principal": "apigateway.amazonaws.com",\n        "source_arn": "${aws_api_gateway_rest_api.api.execution_arn}/*/*"'),
    });
  });
  it('range covers exactly the principal value', () => {
    const f = only(analyze({ 'main.tf': APIGW }), RULE)[0];
    assert.deepStrictEqual(rangeOf(f), [4, 18, 4, 44]);
    assert.strictEqual(coveredText(APIGW, f), '"apigateway.amazonaws.com"');
  });
});
