import { analyze, assert, only, ready } from '../helpers';
import { fixed, fixOf, table, type Invalid, type Valid } from './table';

const RULE = 'public-function-url';

const URL = `resource "aws_lambda_function_url" "u" {\n  function_name      = aws_lambda_function.f.function_name\n  authorization_type = "NONE"\n}\n`;
const URL_PERM = `resource "aws_lambda_permission" "u" {\n  action                 = "lambda:InvokeFunctionUrl"\n  function_name          = aws_lambda_function.f.function_name\n  principal              = "*"\n  function_url_auth_type = "NONE"\n}\n`;
const INVOKE_PERM = `resource "aws_lambda_permission" "i" {\n  action                   = "lambda:InvokeFunction"\n  function_name            = aws_lambda_function.f.function_name\n  principal                = "*"\n  invoked_via_function_url = true\n}\n`;
const JSON_GRANTS = `{\n  "Statement": [\n    {\n      "Effect": "Allow",\n      "Principal": "*",\n      "Action": "lambda:InvokeFunctionUrl",\n      "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f",\n      "Condition": {"StringEquals": {"lambda:FunctionUrlAuthType": "NONE"}}\n    },\n    {\n      "Effect": "Allow",\n      "Principal": "*",\n      "Action": "lambda:InvokeFunction",\n      "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f",\n      "Condition": {"Bool": {"lambda:InvokedViaFunctionUrl": "true"}}\n    }\n  ]\n}\n`;

describe(RULE, () => {
  before(ready);

  const invalid: Invalid[] = [
    { name: 'function URL with authorization_type NONE', files: { 'main.tf': URL }, file: 'main.tf', range: [2, 23, 2, 29], text: '"NONE"' },
    { name: 'authorization_type from a variable default', files: { 'main.tf': 'variable "auth" {\n  default = "NONE"\n}\n' + URL.replace('"NONE"', 'var.auth') }, file: 'main.tf', range: [5, 23, 5, 31], text: 'var.auth' },
    { name: 'authorization_type from terraform.tfvars', files: { 'main.tf': 'variable "auth" {}\n' + URL.replace('"NONE"', 'var.auth'), 'terraform.tfvars': 'auth = "NONE"\n' }, file: 'main.tf', range: [3, 23, 3, 31], text: 'var.auth' },
    { name: 'InvokeFunctionUrl permission with function_url_auth_type NONE', files: { 'main.tf': URL_PERM }, file: 'main.tf', range: [4, 27, 4, 33], text: '"NONE"' },
    { name: 'InvokeFunction permission with invoked_via_function_url', files: { 'main.tf': INVOKE_PERM }, file: 'main.tf', range: [3, 29, 3, 32], text: '"*"' },
    { name: 'JSON: lambda:FunctionUrlAuthType NONE', files: { 'p.json': JSON_GRANTS }, file: 'p.json', range: [7, 67, 7, 73], text: '"NONE"', count: 2 },
    { name: 'JSON: lambda:InvokedViaFunctionUrl', files: { 'p.json': JSON_GRANTS }, file: 'p.json', range: [11, 19, 11, 22], text: '"*"', count: 2, index: 1 },
    { name: '.tf.json function URL', files: { 'main.tf.json': '{\n  "resource": {\n    "aws_lambda_function_url": {\n      "u": {\n        "function_name": "f",\n        "authorization_type": "NONE"\n      }\n    }\n  }\n}\n' }, file: 'main.tf.json', range: [5, 30, 5, 36], text: '"NONE"' },
    { name: 'a peer comment of another rule does not suppress', files: { 'main.tf': '#checkov:skip=CKV_AWS_301\n' + URL }, file: 'main.tf', range: [3, 23, 3, 29], text: '"NONE"' },
  ];
  const valid: Valid[] = [
    { name: 'AWS_IAM', files: { 'main.tf': URL.replace('"NONE"', '"AWS_IAM"') } },
    { name: 'unknown authorization_type', files: { 'main.tf': 'variable "auth" {}\n' + URL.replace('"NONE"', 'var.auth') } },
    { name: 'authorization_type from a module output', files: { 'main.tf': URL.replace('"NONE"', 'module.cfg.auth') } },
    { name: 'URL permission for AWS_IAM', files: { 'main.tf': URL_PERM.replace('"NONE"', '"AWS_IAM"') } },
    { name: 'URL permission for CloudFront (not public)', files: { 'main.tf': URL_PERM.replace('"*"', '"cloudfront.amazonaws.com"') } },
    { name: 'checkov:skip=CKV_AWS_258', files: { 'main.tf': URL.replace('{\n', '{\n  #checkov:skip=CKV_AWS_258: public webhook\n') } },
    { name: 'lpg-ignore', files: { 'main.tf': '# lpg-ignore: public-function-url -- public webhook\n' + URL } },
    { name: 'lpg-ignore-file', files: { 'main.tf': '# lpg-ignore-file: public-function-url\n' + URL + URL_PERM + INVOKE_PERM } },
    { name: 'rule off', files: { 'main.tf': URL }, opts: { rules: { [RULE]: 'off' } } },
  ];
  table(RULE, invalid, valid);

  it('severity is info; the public grants are not public-invoke-principal', () => {
    const fs = analyze({ 'main.tf': URL + URL_PERM + INVOKE_PERM });
    assert.deepStrictEqual(only(fs, RULE).map((f) => f.severity), ['info', 'info', 'info']);
    assert.deepStrictEqual(only(fs, 'public-invoke-principal'), []);
  });
  it('fix: authorization_type = "AWS_IAM" (suggestion)', () => {
    assert.strictEqual(fixOf(RULE, { 'main.tf': URL }, 'Set authorization_type').preferred, false);
    assert.strictEqual(fixed(RULE, { 'main.tf': URL }, 'Set authorization_type')['main.tf'], URL.replace('"NONE"', '"AWS_IAM"'));
    const crlf = URL.replace(/\n/g, '\r\n');
    assert.strictEqual(fixed(RULE, { 'main.tf': crlf }, 'Set authorization_type')['main.tf'], crlf.replace('"NONE"', '"AWS_IAM"'));
  });
  it('fix: no edit of a variable default that other callers may rely on', () => {
    const files = { 'main.tf': 'variable "auth" {\n  default = "NONE"\n}\n' + URL.replace('"NONE"', 'var.auth') };
    assert.deepStrictEqual(only(analyze(files), RULE)[0].fixes.map((x) => x.title), ['Ignore public-function-url for this block']);
  });
  it('fix: the permission\'s function_url_auth_type, and the JSON condition', () => {
    assert.strictEqual(fixed(RULE, { 'main.tf': URL_PERM }, 'Set function_url_auth_type')['main.tf'], URL_PERM.replace('"NONE"', '"AWS_IAM"'));
    assert.strictEqual(fixed(RULE, { 'p.json': JSON_GRANTS }, 'Set lambda:FunctionUrlAuthType')['p.json'], JSON_GRANTS.replace('"NONE"', '"AWS_IAM"'));
  });
});
