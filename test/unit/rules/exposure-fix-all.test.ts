/** Fix-all across the exposure rules on one block: every preferred fix lands once, in order, and a second run changes nothing. */
import { analyze, assert, ready } from '../helpers';
import { assertParses, fixAll } from './table';

const WIRED = `resource "aws_s3_bucket" "uploads" {\n  bucket = "uploads"\n}\nresource "aws_lambda_function" "f" {\n  function_name = "f"\n}\nresource "aws_s3_bucket_notification" "n" {\n  bucket = aws_s3_bucket.uploads.id\n  lambda_function {\n    lambda_function_arn = aws_lambda_function.f.arn\n    events              = ["s3:ObjectCreated:*"]\n  }\n}\n`;
const PERM = `resource "aws_lambda_permission" "s3" {\n  statement_id  = "AllowS3"\n  action        = "lambda:*"\n  function_name = aws_lambda_function.f.function_name\n  principal     = "s3.amazonaws.com"\n}\n`;
const FIXED = `resource "aws_lambda_permission" "s3" {\n  statement_id   = "AllowS3"\n  action         = "lambda:InvokeFunction"\n  function_name  = aws_lambda_function.f.function_name\n  principal      = "s3.amazonaws.com"\n  source_arn     = aws_s3_bucket.uploads.arn\n  source_account = data.aws_caller_identity.current.account_id\n}\n\ndata "aws_caller_identity" "current" {}\n`;
const EXPOSURE = ['missing-source-arn', 'missing-source-account', 'broad-permission-action'];

describe('exposure rules: fix-all on one permission', () => {
  before(ready);

  it('source_arn (wired bucket), source_account (+ data source) and the action, in one fix-all', () => {
    const before = analyze({ 'main.tf': WIRED + PERM }).filter((f) => EXPOSURE.includes(f.ruleId)).map((f) => f.ruleId).sort();
    assert.deepStrictEqual(before, ['broad-permission-action', 'missing-source-account', 'missing-source-arn']);
    const out = fixAll({ 'main.tf': WIRED + PERM });
    assert.strictEqual(out['main.tf'], WIRED + FIXED);
    assertParses(out);
    assert.deepStrictEqual(analyze(out).filter((f) => EXPOSURE.includes(f.ruleId)), []);
    assert.deepStrictEqual(fixAll(out), out);
  });
  it('the same in a CRLF file', () => {
    const crlf = (s: string): string => s.replace(/\n/g, '\r\n');
    const out = fixAll({ 'main.tf': crlf(WIRED + PERM) });
    assert.strictEqual(out['main.tf'], crlf(WIRED + FIXED));
    assert.deepStrictEqual(fixAll(out), out);
  });
});
