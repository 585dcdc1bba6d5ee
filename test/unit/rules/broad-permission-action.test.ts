import { analyze, assert, only, rangeOf, ready } from '../helpers';
import { assertFixAll, assertParses, fixed, fixOf, table, type Invalid, type Valid } from './table';

const RULE = 'broad-permission-action';

const perm = (action: string, principal: string, extra = ''): string =>
  `resource "aws_lambda_permission" "p" {\n  action     = ${action}\n  principal  = ${principal}\n  source_arn = "arn:aws:sns:us-east-1:123456789012:t"${extra}\n}\n`;

const KICS = `resource "aws_lambda_permission" "all" {\n  statement_id  = "AllowAllResources"\n  action        = "lambda:*"\n  function_name = aws_lambda_function.f.function_name\n  principal     = "s3.amazonaws.com"\n  source_arn    = "arn:aws:s3:::b"\n  source_account = "111111111111"\n}\n`;
const JSON_POLICY = `{\n  "Version": "2012-10-17",\n  "Statement": [\n    {\n      "Effect": "Allow",\n      "Principal": {"Service": "sns.amazonaws.com"},\n      "Action": ["lambda:InvokeFunction", "lambda:GetFunction"],\n      "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f",\n      "Condition": {"ArnLike": {"AWS:SourceArn": "arn:aws:sns:us-east-1:123456789012:t"}}\n    }\n  ]\n}\n`;
const TFJSON = `{\n  "resource": {\n    "aws_lambda_permission": {\n      "p": {\n        "action": "lambda:*",\n        "principal": "events.amazonaws.com",\n        "source_arn": "arn:aws:events:us-east-1:123456789012:rule/r"\n      }\n    }\n  }\n}\n`;
const TABS = `resource "aws_lambda_permission" "p" {\n\taction = "lambda:DeleteFunction"\n\tprincipal = "logs.eu-west-1.amazonaws.com"\n\tsource_arn = "\${aws_cloudwatch_log_group.default.arn}:*"\n}\n`;
const CRLF = perm('"lambda:*"', '"sns.amazonaws.com"').replace(/\n/g, '\r\n');

describe(RULE, () => {
  before(ready);

  const invalid: Invalid[] = [
    { name: 'lambda:* for a service principal (KICS fixture shape)', files: { 'main.tf': KICS }, file: 'main.tf', range: [2, 18, 2, 28], text: '"lambda:*"' },
    { name: 'named non-invoke action for a service principal', files: { 'main.tf': TABS }, file: 'main.tf', range: [1, 10, 1, 33], text: '"lambda:DeleteFunction"' },
    { name: 'wildcard for an account principal', files: { 'main.tf': perm('"lambda:Invoke*"', '"123456789012"') }, file: 'main.tf', range: [1, 15, 1, 31], text: '"lambda:Invoke*"' },
    { name: '"*" action', files: { 'main.tf': perm('"*"', '"arn:aws:iam::123456789012:role/deploy"') }, file: 'main.tf', range: [1, 15, 1, 18], text: '"*"' },
    { name: 'lambda:GetFunction for the public principal', files: { 'main.tf': perm('"lambda:GetFunction"', '"*"') }, file: 'main.tf', range: [1, 15, 1, 35], text: '"lambda:GetFunction"' },
    { name: 'any case', files: { 'main.tf': perm('"Lambda:*"', '"sns.amazonaws.com"') }, file: 'main.tf', range: [1, 15, 1, 25], text: '"Lambda:*"' },
    { name: 'action from a local: the attribute value is reported', files: { 'main.tf': `locals {\n  act = "lambda:*"\n}\n` + perm('local.act', '"sns.amazonaws.com"') }, file: 'main.tf', range: [4, 15, 4, 24], text: 'local.act' },
    { name: 'action from a variable default', files: { 'main.tf': `variable "act" {\n  default = "lambda:*"\n}\n` + perm('var.act', '"sns.amazonaws.com"') }, file: 'main.tf', range: [4, 15, 4, 22], text: 'var.act' },
    { name: 'action from terraform.tfvars', files: { 'main.tf': `variable "act" {}\n` + perm('var.act', '"sns.amazonaws.com"'), 'terraform.tfvars': 'act = "lambda:*"\n' }, file: 'main.tf', range: [2, 15, 2, 22], text: 'var.act' },
    { name: 'template of known parts', files: { 'main.tf': `locals {\n  svc = "lambda"\n}\n` + perm('"${local.svc}:*"', '"sns.amazonaws.com"') }, file: 'main.tf', range: [4, 15, 4, 31], text: '"${local.svc}:*"' },
    { name: 'JSON resource policy: GetFunction for a service', files: { 'policy.json': JSON_POLICY }, file: 'policy.json', range: [6, 42, 6, 62], text: '"lambda:GetFunction"' },
    { name: '.tf.json permission', files: { 'main.tf.json': TFJSON }, file: 'main.tf.json', range: [4, 18, 4, 28], text: '"lambda:*"' },
    { name: 'CRLF file', files: { 'main.tf': CRLF }, file: 'main.tf', range: [1, 15, 1, 25], text: '"lambda:*"' },
    { name: 'a peer comment of another rule does not suppress', files: { 'main.tf': '#checkov:skip=CKV_AWS_364\n' + KICS }, file: 'main.tf', range: [3, 18, 3, 28], text: '"lambda:*"' },
  ];
  const valid: Valid[] = [
    { name: 'lambda:InvokeFunction for a service', files: { 'main.tf': perm('"lambda:InvokeFunction"', '"sns.amazonaws.com"') } },
    { name: 'cross-account lambda:GetFunction for a deployment account', files: { 'main.tf': perm('"lambda:GetFunction"', '"123456789012"') } },
    { name: 'function URL grants: both actions for "*"', files: { 'main.tf': `resource "aws_lambda_permission" "u" {\n  action                 = "lambda:InvokeFunctionUrl"\n  principal              = "*"\n  function_url_auth_type = "NONE"\n}\nresource "aws_lambda_permission" "i" {\n  action                   = "lambda:InvokeFunction"\n  principal                = "*"\n  invoked_via_function_url = true\n}\n` } },
    { name: 'InvokeFunctionUrl for CloudFront', files: { 'main.tf': perm('"lambda:InvokeFunctionUrl"', '"cloudfront.amazonaws.com"') } },
    { name: 'unknown action (variable without default)', files: { 'main.tf': 'variable "act" {}\n' + perm('var.act', '"sns.amazonaws.com"') } },
    { name: 'unknown principal and named action', files: { 'main.tf': 'variable "p" {}\n' + perm('"lambda:GetFunction"', 'var.p') } },
    { name: 'action from a module output', files: { 'main.tf': perm('module.cfg.action', '"sns.amazonaws.com"') } },
    { name: 'action from a function call on unknowns', files: { 'main.tf': 'variable "v" {}\n' + perm('lower(var.v)', '"sns.amazonaws.com"') } },
    { name: 'JSON Deny statement', files: { 'policy.json': JSON_POLICY.replace('"Allow"', '"Deny"') } },
    { name: 'S3 bucket policy with a service principal is not a Lambda permission', files: { 'bucket.json': `{"Statement": [{"Effect": "Allow", "Principal": {"Service": "logging.s3.amazonaws.com"}, "Action": "s3:PutObject", "Resource": "arn:aws:s3:::logs/*"}]}` } },
    { name: 'lpg-ignore above the block', files: { 'main.tf': '# lpg-ignore: broad-permission-action -- reviewed\n' + KICS } },
    { name: 'lpg-ignore above the attribute', files: { 'main.tf': KICS.replace('  action ', '  # lpg-ignore: broad-permission-action\n  action ') } },
    { name: 'lpg-ignore-file', files: { 'main.tf': KICS + '# lpg-ignore-file: broad-permission-action\n' } },
    { name: 'rule off in the configuration', files: { 'main.tf': KICS }, opts: { rules: { [RULE]: 'off' } } },
  ];
  table(RULE, invalid, valid);

  it('severity is warning, overridable', () => {
    assert.strictEqual(only(analyze({ 'main.tf': KICS }), RULE)[0].severity, 'warning');
    assert.strictEqual(only(analyze({ 'main.tf': KICS }, { rules: { [RULE]: 'error' } }), RULE)[0].severity, 'error');
  });

  it('fix: lambda:InvokeFunction, preferred for a service principal (aligned block)', () => {
    const files = { 'main.tf': KICS };
    assert.strictEqual(fixOf(RULE, files, 'Replace with lambda:InvokeFunction').preferred, true);
    assert.strictEqual(fixed(RULE, files, 'Replace with lambda:InvokeFunction')['main.tf'], KICS.replace('"lambda:*"', '"lambda:InvokeFunction"'));
  });
  it('fix: tab-indented file', () => {
    assert.strictEqual(fixed(RULE, { 'main.tf': TABS }, 'Replace')['main.tf'], `resource "aws_lambda_permission" "p" {\n\taction = "lambda:InvokeFunction"\n\tprincipal = "logs.eu-west-1.amazonaws.com"\n\tsource_arn = "\${aws_cloudwatch_log_group.default.arn}:*"\n}\n`);
  });
  it('fix: CRLF file', () => {
    assert.strictEqual(fixed(RULE, { 'main.tf': CRLF }, 'Replace')['main.tf'], 'resource "aws_lambda_permission" "p" {\r\n  action     = "lambda:InvokeFunction"\r\n  principal  = "sns.amazonaws.com"\r\n  source_arn = "arn:aws:sns:us-east-1:123456789012:t"\r\n}\r\n');
  });
  it('fix: suggestion only for an account principal', () => {
    const files = { 'main.tf': perm('"lambda:Invoke*"', '"123456789012"') };
    assert.strictEqual(fixOf(RULE, files, 'Replace').preferred, false);
  });
  it('fix: JSON policy drops the extra action when InvokeFunction is already there', () => {
    const out = fixed(RULE, { 'policy.json': JSON_POLICY }, 'Replace');
    assert.strictEqual(out['policy.json'], JSON_POLICY.replace('["lambda:InvokeFunction", "lambda:GetFunction"]', '["lambda:InvokeFunction"]'));
  });
  it('fix: .tf.json keeps JSON', () => {
    const out = fixed(RULE, { 'main.tf.json': TFJSON }, 'Replace');
    assert.strictEqual(out['main.tf.json'], TFJSON.replace('"action": "lambda:*"', '"action": "lambda:InvokeFunction"'));
    assertParses(out);
  });
  it('fix: a value from a local is replaced at the attribute, not in the shared local', () => {
    const files = { 'main.tf': `locals {\n  act = "lambda:*"\n}\n` + perm('local.act', '"sns.amazonaws.com"') };
    assert.strictEqual(fixed(RULE, files, 'Replace')['main.tf'], `locals {\n  act = "lambda:*"\n}\n` + perm('"lambda:InvokeFunction"', '"sns.amazonaws.com"'));
  });
  it('fix-all is idempotent and parses', () => {
    assertFixAll(RULE, { 'main.tf': KICS + '\n' + TABS.replace('"p"', '"q"'), 'main.tf.json': TFJSON }, {
      'main.tf': KICS.replace('"lambda:*"', '"lambda:InvokeFunction"') + '\n' + TABS.replace('"p"', '"q"').replace('"lambda:DeleteFunction"', '"lambda:InvokeFunction"'),
      'main.tf.json': TFJSON.replace('"action": "lambda:*"', '"action": "lambda:InvokeFunction"'),
    });
  });
  it('get-policy output: reported on the policy string, with no edit inside it', () => {
    const inner = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'sns.amazonaws.com' }, Action: 'lambda:*', Resource: 'arn:aws:lambda:us-east-1:1:function:f', Condition: { ArnLike: { 'AWS:SourceArn': 'arn:aws:sns:us-east-1:1:t' } } }] });
    const files = { 'get-policy.json': JSON.stringify({ Policy: inner }) };
    const fs = only(analyze(files), RULE);
    assert.strictEqual(fs.length, 1);
    assert.deepStrictEqual(rangeOf(fs[0]), [0, 10, 0, 10 + JSON.stringify(inner).length]);
    assert.deepStrictEqual(fs[0].fixes, []);
  });
});
