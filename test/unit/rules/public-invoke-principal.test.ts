import { analyze, assert, only, ready } from '../helpers';
import { fixed, fixOf, table, type Invalid, type Valid } from './table';

const RULE = 'public-invoke-principal';

const OPEN = `resource "aws_lambda_permission" "open" {\n  action        = "lambda:InvokeFunction"\n  function_name = aws_lambda_function.f.function_name\n  principal     = "*"\n}\n`;
const STAR = `{\n  "Statement": [\n    {\n      "Effect": "Allow",\n      "Principal": "*",\n      "Action": "lambda:InvokeFunction",\n      "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f"\n    }\n  ]\n}\n`;
const AWS_STAR = STAR.replace('"Principal": "*"', '"Principal": {"AWS": "*"}');
const URL_GRANTS = `resource "aws_lambda_permission" "u" {\n  action                 = "lambda:InvokeFunctionUrl"\n  function_name          = aws_lambda_function.f.function_name\n  principal              = "*"\n  function_url_auth_type = "NONE"\n}\nresource "aws_lambda_permission" "i" {\n  action                   = "lambda:InvokeFunction"\n  function_name            = aws_lambda_function.f.function_name\n  principal                = "*"\n  invoked_via_function_url = true\n}\n`;

describe(RULE, () => {
  before(ready);

  const invalid: Invalid[] = [
    { name: 'principal "*" with nothing that narrows it', files: { 'main.tf': OPEN }, file: 'main.tf', range: [3, 18, 3, 21], text: '"*"' },
    { name: 'JSON "Principal": "*" without Condition', files: { 'p.json': STAR }, file: 'p.json', range: [4, 19, 4, 22], text: '"*"' },
    { name: 'JSON {"AWS": "*"} without Condition', files: { 'p.json': AWS_STAR }, file: 'p.json', range: [4, 27, 4, 30], text: '"*"' },
    { name: 'principal from a local', files: { 'main.tf': 'locals {\n  who = "*"\n}\n' + OPEN.replace('"*"', 'local.who') }, file: 'main.tf', range: [6, 18, 6, 27], text: 'local.who' },
    { name: '.tf.json', files: { 'main.tf.json': '{"resource": {"aws_lambda_permission": {"open": {"action": "lambda:InvokeFunction", "principal": "*"}}}}' }, file: 'main.tf.json', range: [0, 97, 0, 100], text: '"*"' },
    { name: 'InvokeFunctionUrl for "*" with AWS_IAM auth type is not a public URL grant but still public', files: { 'main.tf': OPEN.replace('"lambda:InvokeFunction"', '"lambda:InvokeFunctionUrl"').replace('}\n', '  function_url_auth_type = "AWS_IAM"\n}\n') }, file: 'main.tf', range: [3, 18, 3, 21], text: '"*"' },
    { name: 'checkov comment of another rule does not suppress', files: { 'main.tf': '#checkov:skip=CKV_AWS_364\n' + OPEN }, file: 'main.tf', range: [4, 18, 4, 21], text: '"*"' },
  ];
  const valid: Valid[] = [
    { name: 'narrowed by source_arn', files: { 'main.tf': OPEN.replace('}\n', '  source_arn    = "arn:aws:events:eu-west-1:111122223333:rule/RunDaily"\n}\n') } },
    { name: 'narrowed by source_account', files: { 'main.tf': OPEN.replace('}\n', '  source_account = "111122223333"\n}\n') } },
    { name: 'narrowed by principal_org_id', files: { 'main.tf': OPEN.replace('}\n', '  principal_org_id = "o-abc123"\n}\n') } },
    { name: 'narrowed by a source_arn from an unknown variable', files: { 'main.tf': 'variable "arn" {}\n' + OPEN.replace('}\n', '  source_arn = var.arn\n}\n') } },
    { name: 'JSON with a Condition', files: { 'p.json': STAR.replace('"Action"', '"Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-1"}},\n      "Action"') } },
    { name: 'function URL grants are public-function-url, not this rule', files: { 'main.tf': URL_GRANTS } },
    { name: 'JSON function URL grant (condition lambda:FunctionUrlAuthType)', files: { 'p.json': STAR.replace('"lambda:InvokeFunction"', '"lambda:InvokeFunctionUrl",\n      "Condition": {"StringEquals": {"lambda:FunctionUrlAuthType": "NONE"}}') } },
    { name: 'URL grant with an unknown auth type stays silent', files: { 'main.tf': 'variable "auth" {}\n' + OPEN.replace('"lambda:InvokeFunction"', '"lambda:InvokeFunctionUrl"').replace('}\n', '  function_url_auth_type = var.auth\n}\n') } },
    { name: 'service principal', files: { 'main.tf': OPEN.replace('"*"', '"events.amazonaws.com"') } },
    { name: 'unknown principal', files: { 'main.tf': 'variable "p" {}\n' + OPEN.replace('"*"', 'var.p') } },
    { name: 'principal from a module output', files: { 'main.tf': OPEN.replace('"*"', 'module.access.principal') } },
    { name: 'principal from a data source', files: { 'main.tf': OPEN.replace('"*"', 'data.external.p.result') } },
    { name: 'JSON Deny', files: { 'p.json': STAR.replace('"Allow"', '"Deny"') } },
    { name: 'S3 bucket policy for "*" is not a Lambda permission', files: { 'b.json': '{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::site/*"}]}' } },
    { name: 'checkov:skip=CKV_AWS_301', files: { 'main.tf': '#checkov:skip=CKV_AWS_301: public on purpose\n' + OPEN } },
    { name: 'lpg-ignore', files: { 'main.tf': '# lpg-ignore: public-invoke-principal -- public on purpose\n' + OPEN } },
    { name: 'lpg-ignore-file', files: { 'main.tf': OPEN + '# lpg-ignore-file: public-invoke-principal\n' } },
    { name: 'rule off', files: { 'main.tf': OPEN }, opts: { rules: { [RULE]: 'off' } } },
  ];
  table(RULE, invalid, valid);

  it('severity is error', () => {
    assert.strictEqual(only(analyze({ 'main.tf': OPEN }), RULE)[0].severity, 'error');
  });
  it('fix: replace "*" with a service principal (suggestion with a choice snippet)', () => {
    const fix = fixOf(RULE, { 'main.tf': OPEN }, 'Replace "*" with a service principal');
    assert.strictEqual(fix.preferred, false);
    assert.strictEqual(fix.snippet?.text, '"${1|apigateway.amazonaws.com,events.amazonaws.com,s3.amazonaws.com,sns.amazonaws.com,logs.amazonaws.com,cloudfront.amazonaws.com|}"');
    assert.strictEqual(fixed(RULE, { 'main.tf': OPEN }, 'Replace "*"')['main.tf'], OPEN.replace('"*"', '"apigateway.amazonaws.com"'));
  });
  it('fix: add principal_org_id, realigned (snippet)', () => {
    const fix = fixOf(RULE, { 'main.tf': OPEN }, 'Add principal_org_id');
    assert.strictEqual(fix.preferred, false);
    assert.strictEqual(fixed(RULE, { 'main.tf': OPEN }, 'Add principal_org_id')['main.tf'], `resource "aws_lambda_permission" "open" {\n  action           = "lambda:InvokeFunction"\n  function_name    = aws_lambda_function.f.function_name\n  principal        = "*"\n  principal_org_id = "o-exampleorgid"\n}\n`);
    assert.strictEqual(fix.snippet?.text, `           = "lambda:InvokeFunction"\n  function_name    = aws_lambda_function.f.function_name\n  principal        = "*"\n  principal_org_id = "\${1:o-exampleorgid}"`);
  });
  it('fix: tab-indented and CRLF files', () => {
    const tabs = 'resource "aws_lambda_permission" "open" {\r\n\tprincipal = "*"\r\n\taction = "lambda:InvokeFunction"\r\n}\r\n';
    assert.strictEqual(fixed(RULE, { 'main.tf': tabs }, 'Add principal_org_id')['main.tf'], 'resource "aws_lambda_permission" "open" {\r\n\tprincipal = "*"\r\n\tprincipal_org_id = "o-exampleorgid"\r\n\taction = "lambda:InvokeFunction"\r\n}\r\n');
  });
  it('fix: JSON policy gets an aws:PrincipalOrgID condition, or a service principal', () => {
    assert.strictEqual(fixed(RULE, { 'p.json': STAR }, 'Add an aws:PrincipalOrgID condition')['p.json'], STAR.replace('function:f"\n', 'function:f",\n      "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-exampleorgid"}}\n'));
    assert.strictEqual(fixed(RULE, { 'p.json': STAR }, 'Replace "*"')['p.json'], STAR.replace('"Principal": "*"', '"Principal": {"Service": "apigateway.amazonaws.com"}'));
    assert.strictEqual(fixed(RULE, { 'p.json': AWS_STAR }, 'Add an aws:PrincipalOrgID condition')['p.json'], AWS_STAR.replace('function:f"\n', 'function:f",\n      "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-exampleorgid"}}\n'));
  });
  it('no preferred fix (a public grant needs a human decision)', () => {
    assert.ok(only(analyze({ 'main.tf': OPEN, 'p.json': STAR }), RULE).every((f) => f.fixes.every((x) => !x.preferred)));
  });
});
