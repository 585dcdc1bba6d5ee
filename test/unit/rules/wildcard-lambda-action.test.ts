import { analyze, assert, only, ready } from '../helpers';
import { assertFixAll, assertParses, fixed, fixOf, table, type Invalid, type Valid } from './table';

const RULE = 'wildcard-lambda-action';

const trust = (service: string): string => `resource "aws_iam_role" "apigw" {\n  name = "apigw"\n  assume_role_policy = jsonencode({\n    Version = "2012-10-17"\n    Statement = [{\n      Effect    = "Allow"\n      Action    = "sts:AssumeRole"\n      Principal = { Service = "${service}" }\n    }]\n  })\n}\n`;
const ROLE_POLICY = `resource "aws_iam_role_policy" "invoke" {\n  role = aws_iam_role.apigw.id\n  policy = jsonencode({\n    Version = "2012-10-17"\n    Statement = [\n      {\n        Effect   = "Allow"\n        Action   = ["lambda:*"]\n        Resource = aws_lambda_function.f.arn\n      },\n    ]\n  })\n}\n`;
const HEREDOC = `resource "aws_iam_policy" "p" {\n  policy = <<EOF\n{\n  "Version": "2012-10-17",\n  "Statement": [\n    {\n      "Effect": "Allow",\n      "Action": "lambda:*",\n      "Resource": "\${aws_lambda_function.f.arn}"\n    }\n  ]\n}\nEOF\n}\n`;
const DOC = `data "aws_iam_policy_document" "d" {\n  statement {\n    actions   = ["lambda:*", "lambda:InvokeFunction"]\n    resources = [aws_lambda_function.f.arn]\n  }\n}\n`;
const JSON_STAR = `{\n  "Version": "2012-10-17",\n  "Statement": {\n    "Effect": "Allow",\n    "Action": "*",\n    "Resource": "*"\n  }\n}\n`;
const NOT_JSON = `{\n  "Version": "2012-10-17",\n  "Statement": [\n    {\n      "Effect": "Allow",\n      "NotAction": ["iam:*", "organizations:*"],\n      "Resource": "*"\n    }\n  ]\n}\n`;
const NOT_DOC = `data "aws_iam_policy_document" "d" {\n  statement {\n    not_actions = ["iam:*"]\n    resources   = ["*"]\n  }\n}\n`;
const NOT_ENC = `resource "aws_iam_policy" "p" {\n  policy = jsonencode({\n    Statement = [{\n      Effect    = "Allow"\n      NotAction = "iam:*"\n      Resource  = "*"\n    }]\n  })\n}\n`;

describe(RULE, () => {
  before(ready);

  const invalid: Invalid[] = [
    { name: 'jsonencode list item of an aws_iam_role_policy', files: { 'main.tf': trust('apigateway.amazonaws.com') + ROLE_POLICY }, file: 'main.tf', range: [18, 20, 18, 30], text: '"lambda:*"' },
    { name: 'heredoc JSON string', files: { 'main.tf': HEREDOC }, file: 'main.tf', range: [7, 16, 7, 26], text: '"lambda:*"' },
    { name: 'aws_iam_policy_document actions item', files: { 'main.tf': DOC }, file: 'main.tf', range: [2, 17, 2, 27], text: '"lambda:*"' },
    { name: '"*" in a .json policy file', files: { 'policy.json': JSON_STAR }, file: 'policy.json', range: [4, 14, 4, 17], text: '"*"' },
    { name: 'any case', files: { 'policy.json': JSON_STAR.replace('"Action": "*"', '"Action": "LAMBDA:*"') }, file: 'policy.json', range: [4, 14, 4, 24], text: '"LAMBDA:*"' },
    { name: 'NotAction without Lambda (.json)', files: { 'policy.json': NOT_JSON }, file: 'policy.json', range: [5, 19, 5, 47], text: '["iam:*", "organizations:*"]' },
    { name: 'not_actions without Lambda (policy document)', files: { 'main.tf': NOT_DOC }, file: 'main.tf', range: [2, 18, 2, 27], text: '["iam:*"]' },
    { name: 'NotAction without Lambda (jsonencode)', files: { 'main.tf': NOT_ENC }, file: 'main.tf', range: [4, 18, 4, 25], text: '"iam:*"' },
    { name: 'aws_iam_role inline_policy', files: { 'main.tf': `resource "aws_iam_role" "r" {\n  name = "r"\n  inline_policy {\n    name   = "p"\n    policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "lambda:*", Resource = "*" }] })\n  }\n}\n` }, file: 'main.tf', range: [4, 68, 4, 78], text: '"lambda:*"' },
    { name: 'aws_iam_user_policy with a policy file', files: { 'main.tf': `resource "aws_iam_user_policy" "u" {\n  user   = "deploy"\n  policy = file("\${path.module}/policy.json")\n}\n`, 'policy.json': JSON_STAR }, file: 'policy.json', range: [4, 14, 4, 17], text: '"*"' },
    { name: 'aws_iam_group_policy heredoc', files: { 'main.tf': HEREDOC.replace('resource "aws_iam_policy" "p" {\n', 'resource "aws_iam_group_policy" "g" {\n  group  = "ops"\n') }, file: 'main.tf', range: [8, 16, 8, 26], text: '"lambda:*"' },
    { name: 'actions from a local in another file', files: { 'main.tf': `data "aws_iam_policy_document" "d" {\n  statement {\n    actions   = local.acts\n    resources = ["*"]\n  }\n}\n`, 'locals.tf': 'locals {\n  acts = ["lambda:*"]\n}\n' }, file: 'locals.tf', range: [1, 10, 1, 20], text: '"lambda:*"' },
    { name: 'action from a variable default inside jsonencode', files: { 'main.tf': `variable "act" {\n  default = "lambda:*"\n}\nresource "aws_iam_policy" "p" {\n  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = var.act, Resource = "*" }] })\n}\n` }, file: 'main.tf', range: [1, 12, 1, 22], text: '"lambda:*"' },
    { name: '.tf.json policy document', files: { 'main.tf.json': `{\n  "data": {\n    "aws_iam_policy_document": {\n      "d": {\n        "statement": [\n          {"actions": ["lambda:*"], "resources": ["*"]}\n        ]\n      }\n    }\n  }\n}\n` }, file: 'main.tf.json', range: [5, 23, 5, 33], text: '"lambda:*"' },
  ];
  const valid: Valid[] = [
    { name: 'actions from a module output', files: { 'main.tf': `data "aws_iam_policy_document" "d" {\n  statement {\n    actions   = module.perms.actions\n    resources = ["*"]\n  }\n}\n` } },
    { name: 'Deny statement', files: { 'policy.json': JSON_STAR.replace('"Allow"', '"Deny"') } },
    { name: 'Deny in a policy document', files: { 'main.tf': DOC.replace('statement {\n', 'statement {\n    effect    = "Deny"\n') } },
    { name: 'named actions', files: { 'main.tf': DOC.replace('"lambda:*", ', '') } },
    { name: 'lambda:Invoke* is not every Lambda action', files: { 'main.tf': DOC.replace('"lambda:*"', '"lambda:Invoke*"') } },
    { name: 'NotAction that excludes Lambda', files: { 'policy.json': NOT_JSON.replace('"organizations:*"', '"lambda:*"') } },
    { name: 'unknown action (variable without default)', files: { 'main.tf': `variable "act" {}\nresource "aws_iam_policy" "p" {\n  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = var.act, Resource = "*" }] })\n}\n` } },
    { name: 'unknown effect', files: { 'main.tf': `variable "eff" {}\nresource "aws_iam_policy" "p" {\n  policy = jsonencode({ Statement = [{ Effect = var.eff, Action = "lambda:*", Resource = "*" }] })\n}\n` } },
    { name: 'a resource policy (with Principal) is broad-permission-action\'s business', files: { 'p.json': '{"Statement": [{"Effect": "Allow", "Principal": {"AWS": "123456789012"}, "Action": "lambda:*", "Resource": "arn:aws:lambda:us-east-1:1:function:f"}]}' } },
    { name: 'package.json is not a policy', files: { 'package.json': '{"name": "x", "Action": "lambda:*"}' } },
    { name: 'lpg-ignore above the policy', files: { 'main.tf': '# lpg-ignore: wildcard-lambda-action -- admin role\n' + HEREDOC } },
    { name: 'lpg-ignore-file', files: { 'main.tf': DOC + '# lpg-ignore-file: wildcard-lambda-action\n' } },
    { name: 'rule off', files: { 'main.tf': DOC }, opts: { rules: { [RULE]: 'off' } } },
  ];
  table(RULE, invalid, valid);

  it('severity is warning', () => {
    assert.strictEqual(only(analyze({ 'main.tf': DOC }), RULE)[0].severity, 'warning');
  });
  it('fix: preferred lambda:InvokeFunction for a role API Gateway assumes (jsonencode)', () => {
    const files = { 'main.tf': trust('apigateway.amazonaws.com') + ROLE_POLICY };
    assert.strictEqual(fixOf(RULE, files, 'Replace with lambda:InvokeFunction').preferred, true);
    assert.strictEqual(fixed(RULE, files, 'Replace with lambda:InvokeFunction')['main.tf'], trust('apigateway.amazonaws.com') + ROLE_POLICY.replace('["lambda:*"]', '["lambda:InvokeFunction"]'));
  });
  it('fix: only a suggestion for other roles', () => {
    assert.strictEqual(fixOf(RULE, { 'main.tf': trust('lambda.amazonaws.com') + ROLE_POLICY }, 'Replace').preferred, false);
    assert.strictEqual(fixOf(RULE, { 'main.tf': HEREDOC }, 'Replace').preferred, false);
  });
  it('fix: heredoc JSON keeps its layout', () => {
    assert.strictEqual(fixed(RULE, { 'main.tf': HEREDOC }, 'Replace')['main.tf'], HEREDOC.replace('"Action": "lambda:*"', '"Action": "lambda:InvokeFunction"'));
  });
  it('fix: policy document drops lambda:* when lambda:InvokeFunction is already listed', () => {
    assert.strictEqual(fixed(RULE, { 'main.tf': DOC }, 'Replace')['main.tf'], DOC.replace('["lambda:*", "lambda:InvokeFunction"]', '["lambda:InvokeFunction"]'));
  });
  it('fix: multi-line list item removal in a CRLF, tab-indented document', () => {
    const src = 'data "aws_iam_policy_document" "d" {\r\n\tstatement {\r\n\t\tactions = [\r\n\t\t\t"lambda:InvokeFunction",\r\n\t\t\t"lambda:*",\r\n\t\t]\r\n\t\tresources = ["*"]\r\n\t}\r\n}\r\n';
    const out = fixed(RULE, { 'main.tf': src }, 'Replace')['main.tf'];
    assert.strictEqual(out, 'data "aws_iam_policy_document" "d" {\r\n\tstatement {\r\n\t\tactions = [\r\n\t\t\t"lambda:InvokeFunction",\r\n\t\t]\r\n\t\tresources = ["*"]\r\n\t}\r\n}\r\n');
    assertParses({ 'main.tf': out });
  });
  it('fix: .json policy file', () => {
    const out = fixed(RULE, { 'policy.json': JSON_STAR }, 'Replace');
    assert.strictEqual(out['policy.json'], JSON_STAR.replace('"Action": "*"', '"Action": "lambda:InvokeFunction"'));
  });
  it('fix: NotAction becomes Action (JSON, aligned document, aligned jsonencode)', () => {
    assert.strictEqual(fixed(RULE, { 'policy.json': NOT_JSON }, 'Replace NotAction')['policy.json'], NOT_JSON.replace('"NotAction": ["iam:*", "organizations:*"]', '"Action": "lambda:InvokeFunction"'));
    assert.strictEqual(fixed(RULE, { 'main.tf': NOT_DOC }, 'Replace NotAction')['main.tf'], NOT_DOC.replace('not_actions = ["iam:*"]', 'actions     = ["lambda:InvokeFunction"]'));
    assert.strictEqual(fixed(RULE, { 'main.tf': NOT_ENC }, 'Replace NotAction')['main.tf'], NOT_ENC.replace('NotAction = "iam:*"', 'Action    = "lambda:InvokeFunction"'));
  });
  it('fix-all (API Gateway role) is idempotent and parses', () => {
    const files = { 'main.tf': trust('apigateway.amazonaws.com') + ROLE_POLICY };
    assertFixAll(RULE, files, { 'main.tf': trust('apigateway.amazonaws.com') + ROLE_POLICY.replace('["lambda:*"]', '["lambda:InvokeFunction"]') });
  });
});
