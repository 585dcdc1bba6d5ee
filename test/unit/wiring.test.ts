import * as assert from 'assert';
import { ready } from './helpers';
import { makeSourceFile } from '../../server/src/core/source';
import { ModuleIndex } from '../../server/src/core/model/module';
import { buildFacts, type Facts } from '../../server/src/core/model/facts';
import { soleInvokerFor, wiringOf } from '../../server/src/core/model/wiring';
import { FN, perm, REST, restIntegration } from './rules/outage-fixtures';

function facts(files: Record<string, string>): Facts {
  return buildFacts(new ModuleIndex(Object.entries(files).map(([p, t]) => makeSourceFile(p, t))));
}
function invokerOf(files: Record<string, string>, permName = 'p'): string | undefined {
  const f = facts(files);
  const p = f.permissions.find((x) => x.resource?.name === permName)!;
  return soleInvokerFor(f, p)?.hcl;
}

const AUTH = `resource "aws_api_gateway_authorizer" "auth" {
  name           = "auth"
  rest_api_id    = aws_api_gateway_rest_api.api.id
  authorizer_uri = aws_lambda_function.orders.invoke_arn
}
`;
const S3 = `resource "aws_s3_bucket" "uploads" {
  bucket = "uploads"
}
resource "aws_s3_bucket_notification" "n" {
  bucket = aws_s3_bucket.uploads.id
  lambda_function {
    lambda_function_arn = aws_lambda_function.orders.arn
  }
}
`;
const LOGS = `resource "aws_cloudwatch_log_group" "app" {
  name = "/app"
}
resource "aws_cloudwatch_log_subscription_filter" "f" {
  name            = "f"
  log_group_name  = aws_cloudwatch_log_group.app.name
  filter_pattern  = ""
  destination_arn = aws_lambda_function.orders.arn
}
`;

describe('wiring index and soleInvokerFor', () => {
  before(ready);

  it('indexes the trigger with its function, principal and symbolic source ARN', () => {
    const w = wiringOf(facts({ 'main.tf': FN + REST + restIntegration() }));
    assert.strictEqual(w.triggers.length, 1);
    const t = w.triggers[0];
    assert.strictEqual(t.kind, 'rest-integration');
    assert.strictEqual(t.fn.k === 'fn' && t.fn.fn.address, 'aws_lambda_function.orders');
    assert.strictEqual(t.principal, 'apigateway.amazonaws.com');
    assert.strictEqual(t.invoker?.hcl, '"${aws_api_gateway_rest_api.api.execution_arn}/*/*"');
    assert.strictEqual(t.effect, 'every request to POST /orders will fail with 500');
  });

  it('one REST API (integration) -> its execution ARN with /*/*', () => {
    assert.strictEqual(invokerOf({ 'main.tf': FN + REST + restIntegration() + perm('p', 'apigateway.amazonaws.com') }), '"${aws_api_gateway_rest_api.api.execution_arn}/*/*"');
  });
  it('an authorizer alone -> the authorizer ARN', () => {
    assert.strictEqual(invokerOf({ 'main.tf': FN + REST + AUTH + perm('p', 'apigateway.amazonaws.com') }), '"${aws_api_gateway_rest_api.api.execution_arn}/authorizers/${aws_api_gateway_authorizer.auth.id}"');
  });
  it('integration and authorizer of one API -> the whole API', () => {
    assert.strictEqual(invokerOf({ 'main.tf': FN + REST + AUTH + restIntegration() + perm('p', 'apigateway.amazonaws.com') }), '"${aws_api_gateway_rest_api.api.execution_arn}/*/*"');
  });
  it('two APIs -> none', () => {
    const other = restIntegration().replace(/aws_api_gateway_rest_api\.api/g, 'aws_api_gateway_rest_api.admin').replace('"post"', '"admin"') + `resource "aws_api_gateway_rest_api" "admin" {\n  name = "admin"\n}\n`;
    assert.strictEqual(invokerOf({ 'main.tf': FN + REST + restIntegration() + other + perm('p', 'apigateway.amazonaws.com') }), undefined);
  });
  it('S3 bucket -> bucket ARN; logs -> group ARN with :*', () => {
    assert.strictEqual(invokerOf({ 'main.tf': FN + S3 + perm('p', 's3.amazonaws.com') }), 'aws_s3_bucket.uploads.arn');
    assert.strictEqual(invokerOf({ 'main.tf': FN + LOGS + perm('p', 'logs.eu-west-1.amazonaws.com') }), '"${aws_cloudwatch_log_group.app.arn}:*"');
  });
  it('a permission of another service or function -> none', () => {
    assert.strictEqual(invokerOf({ 'main.tf': FN + S3 + perm('p', 'sns.amazonaws.com') }), undefined);
    assert.strictEqual(invokerOf({ 'main.tf': FN + FN.replace(/orders/g, 'billing') + S3 + perm('p', 's3.amazonaws.com', undefined, 'aws_lambda_function.billing.function_name') }), undefined);
  });
  it('permission by literal function name and by ARN', () => {
    assert.strictEqual(invokerOf({ 'main.tf': FN + S3 + perm('p', 's3.amazonaws.com', undefined, '"orders"') }), 'aws_s3_bucket.uploads.arn');
    assert.strictEqual(invokerOf({ 'main.tf': FN + S3 + perm('p', 's3.amazonaws.com', undefined, 'aws_lambda_function.orders.arn') }), 'aws_s3_bucket.uploads.arn');
    assert.strictEqual(invokerOf({ 'main.tf': FN + S3 + perm('p', 's3.amazonaws.com', undefined, '"arn:aws:lambda:us-east-1:123456789012:function:orders"') }), 'aws_s3_bucket.uploads.arn');
  });
  it('resolves functions through aliases, invocation URIs and qualified ARNs', () => {
    const alias = `resource "aws_lambda_alias" "live" {\n  name          = "live"\n  function_name = aws_lambda_function.orders.arn\n}\n`;
    const w = wiringOf(facts({ 'main.tf': FN + alias }));
    const str = (s: string) => ({ k: 'str' as const, parts: [s] });
    const tok = (ref: string) => { const [type, name, a] = ref.split('.'); return { k: 'str' as const, parts: [{ ref, resource: `${type}.${name}`, attr: a }] }; };
    const r1 = w.resolveFn(tok('aws_lambda_alias.live.invoke_arn'));
    assert.ok(r1.k === 'fn' && r1.fn.address === 'aws_lambda_function.orders' && r1.qual.k === 'alias' && r1.qual.name === 'live');
    const r2 = w.resolveFn(str('arn:aws-cn:apigateway:cn-north-1:lambda:path/2015-03-31/functions/arn:aws-cn:lambda:cn-north-1:123456789012:function:orders:live/invocations'));
    assert.ok(r2.k === 'fn' && r2.qual.k === 'lit' && r2.qual.name === 'live');
    assert.deepStrictEqual(w.resolveFn(str('arn:aws:sqs:us-east-1:123456789012:q')), { k: 'other' });
    assert.deepStrictEqual(w.resolveFn(str('billing')), { k: 'other' });
    assert.deepStrictEqual(w.resolveFn(tok('module.fn.lambda_function_arn')), { k: 'unknown' });
  });
});
