import { analyze, assert, only, ready } from '../helpers';
import { assertFixAll, fixed, fixOf, table, type Invalid, type Valid } from './table';

const RULE = 'broad-source-arn';

const perm = (principal: string, arn: string): string =>
  `resource "aws_lambda_permission" "p" {\n  action     = "lambda:InvokeFunction"\n  principal  = "${principal}"\n  source_arn = ${arn}\n}\n`;
const API = perm('apigateway.amazonaws.com', '"arn:aws:execute-api:us-east-1:123456789012:*/*/*"');
const JSON_POLICY = `{\n  "Statement": [\n    {\n      "Effect": "Allow",\n      "Principal": {"Service": "s3.amazonaws.com"},\n      "Action": "lambda:InvokeFunction",\n      "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f",\n      "Condition": {"ArnLike": {"AWS:SourceArn": "arn:aws:s3:::*"}}\n    }\n  ]\n}\n`;

const WIRED = `resource "aws_api_gateway_rest_api" "api" {\n  name = "api"\n}\nresource "aws_lambda_function" "f" {\n  function_name = "f"\n}\nresource "aws_api_gateway_integration" "i" {\n  rest_api_id             = aws_api_gateway_rest_api.api.id\n  resource_id             = "r"\n  http_method             = "GET"\n  type                    = "AWS_PROXY"\n  integration_http_method = "POST"\n  uri                     = aws_lambda_function.f.invoke_arn\n}\n`;
const WIRED_PERM = `resource "aws_lambda_permission" "p" {\n  action        = "lambda:InvokeFunction"\n  function_name = aws_lambda_function.f.function_name\n  principal     = "apigateway.amazonaws.com"\n  source_arn    = "arn:aws:execute-api:us-east-1:123456789012:*/*/*"\n}\n`;

describe(RULE, () => {
  before(ready);

  const invalid: Invalid[] = [
    { name: 'execute-api ARN with a wildcard API id', files: { 'main.tf': API }, file: 'main.tf', range: [3, 15, 3, 65], text: '"arn:aws:execute-api:us-east-1:123456789012:*/*/*"' },
    { name: 'execute-api ARN with wildcard region, account and API', files: { 'main.tf': perm('apigateway.amazonaws.com', '"arn:aws:execute-api:*:*:*"') }, file: 'main.tf', range: [3, 15, 3, 42], text: '"arn:aws:execute-api:*:*:*"' },
    { name: 'any bucket', files: { 'main.tf': perm('s3.amazonaws.com', '"arn:aws:s3:::*"') }, file: 'main.tf', range: [3, 15, 3, 31], text: '"arn:aws:s3:::*"' },
    { name: 'a topic name in any account', files: { 'main.tf': perm('sns.amazonaws.com', '"arn:aws:sns:us-east-1:*:orders"') }, file: 'main.tf', range: [3, 15, 3, 47], text: '"arn:aws:sns:us-east-1:*:orders"' },
    { name: 'wildcard API id after unknown region and account', files: { 'main.tf': perm('apigateway.amazonaws.com', '"arn:aws:execute-api:${var.region}:${data.aws_caller_identity.current.account_id}:*/*/*"') }, file: 'main.tf', range: [3, 15, 3, 103], text: '"arn:aws:execute-api:${var.region}:${data.aws_caller_identity.current.account_id}:*/*/*"' },
    { name: 'aws-cn partition, any rule', files: { 'main.tf': perm('events.amazonaws.com', '"arn:aws-cn:events:cn-north-1:123456789012:rule/*"') }, file: 'main.tf', range: [3, 15, 3, 65], text: '"arn:aws-cn:events:cn-north-1:123456789012:rule/*"' },
    { name: 'source_arn from a local in locals.tf', files: { 'main.tf': perm('s3.amazonaws.com', 'local.arn'), 'locals.tf': 'locals {\n  arn = "arn:aws:s3:::*"\n}\n' }, file: 'main.tf', range: [3, 15, 3, 24], text: 'local.arn' },
    { name: 'source_arn from terraform.tfvars', files: { 'main.tf': 'variable "arn" {}\n' + perm('s3.amazonaws.com', 'var.arn'), 'terraform.tfvars': 'arn = "arn:aws:s3:::*"\n' }, file: 'main.tf', range: [4, 15, 4, 22], text: 'var.arn' },
    { name: 'target group name wildcard', files: { 'main.tf': perm('elasticloadbalancing.amazonaws.com', '"arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/*/abc"') }, file: 'main.tf', range: [3, 15, 3, 86], text: '"arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/*/abc"' },
    { name: 'log group name wildcard', files: { 'main.tf': perm('logs.amazonaws.com', '"arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/*:*"') }, file: 'main.tf', range: [3, 15, 3, 78], text: '"arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/*:*"' },
    { name: 'bare "*"', files: { 'main.tf': perm('sns.amazonaws.com', '"*"') }, file: 'main.tf', range: [3, 15, 3, 18], text: '"*"' },
    { name: 'JSON aws:SourceArn condition', files: { 'p.json': JSON_POLICY }, file: 'p.json', range: [7, 49, 7, 65], text: '"arn:aws:s3:::*"' },
    { name: '.tf.json', files: { 'main.tf.json': '{"resource": {"aws_lambda_permission": {"p": {"principal": "s3.amazonaws.com", "source_arn": "arn:aws:s3:::*"}}}}' }, file: 'main.tf.json', range: [0, 93, 0, 109], text: '"arn:aws:s3:::*"' },
  ];
  const valid: Valid[] = [
    { name: 'wildcards after the API id', files: { 'main.tf': perm('apigateway.amazonaws.com', '"arn:aws:execute-api:us-east-1:123456789012:abc123/*/*"') } },
    { name: 'execution_arn reference with /*/*', files: { 'main.tf': perm('apigateway.amazonaws.com', '"${aws_api_gateway_rest_api.api.execution_arn}/*/*"') } },
    { name: 'log group with the :* suffix', files: { 'main.tf': perm('logs.amazonaws.com', '"arn:aws:logs:us-east-1:123456789012:log-group:/aws/x:*"') } },
    { name: 'wildcard region only', files: { 'main.tf': perm('sns.amazonaws.com', '"arn:aws:sns:*:123456789012:orders"') } },
    { name: 'unknown account and API id references', files: { 'main.tf': perm('apigateway.amazonaws.com', '"arn:aws:execute-api:us-east-1:${local.acct}:${aws_api_gateway_rest_api.x.id}/*/*"') } },
    { name: 'unknown source_arn', files: { 'main.tf': 'variable "arn" {}\n' + perm('s3.amazonaws.com', 'var.arn') } },
    { name: 'source ARN from a data source', files: { 'main.tf': perm('s3.amazonaws.com', 'data.aws_s3_bucket.b.arn') } },
    { name: 'source ARN from a module output', files: { 'main.tf': perm('apigateway.amazonaws.com', '"${module.api.execution_arn}/*/*"') } },
    { name: 'target group by name, any id suffix', files: { 'main.tf': perm('elasticloadbalancing.amazonaws.com', '"arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/api/*"') } },
    { name: 'a bucket by name', files: { 'main.tf': perm('s3.amazonaws.com', '"arn:aws:s3:::uploads"') } },
    { name: 'lpg-ignore', files: { 'main.tf': '# lpg-ignore: broad-source-arn -- every API of the account on purpose\n' + API } },
    { name: 'lpg-ignore-file', files: { 'main.tf': '# lpg-ignore-file: broad-source-arn\n' + API } },
    { name: 'rule off', files: { 'main.tf': API }, opts: { rules: { [RULE]: 'off' } } },
  ];
  table(RULE, invalid, valid);

  it('severity is warning', () => {
    assert.strictEqual(only(analyze({ 'main.tf': API }), RULE)[0].severity, 'warning');
  });
  it('no invoker wired: the ARN-format suggestion with a snippet (never preferred)', () => {
    const fix = fixOf(RULE, { 'main.tf': API }, 'Replace with a apigateway ARN');
    assert.strictEqual(fix.preferred, false);
    assert.strictEqual(fix.snippet?.text, '"arn:aws:execute-api:${1:region}:${2:account}:${3:api-id}/${4:*}/${5:*}"');
    assert.strictEqual(fixed(RULE, { 'main.tf': API }, 'Replace with')['main.tf'], perm('apigateway.amazonaws.com', '"arn:aws:execute-api:region:account:api-id/*/*"'));
  });
  it('the suggestion keeps the partition, in CRLF and tab-indented files', () => {
    const src = perm('events.amazonaws.com', '"arn:aws-cn:events:cn-north-1:123456789012:rule/*"').replace(/\n  /g, '\r\n\t').replace(/\n/g, '\r\n');
    assert.strictEqual(fixed(RULE, { 'main.tf': src }, 'Replace with')['main.tf'], src.replace('"arn:aws-cn:events:cn-north-1:123456789012:rule/*"', '"arn:aws-cn:events:region:account:rule/rule"'));
  });
  it('the suggestion in a JSON policy', () => {
    assert.strictEqual(fixed(RULE, { 'p.json': JSON_POLICY }, 'Replace with')['p.json'], JSON_POLICY.replace('"arn:aws:s3:::*"', '"arn:aws:s3:::bucket"'));
  });
  it('invoker wired: preferred fix with its exact expression', () => {
    const files = { 'main.tf': WIRED + WIRED_PERM };
    const fix = fixOf(RULE, files, 'Replace with the source ARN of aws_api_gateway_rest_api.api');
    assert.strictEqual(fix.preferred, true);
    assert.strictEqual(fixed(RULE, files, 'Replace with the source ARN')['main.tf'], WIRED + WIRED_PERM.replace('"arn:aws:execute-api:us-east-1:123456789012:*/*/*"', '"${aws_api_gateway_rest_api.api.execution_arn}/*/*"'));
  });
  it('invoker wired: fix-all is idempotent and parses', () => {
    assertFixAll(RULE, { 'main.tf': WIRED + WIRED_PERM }, { 'main.tf': WIRED + WIRED_PERM.replace('"arn:aws:execute-api:us-east-1:123456789012:*/*/*"', '"${aws_api_gateway_rest_api.api.execution_arn}/*/*"') });
  });
});
