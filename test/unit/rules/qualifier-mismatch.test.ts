import { analyze, applyFix, assert, coveredText, only, rangeOf, ready } from '../helpers';
import { ALIAS, FN, perm, REST, restIntegration } from './outage-fixtures';

const RULE = 'qualifier-mismatch';
const SNS = `resource "aws_sns_topic" "orders" {
  name = "orders"
}

resource "aws_sns_topic_subscription" "orders" {
  topic_arn = aws_sns_topic.orders.arn
  protocol  = "lambda"
  endpoint  = ENDPOINT
}
`;
const sns = (endpoint: string): string => SNS.replace('ENDPOINT', endpoint);

describe(RULE, () => {
  before(ready);

  it('invalid: integration invokes the alias, permission is on the unqualified function (range, message, fix)', () => {
    const files = { 'main.tf': FN + ALIAS + REST + restIntegration('aws_lambda_alias.live.invoke_arn') + perm('api', 'apigateway.amazonaws.com', '"${aws_api_gateway_rest_api.api.execution_arn}/*/*"') };
    const fs = only(analyze(files), RULE);
    assert.strictEqual(fs.length, 1, JSON.stringify(fs));
    assert.strictEqual(coveredText(files['main.tf'], fs[0]), 'aws_lambda_function.orders.function_name');
    assert.deepStrictEqual(rangeOf(fs[0]), [39, 18, 39, 58]);
    assert.strictEqual(fs[0].message, 'Qualifier mismatch for orders: API Gateway aws_api_gateway_rest_api.api invokes alias aws_lambda_alias.live, but aws_lambda_permission.api grants the unqualified function of aws_lambda_function.orders; every request to POST /orders will fail with 500.');
    assert.deepStrictEqual(only(analyze(files), 'missing-invoke-permission'), []);
    const fix = fs[0].fixes.find((f) => f.preferred)!;
    assert.strictEqual(fix.title, 'Set qualifier = aws_lambda_alias.live.name');
    const fixed = applyFix(files, fix);
    assert.strictEqual(fixed['main.tf'], FN + ALIAS + REST + restIntegration('aws_lambda_alias.live.invoke_arn') + `resource "aws_lambda_permission" "api" {
  statement_id  = "Allowapi"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.orders.function_name
  qualifier     = aws_lambda_alias.live.name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "\${aws_api_gateway_rest_api.api.execution_arn}/*/*"
}
`);
    assert.deepStrictEqual(only(analyze(fixed), RULE), []);
    assert.deepStrictEqual(analyze(fixed).filter((f) => f.severity === 'error'), []);
  });

  it('invalid: permission on another alias (literal qualifier); the fix replaces it', () => {
    const p = perm('sns', 'sns.amazonaws.com', 'aws_sns_topic.orders.arn', undefined, '\n  qualifier     = "blue"');
    const files = { 'main.tf': FN + ALIAS + sns('aws_lambda_alias.live.arn') + p };
    const fs = only(analyze(files), RULE);
    assert.strictEqual(fs.length, 1);
    assert.strictEqual(coveredText(files['main.tf'], fs[0]), '"blue"');
    const fixed = applyFix(files, fs[0].fixes.find((f) => f.preferred)!);
    assert.strictEqual(fixed['main.tf'], files['main.tf'].replace('qualifier     = "blue"', 'qualifier     = aws_lambda_alias.live.name'));
    assert.deepStrictEqual(only(analyze(fixed), RULE), []);
  });

  it('invalid (reverse): trigger invokes the function, permission is on the alias; the fix removes the qualifier', () => {
    const p = perm('sns', 'sns.amazonaws.com', 'aws_sns_topic.orders.arn', undefined, '\n  qualifier     = aws_lambda_alias.live.name');
    const files = { 'main.tf': FN + ALIAS + sns('aws_lambda_function.orders.arn') + p };
    const fs = only(analyze(files), RULE);
    assert.strictEqual(fs.length, 1);
    assert.strictEqual(coveredText(files['main.tf'], fs[0]), 'aws_lambda_alias.live.name');
    assert.ok(fs[0].message.includes('invokes the unqualified function, but aws_lambda_permission.sns grants alias aws_lambda_alias.live'));
    const fixed = applyFix(files, fs[0].fixes.find((f) => f.preferred)!);
    assert.strictEqual(fixed['main.tf'], FN + ALIAS + sns('aws_lambda_function.orders.arn') + perm('sns', 'sns.amazonaws.com', 'aws_sns_topic.orders.arn'));
    assert.deepStrictEqual(only(analyze(fixed), RULE), []);
  });

  it('invalid: qualified literal ARN in the trigger', () => {
    const files = { 'main.tf': FN + ALIAS + sns('"arn:aws:lambda:us-east-1:123456789012:function:orders:live"') + perm('sns', 'sns.amazonaws.com', 'aws_sns_topic.orders.arn') };
    const fs = only(analyze(files), RULE);
    assert.strictEqual(fs.length, 1);
    const fixed = applyFix(files, fs[0].fixes.find((f) => f.preferred)!);
    assert.ok(fixed['main.tf'].includes('  qualifier     = "live"\n'));
    assert.deepStrictEqual(only(analyze(fixed), RULE), []);
  });

  const valid: { name: string; files: Record<string, string> }[] = [
    { name: 'permission with qualifier = alias name', files: { 'main.tf': FN + ALIAS + sns('aws_lambda_alias.live.arn') + perm('sns', 'sns.amazonaws.com', 'aws_sns_topic.orders.arn', undefined, '\n  qualifier     = aws_lambda_alias.live.name') } },
    { name: 'permission with qualifier = "live" literal', files: { 'main.tf': FN + ALIAS + sns('aws_lambda_alias.live.arn') + perm('sns', 'sns.amazonaws.com', 'aws_sns_topic.orders.arn', undefined, '\n  qualifier     = "live"') } },
    { name: 'permission function_name is the alias ARN', files: { 'main.tf': FN + ALIAS + sns('aws_lambda_alias.live.arn') + perm('sns', 'sns.amazonaws.com', 'aws_sns_topic.orders.arn', 'aws_lambda_alias.live.arn') } },
    { name: 'unknown qualifier', files: { 'main.tf': FN + ALIAS + 'variable "q" {}\n' + sns('aws_lambda_alias.live.arn') + perm('sns', 'sns.amazonaws.com', 'aws_sns_topic.orders.arn', undefined, '\n  qualifier     = var.q') } },
    { name: 'published version (qualified_arn) vs unqualified permission is unknown', files: { 'main.tf': FN + sns('aws_lambda_function.orders.qualified_arn') + perm('sns', 'sns.amazonaws.com', 'aws_sns_topic.orders.arn') } },
    { name: 'version trigger with qualifier = version', files: { 'main.tf': FN + sns('aws_lambda_function.orders.qualified_arn') + perm('sns', 'sns.amazonaws.com', 'aws_sns_topic.orders.arn', undefined, '\n  qualifier     = aws_lambda_function.orders.version') } },
  ];
  for (const c of valid) it(`valid: ${c.name}`, () => {
    assert.deepStrictEqual(only(analyze(c.files), RULE), []);
    assert.deepStrictEqual(only(analyze(c.files), 'missing-invoke-permission'), []);
  });
});
