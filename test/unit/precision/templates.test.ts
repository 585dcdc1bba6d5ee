/**
 * Issue 13: policy files that are Terraform templates (`templatefile()` of `.json`, `.tpl`,
 * `.tftpl`, `.json.tpl`): no parse-error, their statements checked, values from the call.
 */
import { analyze, assert, only, ready } from '../helpers';
import { table } from '../rules/table';
import { decideCondition, renderTemplate, templatePieces } from '../../../server/src/core/model/template';
import { strVal } from '../../../server/src/core/model/value';

const WLR = 'wildcard-lambda-resource';
const PE = 'parse-error';

// philips-labs/terraform-aws-github-runner's shape: an unquoted interpolation as a whole value
const UNQUOTED = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": ["lambda:InvokeFunction"],
      "Resource": \${function_arns}
    }
  ]
}
`;
// a directive that opens a second statement only when a value is set
const DIRECTIVE = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": ["ssm:GetParameter"],
      "Resource": ["\${param_arn}"]
%{ if kms_key_arn != "" ~}
    },
    {
      "Effect": "Allow",
      "Action": ["lambda:InvokeFunction"],
      "Resource": "\${kms_key_arn}"
%{ endif ~}
    }
  ]
}
`;
const QUOTED = `{
  "Statement": [
    {
      "Effect": "Allow",
      "Action": "lambda:InvokeFunction",
      "Resource": "arn:aws:lambda:\${region}:\${account}:function:\${name}"
    }
  ]
}
`;
const role = (call: string): string => `resource "aws_iam_role_policy" "p" {
  role   = "r"
  policy = ${call}
}
`;

describe('issue 13: templates named .json / .tpl / .tftpl / .json.tpl', () => {
  before(ready);

  describe(PE, () => table(PE, [
    { name: 'a .json file that is broken JSON without template syntax is still a parse-error', files: { 'p.json': '{"Statement": [ {"Effect": "Allow",, } ]}' }, file: 'p.json', range: [0, 35, 0, 36], text: ',' },
  ], [
    { name: 'unquoted interpolation as a whole value (read alone)', files: { 'policies/p.json': UNQUOTED } },
    { name: 'directives that split statements (read alone)', files: { 'policies/p.json': DIRECTIVE } },
    { name: 'the same through templatefile()', files: { 'main.tf': role('templatefile("${path.module}/policies/p.json", { function_arns = jsonencode(["*"]) })'), 'policies/p.json': UNQUOTED } },
    { name: 'a .tpl file is never a parse-error', files: { 'p.tpl': '{"Statement": [ %{ for x in xs ~} "${x}", %{ endfor ~} ' } },
  ]));

  describe(WLR, () => table(WLR, [
    { name: 'read alone (valid JSON, interpolations in strings): a literal wildcard in the function name reports', files: { 'p.json': QUOTED.replace('${name}"', '*"') }, file: 'p.json', range: [5, 18, 5, 66], text: '"arn:aws:lambda:${region}:${account}:function:*"' },
    { name: 'templatefile() passes the wildcard: known from the call', files: { 'main.tf': role('templatefile("p.json.tpl", { region = "us-east-1", account = "123456789012", name = "*" })'), 'p.json.tpl': QUOTED }, file: 'p.json.tpl', range: [5, 18, 5, 72], text: '"arn:aws:lambda:${region}:${account}:function:${name}"' },
    { name: 'the statement inside a decided %{ if } body (kms_key_arn = "*")', files: { 'main.tf': role('templatefile("${path.module}/p.tftpl", { param_arn = "arn:aws:ssm:us-east-1:123456789012:parameter/x", kms_key_arn = "*" })'), 'p.tftpl': DIRECTIVE }, file: 'p.tftpl', range: [12, 18, 12, 34], text: '"${kms_key_arn}"' },
    { name: 'a .tpl read with file(): interpolations unknown, literal wildcard reported', files: { 'main.tf': role('file("p.tpl")'), 'p.tpl': QUOTED.replace('${name}', '*') }, file: 'p.tpl', range: [5, 18, 5, 66], text: '"arn:aws:lambda:${region}:${account}:function:*"' },
  ], [
    { name: 'read alone: unknown function name', files: { 'p.json': QUOTED } },
    { name: 'read alone: unquoted interpolation is unknown (never "null" or a number)', files: { 'p.json': UNQUOTED } },
    { name: 'templatefile() passes a named function', files: { 'main.tf': role('templatefile("p.json.tpl", { region = "us-east-1", account = "123456789012", name = "orders" })'), 'p.json.tpl': QUOTED } },
    { name: 'a decided-false %{ if } drops the statement (kms_key_arn = "")', files: { 'main.tf': role('templatefile("p.tftpl", { param_arn = "x", kms_key_arn = "" })'), 'p.tftpl': DIRECTIVE.replace('"${kms_key_arn}"', '"*"') } },
    { name: 'a .tpl without Statement is not read', files: { 'user-data.tpl': '#!/bin/sh\necho ${name}\n' } },
  ]));

  it('renders with the same length, directives blanked, interpolations filled', () => {
    const r = renderTemplate(DIRECTIVE, undefined, true)!;
    assert.strictEqual(r.text.length, DIRECTIVE.length);
    assert.ok(!r.text.includes('%{') && !r.text.includes('${'), r.text);
    assert.deepStrictEqual(r.interps.map((i) => i.body), ['param_arn', 'kms_key_arn']);
    const dropped = renderTemplate(DIRECTIVE, new Map([['kms_key_arn', strVal('')]]), true)!;
    assert.deepStrictEqual(dropped.interps.map((i) => i.body), ['param_arn']);
  });
  it('decides simple conditions from the call and leaves the rest undecided', () => {
    const vars = new Map([['a', strVal('')], ['b', strVal('x')], ['t', { k: 'bool' as const, v: true }], ['l', { k: 'list' as const, items: [strVal('x')] }]]);
    assert.deepStrictEqual(['a != ""', 'a == ""', '"" != b', 'b == "x"', 't', '!t', 'length(l) > 0', 'length(l) == 0', 'c != ""', 'a != "" && t'].map((c) => decideCondition(c, vars)), [false, true, true, true, true, false, true, false, undefined, undefined]);
    assert.strictEqual(decideCondition('a != ""', undefined), undefined);
  });
  it('escaped $${ and %%{ are literal text', () => {
    assert.deepStrictEqual(templatePieces('"$${aws:username}" %%{x} ${y}').map((p) => p.body), ['y']);
  });
  it('an undecidable if keeps its body; when only the other branch gives JSON, that one', () => {
    const ifElse = '{"Statement": [{"Effect": "Allow", "Action": "lambda:InvokeFunction", %{ if x ~}"Resource": "*"%{ else ~}"Resource": "arn:aws:lambda:us-east-1:1:function:f"%{ endif ~}}]}';
    const fs = only(analyze({ 'p.tpl': ifElse }), WLR);
    assert.strictEqual(fs.length, 1);
  });
});

describe('issue 13: a template read with file() or templatefile() is one of its role\'s known policies', () => {
  before(ready);
  const { FN, REST, restIntegration } = require('../rules/outage-fixtures') as typeof import('../rules/outage-fixtures');
  const TRUST = `resource "aws_iam_role" "apigw" {
  name               = "apigw"
  assume_role_policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "apigateway.amazonaws.com" } }] })
}

resource "aws_iam_role_policy" "apigw" {
  role   = aws_iam_role.apigw.id
  policy = CALL
}
`;
  const S3_ONLY = '{\n  "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "${bucket_arn}/*"}]\n}\n';
  const INVOKE = '{\n  "Statement": [{"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": "${fn_arn}"}]\n}\n';
  const files = (call: string, tpl: string): Record<string, string> => ({ 'main.tf': FN + REST + restIntegration('aws_lambda_function.orders.invoke_arn', '\n  credentials             = aws_iam_role.apigw.arn').replace(/\n}\n$/, '\n}\n') + TRUST.replace('CALL', call), 'p.tpl': tpl });
  table('credentials-role-cannot-invoke', [
    { name: 'file() of a .tpl that grants no invoke: the role is complete and cannot invoke', files: files('file("p.tpl")', S3_ONLY), file: 'main.tf', range: [29, 28, 29, 65], text: 'aws_lambda_function.orders.invoke_arn' },
    { name: 'templatefile() of a .tpl that grants no invoke', files: files('templatefile("p.tpl", { bucket_arn = "arn:aws:s3:::b" })', S3_ONLY), file: 'main.tf', range: [29, 28, 29, 65], text: 'aws_lambda_function.orders.invoke_arn' },
  ], [
    { name: 'templatefile() passes the function ARN: the role can invoke', files: files('templatefile("p.tpl", { fn_arn = aws_lambda_function.orders.arn })', INVOKE) },
    { name: 'file() of a template with an unknown resource: undecided', files: files('file("p.tpl")', INVOKE) },
  ]);
});
