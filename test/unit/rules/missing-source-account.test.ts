import { analyze, assert, only, ready } from '../helpers';
import { assertFixAll, assertParses, fixed, fixOf, table, type Invalid, type Valid } from './table';

const RULE = 'missing-source-account';

const S3 = `resource "aws_lambda_permission" "s3" {\n  statement_id  = "AllowS3"\n  action        = "lambda:InvokeFunction"\n  function_name = aws_lambda_function.f.function_name\n  principal     = "s3.amazonaws.com"\n  source_arn    = aws_s3_bucket.b.arn\n}\n`;
const SES = `resource "aws_lambda_permission" "b" {\n  principal = "ses.amazonaws.com"\n}\n`;
const TABS = `resource "aws_lambda_permission" "a" {\n\tprincipal = "s3.amazonaws.com"\n\tsource_arn = aws_s3_bucket.a.arn\n}\n`;
const CRLF = `resource "aws_lambda_permission" "a" {\r\n  principal  = "s3.amazonaws.com"\r\n  source_arn = aws_s3_bucket.a.arn\r\n}\r\n`;
const TFJSON = `{\n  "resource": {\n    "aws_lambda_permission": {\n      "a": {\n        "principal": "s3.amazonaws.com",\n        "source_arn": "\${aws_s3_bucket.a.arn}"\n      }\n    }\n  }\n}\n`;
const JSON_POLICY = `{\n  "Version": "2012-10-17",\n  "Statement": [\n    {\n      "Effect": "Allow",\n      "Principal": {"Service": "s3.amazonaws.com"},\n      "Action": "lambda:InvokeFunction",\n      "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f",\n      "Condition": {\n        "ArnLike": {"AWS:SourceArn": "arn:aws:s3:::b"}\n      }\n    }\n  ]\n}\n`;

describe(RULE, () => {
  before(ready);

  const invalid: Invalid[] = [
    { name: 's3 principal with source_arn only', files: { 'main.tf': S3 }, file: 'main.tf', range: [4, 18, 4, 36], text: '"s3.amazonaws.com"' },
    { name: 'ses principal', files: { 'main.tf': SES }, file: 'main.tf', range: [1, 14, 1, 33], text: '"ses.amazonaws.com"' },
    { name: 'principal from a local in another file', files: { 'main.tf': `resource "aws_lambda_permission" "a" {\n  principal = local.p\n}\n`, 'locals.tf': 'locals {\n  p = "s3.amazonaws.com"\n}\n' }, file: 'main.tf', range: [1, 14, 1, 21], text: 'local.p' },
    { name: '.tf.json permission', files: { 'main.tf.json': TFJSON }, file: 'main.tf.json', range: [4, 21, 4, 39], text: '"s3.amazonaws.com"' },
    { name: 'JSON resource policy without AWS:SourceAccount', files: { 'policy.json': JSON_POLICY }, file: 'policy.json', range: [5, 31, 5, 49], text: '"s3.amazonaws.com"' },
    { name: 'CRLF file', files: { 'main.tf': CRLF }, file: 'main.tf', range: [1, 15, 1, 33], text: '"s3.amazonaws.com"' },
  ];
  const valid: Valid[] = [
    { name: 'with source_account', files: { 'main.tf': S3.replace('  source_arn    = aws_s3_bucket.b.arn\n', '  source_arn    = aws_s3_bucket.b.arn\n  source_account = "123456789012"\n') } },
    { name: 'source_account from an unknown variable', files: { 'main.tf': 'variable "acct" {}\n' + SES.replace('}\n', '  source_account = var.acct\n}\n') } },
    { name: 'sns principal (the topic ARN carries the account)', files: { 'main.tf': SES.replace('ses.amazonaws.com', 'sns.amazonaws.com') } },
    { name: 'JSON policy with an AWS:SourceAccount condition (any case)', files: { 'policy.json': JSON_POLICY.replace('"ArnLike": {"AWS:SourceArn": "arn:aws:s3:::b"}', '"ArnLike": {"AWS:SourceArn": "arn:aws:s3:::b"},\n        "StringEquals": {"aws:sourceaccount": "123456789012"}') } },
    { name: 'principal from a module output', files: { 'main.tf': 'resource "aws_lambda_permission" "a" {\n  principal = module.m.principal\n}\n' } },
    { name: 'unknown principal', files: { 'main.tf': 'variable "p" {}\nresource "aws_lambda_permission" "a" {\n  principal = var.p\n}\n' } },
    { name: 'lpg-ignore as the block\'s first line', files: { 'main.tf': SES.replace('{\n', '{\n  # lpg-ignore: missing-source-account -- same-account bucket names are reserved\n') } },
    { name: 'lpg-ignore-file', files: { 'main.tf': '# lpg-ignore-file: missing-source-account\n' + S3 } },
    { name: 'rule off', files: { 'main.tf': S3 }, opts: { rules: { [RULE]: 'off' } } },
  ];
  table(RULE, invalid, valid);

  it('severity is info', () => {
    assert.strictEqual(only(analyze({ 'main.tf': S3 }), RULE)[0].severity, 'info');
  });

  it('fix: source_account from data.aws_caller_identity, adding the data source (aligned block, preferred)', () => {
    const fix = fixOf(RULE, { 'main.tf': S3 }, 'Add source_account');
    assert.strictEqual(fix.preferred, true);
    assert.strictEqual(fixed(RULE, { 'main.tf': S3 }, 'Add source_account')['main.tf'],
      `resource "aws_lambda_permission" "s3" {\n  statement_id   = "AllowS3"\n  action         = "lambda:InvokeFunction"\n  function_name  = aws_lambda_function.f.function_name\n  principal      = "s3.amazonaws.com"\n  source_arn     = aws_s3_bucket.b.arn\n  source_account = data.aws_caller_identity.current.account_id\n}\n\ndata "aws_caller_identity" "current" {}\n`);
  });
  it('fix: uses the folder\'s aws_caller_identity when there is one (in another file)', () => {
    const files = { 'main.tf': S3, 'data.tf': 'data "aws_caller_identity" "me" {}\n' };
    const out = fixed(RULE, files, 'Add source_account');
    assert.strictEqual(out['data.tf'], files['data.tf']);
    assert.strictEqual(out['main.tf'], `resource "aws_lambda_permission" "s3" {\n  statement_id   = "AllowS3"\n  action         = "lambda:InvokeFunction"\n  function_name  = aws_lambda_function.f.function_name\n  principal      = "s3.amazonaws.com"\n  source_arn     = aws_s3_bucket.b.arn\n  source_account = data.aws_caller_identity.me.account_id\n}\n`);
  });
  it('fix: tab-indented, unaligned file', () => {
    assert.strictEqual(fixed(RULE, { 'main.tf': TABS }, 'Add source_account')['main.tf'], `resource "aws_lambda_permission" "a" {\n\tprincipal = "s3.amazonaws.com"\n\tsource_arn = aws_s3_bucket.a.arn\n\tsource_account = data.aws_caller_identity.current.account_id\n}\n\ndata "aws_caller_identity" "current" {}\n`);
  });
  it('fix: CRLF file', () => {
    assert.strictEqual(fixed(RULE, { 'main.tf': CRLF }, 'Add source_account')['main.tf'], `resource "aws_lambda_permission" "a" {\r\n  principal      = "s3.amazonaws.com"\r\n  source_arn     = aws_s3_bucket.a.arn\r\n  source_account = data.aws_caller_identity.current.account_id\r\n}\r\n\r\ndata "aws_caller_identity" "current" {}\r\n`);
  });
  it('fix: .tf.json gets a JSON attribute and a JSON data block', () => {
    assert.strictEqual(fixed(RULE, { 'main.tf.json': TFJSON }, 'Add source_account')['main.tf.json'], `{\n  "resource": {\n    "aws_lambda_permission": {\n      "a": {\n        "principal": "s3.amazonaws.com",\n        "source_arn": "\${aws_s3_bucket.a.arn}",\n        "source_account": "\${data.aws_caller_identity.current.account_id}"\n      }\n    }\n  },\n  "data": {"aws_caller_identity": {"current": {}}}\n}\n`);
  });
  it('fix: JSON policy gets a StringEquals condition beside ArnLike (suggestion with a snippet)', () => {
    const fix = fixOf(RULE, { 'policy.json': JSON_POLICY }, 'Add an AWS:SourceAccount condition');
    assert.strictEqual(fix.preferred, false);
    assert.strictEqual(fix.snippet?.text, ',\n        "StringEquals": {"AWS:SourceAccount": "${1:123456789012}"}');
    assert.strictEqual(fixed(RULE, { 'policy.json': JSON_POLICY }, 'Add an AWS:SourceAccount condition')['policy.json'], JSON_POLICY.replace('"ArnLike": {"AWS:SourceArn": "arn:aws:s3:::b"}', '"ArnLike": {"AWS:SourceArn": "arn:aws:s3:::b"},\n        "StringEquals": {"AWS:SourceAccount": "123456789012"}'));
  });
  it('fix-all over two permissions adds the data source once, is idempotent and parses', () => {
    const files = { 'main.tf': S3 + '\n' + SES };
    assertFixAll(RULE, files, {
      'main.tf': `resource "aws_lambda_permission" "s3" {\n  statement_id   = "AllowS3"\n  action         = "lambda:InvokeFunction"\n  function_name  = aws_lambda_function.f.function_name\n  principal      = "s3.amazonaws.com"\n  source_arn     = aws_s3_bucket.b.arn\n  source_account = data.aws_caller_identity.current.account_id\n}\n\ndata "aws_caller_identity" "current" {}\n\nresource "aws_lambda_permission" "b" {\n  principal      = "ses.amazonaws.com"\n  source_account = data.aws_caller_identity.current.account_id\n}\n`,
    });
  });
  it('no fix when the folder\'s aws_caller_identity has count (no single reference)', () => {
    const files = { 'main.tf': S3, 'data.tf': 'data "aws_caller_identity" "me" {\n  count = 1\n}\n' };
    assert.deepStrictEqual(only(analyze(files), RULE)[0].fixes.map((x) => x.title), ['Ignore missing-source-account for this block']);
  });
  it('fix: tab-indented CRLF JSON policy keeps tabs and CRLF', () => {
    const src = '{\r\n\t"Version": "2012-10-17",\r\n\t"Statement": [\r\n\t\t{\r\n\t\t\t"Effect": "Allow",\r\n\t\t\t"Principal": {\r\n\t\t\t\t"Service": "s3.amazonaws.com"\r\n\t\t\t},\r\n\t\t\t"Action": "lambda:InvokeFunction",\r\n\t\t\t"Resource": "arn:aws:lambda:us-east-1:123456789012:function:f",\r\n\t\t\t"Condition": {\r\n\t\t\t\t"ArnLike": {\r\n\t\t\t\t\t"AWS:SourceArn": "arn:aws:s3:::b"\r\n\t\t\t\t}\r\n\t\t\t}\r\n\t\t}\r\n\t]\r\n}\r\n';
    const out = fixed(RULE, { 'policy.json': src }, 'Add an AWS:SourceAccount condition');
    assert.strictEqual(out['policy.json'], src.replace('\t\t\t\t}\r\n\t\t\t}', '\t\t\t\t},\r\n\t\t\t\t"StringEquals": {"AWS:SourceAccount": "123456789012"}\r\n\t\t\t}'));
    assertParses(out);
  });
});
