import { analyze, applyFix, assert, coveredText, only, rangeOf, ready } from '../helpers';

const RULE = 'missing-source-arn';

describe(RULE, () => {
  before(ready);

  const invalid: { name: string; files: Record<string, string>; file: string; range: [number, number, number, number]; text: string }[] = [
    {
      name: 'API Gateway principal without source_arn',
      files: { 'main.tf': `resource "aws_lambda_permission" "api" {\n  statement_id  = "AllowAPI"\n  action        = "lambda:InvokeFunction"\n  function_name = aws_lambda_function.f.function_name\n  principal     = "apigateway.amazonaws.com"\n}\n` },
      file: 'main.tf', range: [4, 18, 4, 44], text: '"apigateway.amazonaws.com"',
    },
    {
      name: 'regional logs principal, source_account only',
      files: { 'main.tf': `resource "aws_lambda_permission" "logs" {\n  action         = "lambda:InvokeFunction"\n  function_name  = "f"\n  principal      = "logs.eu-west-1.amazonaws.com"\n  source_account = "123456789012"\n}\n` },
      file: 'main.tf', range: [3, 19, 3, 49], text: '"logs.eu-west-1.amazonaws.com"',
    },
    {
      name: 'JSON resource policy without aws:SourceArn',
      files: { 'policy.json': `{\n  "Version": "2012-10-17",\n  "Statement": [\n    {\n      "Effect": "Allow",\n      "Principal": {"Service": "sns.amazonaws.com"},\n      "Action": "lambda:InvokeFunction",\n      "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f"\n    }\n  ]\n}\n` },
      file: 'policy.json', range: [5, 31, 5, 50], text: '"sns.amazonaws.com"',
    },
  ];
  const valid: { name: string; files: Record<string, string> }[] = [
    { name: 'with source_arn', files: { 'main.tf': `resource "aws_lambda_permission" "api" {\n  principal  = "apigateway.amazonaws.com"\n  source_arn = "\${aws_api_gateway_rest_api.api.execution_arn}/*/*"\n}\n` } },
    { name: 'secretsmanager sends no source ARN', files: { 'main.tf': `resource "aws_lambda_permission" "sm" {\n  principal = "secretsmanager.amazonaws.com"\n}\n` } },
    { name: 'account principal', files: { 'main.tf': `resource "aws_lambda_permission" "acct" {\n  principal = "123456789012"\n}\n` } },
    { name: 'unknown principal (variable without default)', files: { 'main.tf': `variable "p" {}\nresource "aws_lambda_permission" "x" {\n  principal = var.p\n}\n` } },
    { name: 'suppressed by checkov comment', files: { 'main.tf': `#checkov:skip=CKV_AWS_364: reviewed\nresource "aws_lambda_permission" "api" {\n  principal = "apigateway.amazonaws.com"\n}\n` } },
  ];

  for (const c of invalid) it(`invalid: ${c.name}`, () => {
    const fs = only(analyze(c.files), RULE);
    assert.strictEqual(fs.length, 1, JSON.stringify(fs));
    assert.deepStrictEqual(rangeOf(fs[0]), c.range);
    assert.strictEqual(coveredText(c.files[c.file], fs[0]), c.text);
  });
  for (const c of valid) it(`valid: ${c.name}`, () => {
    assert.deepStrictEqual(only(analyze(c.files), RULE), []);
  });

  it('suggestion fix inserts an aligned source_arn with the ARN format', () => {
    const files = { 'main.tf': invalid[0].files['main.tf'] };
    const f = only(analyze(files), RULE)[0];
    const fix = f.fixes.find((x) => x.title.startsWith('Add source_arn'))!;
    assert.strictEqual(fix.preferred, false);
    assert.strictEqual(applyFix(files, fix)['main.tf'], `resource "aws_lambda_permission" "api" {\n  statement_id  = "AllowAPI"\n  action        = "lambda:InvokeFunction"\n  function_name = aws_lambda_function.f.function_name\n  principal     = "apigateway.amazonaws.com"\n  source_arn    = "arn:aws:execute-api:region:account:api-id/*/*"\n}\n`);
  });
});
