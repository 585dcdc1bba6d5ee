/**
 * Issue 13: finding messages lead with the problem in a short first clause (ESLint's style) and name
 * the thing: the function by its literal function_name when known (else its address), an IAM
 * statement by what holds it (PolicyDoc.holder: a resource address, a role's inline policy, a
 * template's logical id, a policy file's name).
 */
import { analyze, assert, only, ready } from '../helpers';

const FN = `resource "aws_lambda_function" "orders" {\n  function_name = "orders-handler"\n  role          = "arn:aws:iam::123456789012:role/r"\n  handler       = "index.handler"\n  runtime       = "nodejs20.x"\n  filename      = "f.zip"\n}\n`;
const PERM = (extra: string, fn = 'aws_lambda_function.orders.function_name') => `resource "aws_lambda_permission" "api" {\n  action        = "lambda:InvokeFunction"\n  function_name = ${fn}\n  principal     = "apigateway.amazonaws.com"\n${extra}}\n`;
const STAR = (action: string) => `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "${action}", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:orders"}]}`;

function messages(files: Record<string, string>, rule: string): string[] {
  return only(analyze(files), rule).map((f) => f.message);
}

/** The first clause: up to the first ": " or ". ". */
function head(m: string): string {
  const i = m.search(/: |\. /);
  return i < 0 ? m : m.slice(0, i);
}

describe('finding messages: the problem first, the thing named', () => {
  before(ready);

  describe('IAM findings name what holds the statement', () => {
    const cases: [string, Record<string, string>, string][] = [
      ['aws_iam_role_policy (jsonencode)', { 'main.tf': `resource "aws_iam_role_policy" "deploy" {\n  role   = "r"\n  policy = jsonencode(${STAR('lambda:*').replace(/"(\w+)":/g, '$1 =').replace(/,/g, ',')})\n}\n` }, 'aws_iam_role_policy.deploy'],
      ['aws_iam_policy (heredoc)', { 'main.tf': `resource "aws_iam_policy" "p" {\n  policy = <<EOF\n${STAR('lambda:*')}\nEOF\n}\n` }, 'aws_iam_policy.p'],
      ['data.aws_iam_policy_document', { 'main.tf': `data "aws_iam_policy_document" "z" {\n  statement {\n    actions   = ["lambda:*"]\n    resources = ["arn:aws:lambda:us-east-1:123456789012:function:orders"]\n  }\n}\n` }, 'data.aws_iam_policy_document.z'],
      ['an inline_policy of aws_iam_role', { 'main.tf': `resource "aws_iam_role" "r" {\n  name = "r"\n  inline_policy {\n    name   = "p"\n    policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "lambda:*", Resource = "arn:aws:lambda:us-east-1:123456789012:function:orders" }] })\n  }\n}\n` }, 'an inline policy of aws_iam_role.r'],
      ['a standalone policy file, by its name', { 'iam/deploy.json': STAR('lambda:*') }, 'deploy.json'],
      ['a policy file read by file(), by its name', { 'main.tf': `resource "aws_iam_user_policy" "u" {\n  user   = "deploy"\n  policy = file("\${path.module}/policy.json")\n}\n`, 'policy.json': STAR('lambda:*') }, 'policy.json'],
    ];
    for (const [name, files, holder] of cases) it(name, () => {
      assert.deepStrictEqual(messages(files, 'wildcard-lambda-action'), [`lambda:* allowed in ${holder}: the statement allows every Lambda action.`]);
    });

    it('wildcard-lambda-resource and Action "*" name the holder too', () => {
      const files = { 'main.tf': `resource "aws_iam_policy" "admin" {\n  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }] })\n}\n` };
      assert.deepStrictEqual(messages(files, 'wildcard-lambda-action'), ['Action "*" allowed in aws_iam_policy.admin: the statement allows every action, including every Lambda action.']);
      assert.deepStrictEqual(messages(files, 'wildcard-lambda-resource'), ['Lambda actions on every resource in aws_iam_policy.admin: the statement grants them on "*", not on the function the caller needs.']);
    });

    it('a permissions boundary keeps its note after the problem', () => {
      const files = { 'main.tf': `resource "aws_iam_policy" "b" {\n  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "lambda:*", Resource = "arn:aws:lambda:us-east-1:123456789012:function:orders" }] })\n}\nresource "aws_iam_role" "r" {\n  name                 = "r"\n  assume_role_policy   = "{}"\n  permissions_boundary = aws_iam_policy.b.arn\n}\n` };
      const fs = only(analyze(files), 'wildcard-lambda-action');
      assert.deepStrictEqual(fs.map((f) => [f.severity, f.message]), [['info', "lambda:* allowed in aws_iam_policy.b: the statement allows every Lambda action. aws_iam_policy.b is a permissions boundary: it grants nothing by itself, it caps what the role's own policies can grant."]]);
    });

    it('CloudFormation: AWS::IAM::Policy by its logical id, a role\'s Policies as its inline policy', () => {
      const t = `Resources:\n  DeployPolicy:\n    Type: AWS::IAM::Policy\n    Properties:\n      PolicyName: deploy\n      Roles: [!Ref Role]\n      PolicyDocument:\n        Statement:\n          - Effect: Allow\n            Action: lambda:*\n            Resource: arn:aws:lambda:us-east-1:123456789012:function:orders\n  Role:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument: {}\n      Policies:\n        - PolicyName: inline\n          PolicyDocument:\n            Statement:\n              - Effect: Allow\n                Action: lambda:*\n                Resource: arn:aws:lambda:us-east-1:123456789012:function:orders\n`;
      assert.deepStrictEqual(messages({ 'template.yaml': t }, 'wildcard-lambda-action'), [
        'lambda:* allowed in AWS::IAM::Policy DeployPolicy: the statement allows every Lambda action.',
        'lambda:* allowed in an inline policy of AWS::IAM::Role Role: the statement allows every Lambda action.',
      ]);
    });
  });

  describe('functions by their literal function_name', () => {
    it('missing-source-arn: the name first, the permission and the function address after it', () => {
      assert.deepStrictEqual(messages({ 'main.tf': FN + PERM('') }, 'missing-source-arn'), [
        'No source_arn: any API Gateway API in any account can invoke orders-handler (aws_lambda_permission.api on aws_lambda_function.orders). It lets apigateway.amazonaws.com invoke the function without naming the invoker (confused deputy).',
      ]);
    });

    it('a function_name the folder cannot resolve is named by its address', () => {
      const fn = FN.replace('"orders-handler"', 'var.name');
      assert.deepStrictEqual(messages({ 'main.tf': fn + 'variable "name" {}\n' + PERM('') }, 'missing-source-arn'), [
        'No source_arn: any API Gateway API in any account can invoke aws_lambda_function.orders (aws_lambda_permission.api). It lets apigateway.amazonaws.com invoke the function without naming the invoker (confused deputy).',
      ]);
    });

    it('a literal function_name (or function ARN) of a function outside the folder is the name', () => {
      assert.deepStrictEqual(messages({ 'main.tf': PERM('', '"reports"') }, 'missing-source-arn').map(head), ['No source_arn']);
      assert.match(messages({ 'main.tf': PERM('', '"reports"') }, 'missing-source-arn')[0], /can invoke reports \(aws_lambda_permission\.api\)\./);
      assert.match(messages({ 'main.tf': PERM('', '"arn:aws:lambda:us-east-1:123456789012:function:reports:live"') }, 'missing-source-arn')[0], /can invoke reports:live \(aws_lambda_permission\.api\)\./);
      assert.match(messages({ 'main.tf': PERM('', 'var.fn') + 'variable "fn" {}\n' }, 'missing-source-arn')[0], /can invoke the function \(aws_lambda_permission\.api\)\./);
    });

    it('missing-invoke-permission names the invoker and the function in its first clause, the effect after', () => {
      const tf = FN + `resource "aws_cloudwatch_event_rule" "nightly" {\n  schedule_expression = "cron(0 3 * * ? *)"\n}\nresource "aws_cloudwatch_event_target" "t" {\n  rule = aws_cloudwatch_event_rule.nightly.name\n  arn  = aws_lambda_function.orders.arn\n}\n`;
      assert.deepStrictEqual(messages({ 'main.tf': tf }, 'missing-invoke-permission'), [
        'No permission lets EventBridge rule aws_cloudwatch_event_rule.nightly invoke orders-handler: events matched by aws_cloudwatch_event_rule.nightly will not invoke the function. No aws_lambda_permission on aws_lambda_function.orders grants events.amazonaws.com.',
      ]);
    });
  });

  it('the first clause of every rule stays short on the examples folder (at most 100 characters)', () => {
    // the README's example service: one finding of most rules
    const fs = require('fs') as typeof import('fs');
    const path = require('path') as typeof import('path');
    const dir = path.resolve(__dirname, '../../../examples');
    const files: Record<string, string> = {};
    for (const n of fs.readdirSync(dir)) if (/\.(tf|json)$/.test(n)) files[n] = fs.readFileSync(path.join(dir, n), 'utf8');
    const found = analyze(files);
    assert.ok(found.length >= 8, String(found.length));
    for (const f of found) assert.ok(head(f.message).length <= 100, `${f.ruleId}: ${f.message}`);
  });
});
