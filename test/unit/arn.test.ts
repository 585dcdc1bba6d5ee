import * as assert from 'assert';
import { arnLikeItems, expandToken, actionLike, arnService, PARTITION, REGION, ACCOUNT, type Atom, type SymItem, type Tri } from '../../server/src/core/model/arn';
import type { Token } from '../../server/src/core/model/value';

/** `${type.name.attr}` placeholders in a string become expanded reference tokens. */
function sym(s: string, keys: Record<string, string> = {}): SymItem[] {
  const out: SymItem[] = [];
  const re = /\$\{([^}]+)\}/g;
  let last = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s))) {
    if (m.index > last) out.push(s.slice(last, m.index));
    last = m.index + m[0].length;
    const ref = m[1];
    const parts = ref.split('.');
    const data = parts[0] === 'data';
    const resource = data ? parts.slice(0, 3).join('.') : parts.slice(0, 2).join('.');
    const tok: Token = { ref, resource, attr: parts[data ? 3 : 2], key: keys[resource] };
    out.push(...(expandToken(tok) ?? [{ id: 'ref:' + ref, cls: 'opaque', forbid: '', distinct: false, opaque: true } as Atom]));
  }
  if (last < s.length) out.push(s.slice(last));
  return out;
}

const stage: Atom = { id: 'stage', cls: 'anon', forbid: ':/', distinct: false, opaque: false };
const method: Atom = { id: 'method', cls: 'anon', forbid: ':/', distinct: false, opaque: false };
const path: Atom = { id: 'path', cls: 'opaque', forbid: '', distinct: false, opaque: true };
const restInvocation = (api = 'api', m: SymItem = 'POST', p: SymItem = 'orders'): SymItem[] => [...sym(`\${aws_api_gateway_rest_api.${api}.execution_arn}`), '/', stage, '/', m, '/', p];

describe('ArnLike matcher (three-valued)', () => {
  const table: { name: string; pattern: SymItem[]; value: SymItem[]; want: Tri }[] = [
    // literal ARNs, as AWS matches them
    { name: 'identical literals', pattern: ['arn:aws:sns:us-east-1:123456789012:orders'], value: ['arn:aws:sns:us-east-1:123456789012:orders'], want: 'match' },
    { name: 'case-sensitive', pattern: ['arn:aws:sns:us-east-1:123456789012:Orders'], value: ['arn:aws:sns:us-east-1:123456789012:orders'], want: 'no-match' },
    { name: '* in the resource part crosses / and :', pattern: ['arn:aws:execute-api:us-east-1:123456789012:abc/*'], value: ['arn:aws:execute-api:us-east-1:123456789012:abc/prod/GET/a/b:c'], want: 'match' },
    { name: '* in region does not cross :', pattern: ['arn:aws:sns:*:orders'], value: ['arn:aws:sns:us-east-1:123456789012:orders'], want: 'no-match' },
    { name: 'per-component wildcards', pattern: ['arn:aws:sns:*:*:orders'], value: ['arn:aws:sns:us-east-1:123456789012:orders'], want: 'match' },
    { name: '? is one character', pattern: ['arn:aws:sns:us-east-?:123456789012:orders'], value: ['arn:aws:sns:us-east-1:123456789012:orders'], want: 'match' },
    { name: '? is not zero characters', pattern: ['arn:aws:sns:us-east-1?:123456789012:orders'], value: ['arn:aws:sns:us-east-1:123456789012:orders'], want: 'no-match' },
    { name: 'aws-cn partition literal', pattern: ['arn:aws-cn:s3:::bucket'], value: ['arn:aws-cn:s3:::bucket'], want: 'match' },
    { name: 'aws-us-gov vs aws', pattern: ['arn:aws-us-gov:s3:::bucket'], value: ['arn:aws:s3:::bucket'], want: 'no-match' },
    { name: 'execute-api without stage part never matches an invocation', pattern: ['arn:aws:execute-api:us-east-1:123456789012:abc'], value: ['arn:aws:execute-api:us-east-1:123456789012:abc/prod/GET/'], want: 'no-match' },
    // symbolic
    { name: 'same token with /*/* matches every method and path', pattern: sym('${aws_api_gateway_rest_api.api.execution_arn}/*/*'), value: restInvocation(), want: 'match' },
    { name: 'execution_arn without /*/* is a definite no-match', pattern: sym('${aws_api_gateway_rest_api.api.execution_arn}'), value: restInvocation(), want: 'no-match' },
    { name: 'another API of the folder', pattern: sym('${aws_api_gateway_rest_api.admin.execution_arn}/*/*'), value: restInvocation(), want: 'no-match' },
    { name: 'same API, other method', pattern: sym('${aws_api_gateway_rest_api.api.execution_arn}/*/GET/orders'), value: restInvocation(), want: 'no-match' },
    { name: 'same API, same method and path', pattern: sym('${aws_api_gateway_rest_api.api.execution_arn}/*/POST/orders'), value: restInvocation(), want: 'match' },
    { name: 'method unknown (ANY): a named method is unknown', pattern: sym('${aws_api_gateway_rest_api.api.execution_arn}/*/GET/*'), value: restInvocation('api', method, path), want: 'unknown' },
    { name: 'stage unknown: a named stage is unknown', pattern: sym('${aws_api_gateway_rest_api.api.execution_arn}/prod/*/*'), value: restInvocation(), want: 'unknown' },
    { name: 'control-plane arn of the API (apigateway service)', pattern: sym('${aws_api_gateway_rest_api.api.arn}/*/*'), value: restInvocation(), want: 'no-match' },
    { name: 'token vs literal is unknown', pattern: ['arn:aws:execute-api:us-east-1:123456789012:abc123/*/*'], value: restInvocation(), want: 'unknown' },
    { name: 'literal of another service vs token: no-match', pattern: ['arn:aws:s3:::uploads'], value: restInvocation(), want: 'no-match' },
    { name: 'data sources for partition, region, account + API id', pattern: sym('arn:${data.aws_partition.current.partition}:execute-api:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:${aws_api_gateway_rest_api.api.id}/*/*'), value: restInvocation(), want: 'match' },
    { name: 'variable without default is unknown', pattern: sym('${var.source_arn}'), value: restInvocation(), want: 'unknown' },
    { name: 'same variable on both sides matches', pattern: sym('${var.topic_arn}'), value: sym('${var.topic_arn}'), want: 'match' },
    { name: 'module output is unknown', pattern: sym('${module.api.execution_arn}/*/*'), value: restInvocation(), want: 'unknown' },
    { name: 'S3: same bucket', pattern: sym('${aws_s3_bucket.uploads.arn}'), value: sym('${aws_s3_bucket.uploads.arn}'), want: 'match' },
    { name: 'S3: other bucket of the folder', pattern: sym('${aws_s3_bucket.logs.arn}'), value: sym('${aws_s3_bucket.uploads.arn}'), want: 'no-match' },
    { name: 'S3: arn:aws:s3::: + bucket id is unknown (partition)', pattern: sym('arn:aws:s3:::${aws_s3_bucket.uploads.id}'), value: sym('${aws_s3_bucket.uploads.arn}'), want: 'unknown' },
    { name: 'S3 ARN against an SNS topic ARN', pattern: sym('${aws_s3_bucket.uploads.arn}'), value: sym('${aws_sns_topic.orders.arn}'), want: 'no-match' },
    { name: 'SNS: other topic', pattern: sym('${aws_sns_topic.billing.arn}'), value: sym('${aws_sns_topic.orders.arn}'), want: 'no-match' },
    { name: 'EventBridge: other rule', pattern: sym('${aws_cloudwatch_event_rule.hourly.arn}'), value: sym('${aws_cloudwatch_event_rule.nightly.arn}'), want: 'no-match' },
    { name: 'Logs: group ARN with :*', pattern: sym('${aws_cloudwatch_log_group.app.arn}:*'), value: sym('${aws_cloudwatch_log_group.app.arn}:*'), want: 'match' },
    { name: 'Logs: group ARN without :* never matches', pattern: sym('${aws_cloudwatch_log_group.app.arn}'), value: sym('${aws_cloudwatch_log_group.app.arn}:*'), want: 'no-match' },
    { name: 'authorizer source ARN', pattern: sym('${aws_api_gateway_rest_api.api.execution_arn}/authorizers/${aws_api_gateway_authorizer.auth.id}'), value: sym('${aws_api_gateway_rest_api.api.execution_arn}/authorizers/${aws_api_gateway_authorizer.auth.id}'), want: 'match' },
    { name: '/*/* covers authorizers', pattern: sym('${aws_api_gateway_rest_api.api.execution_arn}/*/*'), value: sym('${aws_api_gateway_rest_api.api.execution_arn}/authorizers/${aws_api_gateway_authorizer.auth.id}'), want: 'match' },
    { name: 'other authorizer', pattern: sym('${aws_api_gateway_rest_api.api.execution_arn}/authorizers/${aws_api_gateway_authorizer.a.id}'), value: sym('${aws_api_gateway_rest_api.api.execution_arn}/authorizers/${aws_api_gateway_authorizer.b.id}'), want: 'no-match' },
    { name: 'unqualified function ARN does not cover an alias ARN', pattern: sym('${aws_lambda_function.f.arn}'), value: sym('${aws_lambda_alias.live.arn}'), want: 'no-match' },
    { name: 'function ARN of one function vs an alias of an unknown function', pattern: sym('${aws_lambda_function.f.arn}:*'), value: sym('${aws_lambda_alias.live.arn}'), want: 'unknown' },
    { name: 'function ARN :* covers a qualified ARN', pattern: sym('${aws_lambda_function.f.arn}:*'), value: sym('${aws_lambda_function.f.qualified_arn}'), want: 'match' },
    { name: 'unqualified ARN does not cover its qualified ARN', pattern: sym('${aws_lambda_function.f.arn}'), value: sym('${aws_lambda_function.f.qualified_arn}'), want: 'no-match' },
    { name: 'other function', pattern: sym('${aws_lambda_function.g.arn}'), value: sym('${aws_lambda_function.f.arn}'), want: 'no-match' },
    { name: 'Resource "*"', pattern: ['*'], value: sym('${aws_lambda_function.f.arn}'), want: 'match' },
    { name: 'arn:aws:lambda:*:*:function:* vs token function', pattern: ['arn:aws:lambda:*:*:function:*'], value: sym('${aws_lambda_function.f.arn}'), want: 'unknown' },
    { name: 'arn:*:lambda:*:*:function:* vs token function', pattern: ['arn:*:lambda:*:*:function:*'], value: sym('${aws_lambda_function.f.arn}'), want: 'match' },
    { name: 'distinct for_each instances (literal keys)', pattern: sym('${aws_sns_topic.t.arn}', { 'aws_sns_topic.t': '"a"' }), value: sym('${aws_sns_topic.t.arn}', { 'aws_sns_topic.t': '"b"' }), want: 'no-match' },
    { name: 'each.key read in two contexts is unknown', pattern: sym('${aws_sns_topic.t.arn}', { 'aws_sns_topic.t': 'each.key' }), value: sym('${aws_sns_topic.t.arn}', { 'aws_sns_topic.t': 'each.key' }), want: 'unknown' },
    { name: 'region atom vs literal region', pattern: ['arn:aws:sns:us-east-1:123456789012:orders'], value: ['arn:', PARTITION, ':sns:', REGION, ':', ACCOUNT, ':orders'], want: 'unknown' },
    { name: 'different literal names with unknown region', pattern: ['arn:aws:sns:us-east-1:123456789012:billing'], value: ['arn:', PARTITION, ':sns:', REGION, ':', ACCOUNT, ':orders'], want: 'no-match' },
  ];
  for (const c of table) it(`${c.want}: ${c.name}`, () => assert.strictEqual(arnLikeItems(c.pattern, c.value), c.want));

  it('expands references by resource type and attribute', () => {
    const svc = (s: string): string | undefined => arnService(sym(s));
    assert.strictEqual(svc('${aws_api_gateway_rest_api.api.execution_arn}'), 'execute-api');
    assert.strictEqual(svc('${aws_api_gateway_rest_api.api.arn}'), 'apigateway');
    assert.strictEqual(svc('${aws_apigatewayv2_api.api.execution_arn}'), 'execute-api');
    assert.strictEqual(svc('${aws_s3_bucket.b.arn}'), 's3');
    assert.strictEqual(svc('${aws_sns_topic.t.arn}'), 'sns');
    assert.strictEqual(svc('${aws_cloudwatch_event_rule.r.arn}'), 'events');
    assert.strictEqual(svc('${aws_cloudwatch_log_group.g.arn}'), 'logs');
    assert.strictEqual(svc('${aws_lb_target_group.tg.arn}'), 'elasticloadbalancing');
    assert.strictEqual(svc('${aws_cognito_user_pool.p.arn}'), 'cognito-idp');
    assert.strictEqual(svc('${aws_iot_topic_rule.r.arn}'), 'iot');
    assert.strictEqual(svc('${aws_lambda_function.f.invoke_arn}'), 'apigateway');
    assert.strictEqual(svc('${var.x}'), undefined);
  });

  it('IAM action globs are case-insensitive', () => {
    assert.ok(actionLike('lambda:Invoke*', 'lambda:InvokeFunction'));
    assert.ok(actionLike('LAMBDA:invokefunction', 'lambda:InvokeFunction'));
    assert.ok(actionLike('*', 'lambda:InvokeFunction'));
    assert.ok(!actionLike('lambda:InvokeFunctionUrl', 'lambda:InvokeFunction'));
    assert.ok(!actionLike('lambda:Get*', 'lambda:InvokeFunction'));
  });
});
