/** Issue 13: wildcards that grant no Lambda action, permissions boundaries, NotResource. */
import { analyze, assert, only, ready } from '../helpers';
import { table } from '../rules/table';

const WLA = 'wildcard-lambda-action';
const WLR = 'wildcard-lambda-resource';

const stmt = (body: string): string => `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", ${body}}]}`;
const BOUNDARY = `resource "aws_iam_policy" "boundary" {
  name = "boundary"
  policy = jsonencode({
    Statement = [{
      Effect   = "Allow"
      Action   = "*"
      Resource = "*"
    }]
  })
}

resource "aws_iam_role" "r" {
  name                 = "r"
  assume_role_policy   = "{}"
  permissions_boundary = aws_iam_policy.boundary.arn
}
`;
const CONDITION_BOUNDARY = `resource "aws_iam_policy" "boundary" {
  name = "boundary"
  policy = jsonencode({
    Statement = [{
      Effect   = "Allow"
      Action   = "lambda:*"
      Resource = "*"
    }]
  })
}

data "aws_iam_policy_document" "create_roles" {
  statement {
    actions   = ["iam:CreateRole"]
    resources = ["*"]
    condition {
      test     = "StringEquals"
      variable = "iam:PermissionsBoundary"
      values   = [aws_iam_policy.boundary.arn]
    }
  }
}
`;

describe('issue 13: wildcards that grant no Lambda action', () => {
  before(ready);
  describe(WLA, () => table(WLA, [
    { name: '"*" on "*" still grants every Lambda action', files: { 'p.json': stmt('"Action": "*", "Resource": "*"') }, file: 'p.json', range: [0, 70, 0, 73], text: '"*"' },
    { name: '"*" on an S3 ARN and a Lambda ARN', files: { 'p.json': stmt('"Action": "*", "Resource": ["arn:aws:s3:::*", "arn:aws:lambda:us-east-1:1:function:f"]') }, file: 'p.json', range: [0, 70, 0, 73], text: '"*"' },
    { name: '"*" with NotResource', files: { 'p.json': stmt('"Action": "*", "NotResource": "arn:aws:s3:::*"') }, file: 'p.json', range: [0, 70, 0, 73], text: '"*"' },
  ], [
    { name: '"*" on S3 resources only', files: { 'p.json': stmt('"Action": "*", "Resource": "arn:aws:s3:::*"') } },
    { name: '"*" on S3 and DynamoDB ARNs', files: { 'p.json': stmt('"Action": "*", "Resource": ["arn:aws:s3:::b/*", "arn:aws:dynamodb:us-east-1:1:table/t"]') } },
    { name: 'lambda:* on an SQS ARN (policy document)', files: { 'main.tf': 'data "aws_iam_policy_document" "d" {\n  statement {\n    actions   = ["lambda:*"]\n    resources = ["arn:aws:sqs:us-east-1:123456789012:q"]\n  }\n}\n' } },
  ]));
  describe(WLR, () => table(WLR, [
    { name: 'NotResource with Lambda actions in an Allow statement (JSON)', files: { 'p.json': stmt('"Action": "lambda:InvokeFunction", "NotResource": ["arn:aws:lambda:us-east-1:1:function:admin"]') }, file: 'p.json', range: [0, 110, 0, 155], text: '["arn:aws:lambda:us-east-1:1:function:admin"]' },
    { name: 'not_resources in a policy document', files: { 'main.tf': 'data "aws_iam_policy_document" "d" {\n  statement {\n    actions       = ["lambda:InvokeFunction"]\n    not_resources = [aws_lambda_function.admin.arn]\n  }\n}\n' }, file: 'main.tf', range: [3, 20, 3, 51], text: '[aws_lambda_function.admin.arn]' },
  ], [
    { name: 'NotResource that excludes every function', files: { 'p.json': stmt('"Action": "lambda:InvokeFunction", "NotResource": "arn:aws:lambda:*:*:function:*"') } },
    { name: 'NotResource "*"', files: { 'p.json': stmt('"Action": "lambda:*", "NotResource": "*"') } },
    { name: 'NotResource with no Lambda action', files: { 'p.json': stmt('"Action": "s3:GetObject", "NotResource": "arn:aws:s3:::secret/*"') } },
    { name: 'NotResource in a Deny statement', files: { 'p.json': '{"Statement": [{"Effect": "Deny", "Action": "lambda:*", "NotResource": "arn:aws:lambda:us-east-1:1:function:f"}]}' } },
    { name: 'NotResource from an unknown variable', files: { 'main.tf': 'variable "keep" {}\ndata "aws_iam_policy_document" "d" {\n  statement {\n    actions       = ["lambda:InvokeFunction"]\n    not_resources = [var.keep]\n  }\n}\n' } },
  ]));
});

describe('issue 13: permissions boundaries cap and grant nothing', () => {
  before(ready);
  it('permissions_boundary of a role: info, and the message says boundary', () => {
    const fs = analyze({ 'main.tf': BOUNDARY }).filter((f) => f.ruleId === WLA || f.ruleId === WLR);
    assert.deepStrictEqual(fs.map((f) => [f.ruleId, f.severity, f.range.start.line, f.range.start.character]), [[WLA, 'info', 5, 17], [WLR, 'info', 6, 17]]);
    for (const f of fs) assert.ok(f.message.endsWith(" aws_iam_policy.boundary is a permissions boundary: it grants nothing by itself, it caps what the role's own policies can grant."), f.message);
  });
  it('a policy named by an iam:PermissionsBoundary condition: info', () => {
    const fs = analyze({ 'main.tf': CONDITION_BOUNDARY }).filter((f) => f.ruleId === WLA || f.ruleId === WLR);
    assert.deepStrictEqual(fs.map((f) => [f.ruleId, f.severity]), [[WLA, 'info'], [WLR, 'info']]);
  });
  it('a boundary that is also attached to a role grants: warning', () => {
    const files = { 'main.tf': BOUNDARY + 'resource "aws_iam_role_policy_attachment" "a" {\n  role       = aws_iam_role.r.name\n  policy_arn = aws_iam_policy.boundary.arn\n}\n' };
    assert.deepStrictEqual(analyze(files).filter((f) => f.ruleId === WLA || f.ruleId === WLR).map((f) => f.severity), ['warning', 'warning']);
  });
  it('the cap never raises a lower configured severity, and off stays off', () => {
    assert.deepStrictEqual(only(analyze({ 'main.tf': BOUNDARY }, { rules: { [WLA]: 'off' } }), WLA), []);
  });
});
