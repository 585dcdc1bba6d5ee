import { analyze, assert, only, ready } from '../helpers';
import { assertParses, fixed, fixOf, table, type Invalid, type Valid } from './table';

const RULE = 'wildcard-lambda-resource';

const doc = (actions: string, resources: string): string => `data "aws_iam_policy_document" "d" {\n  statement {\n    actions   = ${actions}\n    resources = ${resources}\n  }\n}\n`;
const DOC = doc('["lambda:InvokeFunction"]', '["*"]');
const ENC = `resource "aws_iam_policy" "p" {\n  policy = jsonencode({\n    Statement = [{\n      Effect   = "Allow"\n      Action   = "lambda:Invoke*"\n      Resource = "arn:aws:lambda:us-east-1:123456789012:function:orders-*:*"\n    }]\n  })\n}\n`;
const JSON_POLICY = `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": ["arn:aws:lambda:*:*:function:orders", "arn:aws:lambda:*"]}]}`;
const HEREDOC = `resource "aws_iam_role_policy" "p" {\n  role   = aws_iam_role.r.id\n  policy = <<-EOT\n    {\n      "Version": "2012-10-17",\n      "Statement": [\n        {\n          "Effect": "Allow",\n          "Action": ["lambda:GetFunction", "lambda:UpdateFunctionCode"],\n          "Resource": "arn:aws:lambda:\${var.region}:\${local.acct}:function:*"\n        }\n      ]\n    }\n  EOT\n}\n`;

const WIRED = `resource "aws_api_gateway_rest_api" "api" {\n  name = "api"\n}\nresource "aws_lambda_function" "orders" {\n  function_name = "orders"\n}\nresource "aws_iam_role" "apigw" {\n  name = "apigw"\n  assume_role_policy = jsonencode({\n    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "apigateway.amazonaws.com" } }]\n  })\n}\nresource "aws_api_gateway_integration" "i" {\n  rest_api_id             = aws_api_gateway_rest_api.api.id\n  resource_id             = "r"\n  http_method             = "GET"\n  type                    = "AWS_PROXY"\n  integration_http_method = "POST"\n  credentials             = aws_iam_role.apigw.arn\n  uri                     = aws_lambda_function.orders.invoke_arn\n}\n`;
const WIRED_DOC = `resource "aws_iam_role_policy" "p" {\n  role   = aws_iam_role.apigw.id\n  policy = data.aws_iam_policy_document.d.json\n}\n` + DOC;
const WIRED_HEREDOC = `resource "aws_iam_role_policy" "p" {\n  role   = aws_iam_role.apigw.id\n  policy = <<EOF\n{\n  "Statement": [{"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": "arn:aws:lambda:*:*:function:*:*"}]\n}\nEOF\n}\n`;

describe(RULE, () => {
  before(ready);

  const invalid: Invalid[] = [
    { name: '"*" in a policy document', files: { 'main.tf': DOC }, file: 'main.tf', range: [3, 17, 3, 20], text: '"*"' },
    { name: 'arn:aws:lambda:* in a .json policy (the named one beside it is fine)', files: { 'policy.json': JSON_POLICY }, file: 'policy.json', range: [0, 146, 0, 164], text: '"arn:aws:lambda:*"' },
    { name: 'function-name prefix wildcard with qualifier in jsonencode', files: { 'main.tf': ENC }, file: 'main.tf', range: [5, 17, 5, 76], text: '"arn:aws:lambda:us-east-1:123456789012:function:orders-*:*"' },
    { name: 'function:* with unknown region and account in a heredoc', files: { 'main.tf': HEREDOC }, file: 'main.tf', range: [9, 22, 9, 77], text: '"arn:aws:lambda:${var.region}:${local.acct}:function:*"' },
    { name: 'aws-us-gov partition', files: { 'main.tf': doc('["lambda:InvokeFunction"]', '["arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:*:*"]') }, file: 'main.tf', range: [3, 17, 3, 80], text: '"arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:*:*"' },
    { name: 'unknown name prefix with a wildcard', files: { 'main.tf': 'variable "prefix" {}\n' + doc('["lambda:InvokeFunction"]', '["arn:aws:lambda:us-east-1:123456789012:function:${var.prefix}-*"]') }, file: 'main.tf', range: [4, 17, 4, 81], text: '"arn:aws:lambda:us-east-1:123456789012:function:${var.prefix}-*"' },
    { name: 'Action "*" on Resource "*"', files: { 'p.json': '{"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}' }, file: 'p.json', range: [0, 61, 0, 64], text: '"*"' },
    { name: 'NotAction without Lambda on "*"', files: { 'p.json': '{"Statement": {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}}' }, file: 'p.json', range: [0, 68, 0, 71], text: '"*"' },
    { name: 'resources from a variable default', files: { 'main.tf': 'variable "res" {\n  default = ["*"]\n}\n' + doc('["lambda:*"]', 'var.res') }, file: 'main.tf', range: [1, 13, 1, 16], text: '"*"' },
    { name: '.tf.json policy document', files: { 'main.tf.json': '{"data": {"aws_iam_policy_document": {"d": {"statement": [{"actions": ["lambda:InvokeFunction"], "resources": ["*"]}]}}}}' }, file: 'main.tf.json', range: [0, 111, 0, 114], text: '"*"' },
  ];
  const valid: Valid[] = [
    { name: 'named function with wildcard region and account', files: { 'main.tf': doc('["lambda:InvokeFunction"]', '["arn:aws:lambda:*:*:function:orders"]') } },
    { name: 'named function with every alias', files: { 'main.tf': doc('["lambda:InvokeFunction"]', '["arn:aws:lambda:us-east-1:123456789012:function:orders:*"]') } },
    { name: 'reference to the function', files: { 'main.tf': doc('["lambda:InvokeFunction"]', '[aws_lambda_function.f.arn, "${aws_lambda_function.f.arn}:*"]') } },
    { name: 'account-level action that only takes "*"', files: { 'main.tf': doc('["lambda:ListFunctions", "lambda:GetAccountSettings"]', '["*"]') } },
    { name: 'no Lambda action', files: { 'main.tf': doc('["logs:CreateLogStream", "logs:PutLogEvents"]', '["*"]') } },
    { name: 'layer ARN', files: { 'main.tf': doc('["lambda:GetLayerVersion"]', '["arn:aws:lambda:*:*:layer:*"]') } },
    { name: 'resource from a data source', files: { 'main.tf': doc('["lambda:InvokeFunction"]', '[data.aws_lambda_function.f.arn]') } },
    { name: 'resource from a module output', files: { 'main.tf': doc('["lambda:InvokeFunction"]', 'module.fn.arns') } },
    { name: 'Deny', files: { 'p.json': '{"Statement": {"Effect": "Deny", "Action": "lambda:*", "Resource": "*"}}' } },
    { name: 'NotAction that excludes Lambda', files: { 'p.json': '{"Statement": {"Effect": "Allow", "NotAction": "lambda:*", "Resource": "*"}}' } },
    { name: 'unknown resource', files: { 'main.tf': 'variable "res" {}\n' + doc('["lambda:InvokeFunction"]', '[var.res]') } },
    { name: 'lpg-ignore on the statement', files: { 'main.tf': DOC.replace('  statement {\n', '  # lpg-ignore: wildcard-lambda-resource -- dispatcher invokes every function\n  statement {\n') } },
    { name: 'lpg-ignore-file', files: { 'main.tf': '# lpg-ignore-file: wildcard-lambda-resource\n' + DOC } },
    { name: 'rule off', files: { 'main.tf': DOC }, opts: { rules: { [RULE]: 'off' } } },
  ];
  table(RULE, invalid, valid);

  it('severity is warning', () => {
    assert.strictEqual(only(analyze({ 'main.tf': DOC }), RULE)[0].severity, 'warning');
  });
  it('fix: the function ARN snippet (suggestion), in a policy document', () => {
    const fix = fixOf(RULE, { 'main.tf': DOC }, 'Replace with the function ARN');
    assert.strictEqual(fix.preferred, false);
    assert.strictEqual(fix.snippet?.text, '"arn:aws:lambda:${1:region}:${2:account}:function:${3:name}"');
    assert.strictEqual(fixed(RULE, { 'main.tf': DOC }, 'Replace with the function ARN')['main.tf'], doc('["lambda:InvokeFunction"]', '["arn:aws:lambda:region:account:function:name"]'));
  });
  it('fix: a qualified invoke grant gets the :* form beside it (jsonencode string becomes a list)', () => {
    const fix = fixOf(RULE, { 'main.tf': ENC }, 'Replace');
    assert.strictEqual(fix.snippet?.text, '["arn:aws:lambda:${1:region}:${2:account}:function:${3:name}", "arn:aws:lambda:$1:$2:function:$3:*"]');
    const out = fixed(RULE, { 'main.tf': ENC }, 'Replace');
    assert.strictEqual(out['main.tf'], ENC.replace('"arn:aws:lambda:us-east-1:123456789012:function:orders-*:*"', '["arn:aws:lambda:region:account:function:name", "arn:aws:lambda:region:account:function:name:*"]'));
    assertParses(out);
  });
  it('fix: list item in a CRLF, tab-indented document keeps the partition', () => {
    const src = doc('["lambda:InvokeFunction"]', '["arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:*:*"]').replace(/\n  /g, '\n\t').replace(/\t  /g, '\t\t').replace(/\n/g, '\r\n');
    const out = fixed(RULE, { 'main.tf': src }, 'Replace');
    assert.strictEqual(out['main.tf'], 'data "aws_iam_policy_document" "d" {\r\n\tstatement {\r\n\t\tactions   = ["lambda:InvokeFunction"]\r\n\t\tresources = ["arn:aws-us-gov:lambda:region:account:function:name", "arn:aws-us-gov:lambda:region:account:function:name:*"]\r\n\t}\r\n}\r\n');
    assertParses(out);
  });
  it('fix: .json policy and heredoc', () => {
    const j = fixed(RULE, { 'policy.json': JSON_POLICY }, 'Replace');
    assert.strictEqual(j['policy.json'], JSON_POLICY.replace('"arn:aws:lambda:*"]', '"arn:aws:lambda:region:account:function:name"]'));
    assertParses(j);
    const h = fixed(RULE, { 'main.tf': HEREDOC }, 'Replace');
    assert.strictEqual(h['main.tf'], HEREDOC.replace('"arn:aws:lambda:${var.region}:${local.acct}:function:*"', '"arn:aws:lambda:region:account:function:name"'));
    assertParses(h);
  });
  it('no preferred fix without wiring (never part of fix-all)', () => {
    for (const files of [{ 'main.tf': DOC }, { 'main.tf': ENC }, { 'policy.json': JSON_POLICY }] as Record<string, string>[]) {
      assert.ok(only(analyze(files), RULE).every((f) => f.fixes.every((x) => !x.preferred)));
    }
  });
  it('role used as credentials by an integration of one function: the reference (policy document)', () => {
    const files = { 'main.tf': WIRED + WIRED_DOC };
    const fix = fixOf(RULE, files, 'Replace with aws_lambda_function.orders.arn');
    assert.strictEqual(fix.preferred, false);
    const out = fixed(RULE, files, 'Replace with aws_lambda_function.orders.arn');
    assert.strictEqual(out['main.tf'], WIRED + WIRED_DOC.replace('resources = ["*"]', 'resources = [aws_lambda_function.orders.arn]'));
    assertParses(out);
  });
  it('the reference in a heredoc is an interpolation, with the :* form for a qualified grant', () => {
    const out = fixed(RULE, { 'main.tf': WIRED + WIRED_HEREDOC }, 'Replace with aws_lambda_function.orders.arn');
    assert.strictEqual(out['main.tf'], WIRED + WIRED_HEREDOC.replace('"arn:aws:lambda:*:*:function:*:*"', '["${aws_lambda_function.orders.arn}", "${aws_lambda_function.orders.arn}:*"]'));
    assertParses(out);
  });
  it('the role serves integrations of two functions: one suggestion per function of the folder, none preferred, no placeholder', () => {
    const two = `resource "aws_lambda_function" "other" {\n  function_name = "other"\n}\nresource "aws_api_gateway_integration" "j" {\n  rest_api_id             = aws_api_gateway_rest_api.api.id\n  resource_id             = "r2"\n  http_method             = "GET"\n  type                    = "AWS_PROXY"\n  integration_http_method = "POST"\n  credentials             = aws_iam_role.apigw.arn\n  uri                     = aws_lambda_function.other.invoke_arn\n}\n`;
    const files = { 'main.tf': WIRED + two + WIRED_DOC };
    const fixes = only(analyze(files), RULE)[0].fixes;
    assert.deepStrictEqual(fixes.map((x) => [x.title, x.preferred]), [['Replace with aws_lambda_function.orders.arn', false], ['Replace with aws_lambda_function.other.arn', false], ['Ignore wildcard-lambda-resource for this block', false]]);
  });
});
