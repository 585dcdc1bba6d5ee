/**
 * Issue 13, false alarms and misses of the outage rules on real code: several invokers of one
 * service, unfinished permissions, partly known principals, aws_alb_* aliases.
 */
import { analyze, assert, only, ready } from '../helpers';
import { table } from '../rules/table';
import { FN, perm, LOGS } from '../rules/outage-fixtures';

const MIP = 'missing-invoke-permission';
const SAM = 'source-arn-mismatch';

const TWO_TOPICS = `resource "aws_sns_topic" "a" {
  name = "a"
}

resource "aws_sns_topic" "b" {
  name = "b"
}

resource "aws_sns_topic_subscription" "a" {
  topic_arn = aws_sns_topic.a.arn
  protocol  = "lambda"
  endpoint  = aws_lambda_function.orders.arn
}

resource "aws_sns_topic_subscription" "b" {
  topic_arn = aws_sns_topic.b.arn
  protocol  = "lambda"
  endpoint  = aws_lambda_function.orders.arn
}
`;
const TWO_GROUPS = `resource "aws_cloudwatch_log_group" "a" {
  name = "/a"
}

resource "aws_cloudwatch_log_group" "b" {
  name = "/b"
}

resource "aws_cloudwatch_log_subscription_filter" "a" {
  name            = "a"
  log_group_name  = aws_cloudwatch_log_group.a.name
  filter_pattern  = ""
  destination_arn = aws_lambda_function.orders.arn
}

resource "aws_cloudwatch_log_subscription_filter" "b" {
  name            = "b"
  log_group_name  = aws_cloudwatch_log_group.b.name
  filter_pattern  = ""
  destination_arn = aws_lambda_function.orders.arn
}
`;
const TWO_BUCKETS = `resource "aws_s3_bucket" "a" {
  bucket = "a"
}

resource "aws_s3_bucket" "b" {
  bucket = "b"
}

resource "aws_s3_bucket_notification" "a" {
  bucket = aws_s3_bucket.a.id

  lambda_function {
    lambda_function_arn = aws_lambda_function.orders.arn
    events              = ["s3:ObjectCreated:*"]
  }
}

resource "aws_s3_bucket_notification" "b" {
  bucket = aws_s3_bucket.b.id

  lambda_function {
    lambda_function_arn = aws_lambda_function.orders.arn
    events              = ["s3:ObjectCreated:*"]
  }
}
`;
const TWO_RULES = `resource "aws_cloudwatch_event_rule" "a" {
  name                = "a"
  schedule_expression = "rate(1 hour)"
}

resource "aws_cloudwatch_event_rule" "b" {
  name                = "b"
  schedule_expression = "rate(2 hours)"
}

resource "aws_cloudwatch_event_target" "a" {
  rule = aws_cloudwatch_event_rule.a.name
  arn  = aws_lambda_function.orders.arn
}

resource "aws_cloudwatch_event_target" "b" {
  rule = aws_cloudwatch_event_rule.b.name
  arn  = aws_lambda_function.orders.arn
}
`;

/** Line of the trigger attribute of the `b` trigger in FN + triggers (0-based), for the ranges below. */
const lineOf = (text: string, needle: string, nth = 0): number => {
  let at = -1;
  for (let i = 0; i <= nth; i++) at = text.indexOf(needle, at + 1);
  return text.slice(0, at).split('\n').length - 1;
};

const several = [
  { name: 'two SNS topics', trig: TWO_TOPICS, principal: 'sns.amazonaws.com', a: 'aws_sns_topic.a.arn', c: 'aws_sns_topic.c.arn', attr: '  endpoint  = ', extra: 'resource "aws_sns_topic" "c" {\n  name = "c"\n}\n' },
  { name: 'two log groups', trig: TWO_GROUPS, principal: 'logs.amazonaws.com', a: '"${aws_cloudwatch_log_group.a.arn}:*"', c: '"${aws_cloudwatch_log_group.c.arn}:*"', attr: '  destination_arn = ', extra: 'resource "aws_cloudwatch_log_group" "c" {\n  name = "/c"\n}\n' },
  { name: 'two buckets', trig: TWO_BUCKETS, principal: 's3.amazonaws.com', a: 'aws_s3_bucket.a.arn', c: 'aws_s3_bucket.c.arn', attr: '    lambda_function_arn = ', extra: 'resource "aws_s3_bucket" "c" {\n  bucket = "c"\n}\n' },
  { name: 'two EventBridge rules', trig: TWO_RULES, principal: 'events.amazonaws.com', a: 'aws_cloudwatch_event_rule.a.arn', c: 'aws_cloudwatch_event_rule.c.arn', attr: '  arn  = ', extra: 'resource "aws_cloudwatch_event_rule" "c" {\n  name                = "c"\n  schedule_expression = "rate(3 hours)"\n}\n' },
];

describe('issue 13: several invokers of one service, one permission each', () => {
  before(ready);
  for (const c of several) {
    const text = FN + c.trig + perm('a', c.principal, c.a);
    const line = lineOf(text, c.attr, 1);
    const col = c.attr.length;
    const cover = 'aws_lambda_function.orders.arn';
    describe(`${c.name}: ${MIP}`, () => table(MIP, [
      { name: 'the permission covers topic a only: b is uncovered', files: { 'main.tf': text }, file: 'main.tf', range: [line, col, line, col + cover.length], text: cover },
      // a permission for a third invoker that serves nothing: b is still reported as a mismatch of that one, a is covered
    ], [
      { name: 'both covered', files: { 'main.tf': text + perm('b', c.principal, c.a.replace(/\.a\./, '.b.')) } },
    ]));
    describe(`${c.name}: ${SAM}`, () => table(SAM, [
      { name: 'a permission for an unwired invoker c, next to the right one for a: c is the mismatch', files: { 'main.tf': text + c.extra + perm('c', c.principal, c.c) }, file: 'main.tf',
        range: [lineOf(text + c.extra + perm('c', c.principal, c.c), 'source_arn', 1), 18, lineOf(text + c.extra + perm('c', c.principal, c.c), 'source_arn', 1), 18 + c.c.length], text: c.c },
    ], [
      { name: 'the permission that serves a is never a mismatch', files: { 'main.tf': text } },
    ]));
  }

  it('the missing-invoke-permission fix for b keeps a working and leaves nothing', () => {
    const files = { 'main.tf': FN + TWO_TOPICS + perm('a', 'sns.amazonaws.com', 'aws_sns_topic.a.arn') };
    const f = only(analyze(files), MIP)[0];
    const fix = f.fixes.find((x) => x.preferred)!;
    assert.ok(fix.edits[0].newText.includes('source_arn    = aws_sns_topic.b.arn'), fix.edits[0].newText);
    assert.strictEqual(f.message, 'No permission lets SNS topic aws_sns_topic.b invoke orders: messages published to aws_sns_topic.b will not be delivered to the function. No aws_lambda_permission on aws_lambda_function.orders grants sns.amazonaws.com.');
  });
});

describe('issue 13: an unfinished permission covers nothing', () => {
  before(ready);
  const base = FN + LOGS;
  const line = lineOf(base, 'destination_arn');
  const range: [number, number, number, number] = [line, 20, line, 50];
  const cover = 'aws_lambda_function.orders.arn';
  table(MIP, [
    { name: 'an empty permission block', files: { 'main.tf': base + 'resource "aws_lambda_permission" "todo" {}\n' }, file: 'main.tf', range, text: cover },
    { name: 'a permission with only statement_id', files: { 'main.tf': base + 'resource "aws_lambda_permission" "todo" {\n  statement_id = "AllowLogs"\n}\n' }, file: 'main.tf', range, text: cover },
    { name: 'no function_name', files: { 'main.tf': base + 'resource "aws_lambda_permission" "todo" {\n  action    = "lambda:InvokeFunction"\n  principal = "logs.amazonaws.com"\n}\n' }, file: 'main.tf', range, text: cover },
    { name: 'no principal', files: { 'main.tf': base + 'resource "aws_lambda_permission" "todo" {\n  action        = "lambda:InvokeFunction"\n  function_name = aws_lambda_function.orders.function_name\n}\n' }, file: 'main.tf', range, text: cover },
    { name: 'function_name refers to a resource that does not exist', files: { 'main.tf': base + perm('todo', 'logs.amazonaws.com', undefined, 'aws_lambda_function.order.function_name') }, file: 'main.tf', range, text: cover },
    { name: 'a logs principal with an unknown region does not cover an S3 trigger', files: { 'main.tf': FN + `resource "aws_s3_bucket" "uploads" {
  bucket = "uploads"
}

resource "aws_s3_bucket_notification" "uploads" {
  bucket = aws_s3_bucket.uploads.id

  lambda_function {
    lambda_function_arn = aws_lambda_function.orders.arn
    events              = ["s3:ObjectCreated:*"]
  }
}
` + perm('logs', 'logs.${data.aws_region.current.name}.amazonaws.com') }, file: 'main.tf', range: [15, 26, 15, 56], text: cover },
  ], [
    { name: 'a complete permission (function_name and principal)', files: { 'main.tf': base + perm('ok', 'logs.amazonaws.com', '"${aws_cloudwatch_log_group.app.arn}:*"') } },
    { name: 'a principal of unknown service stays unknown', files: { 'main.tf': base + perm('x', '${var.principal}') } },
    { name: 'a regional logs principal with an unknown region may be the one', files: { 'main.tf': base + perm('logs', 'logs.${data.aws_region.current.name}.amazonaws.com', '"${aws_cloudwatch_log_group.app.arn}:*"') } },
    { name: 'a function_name from a data source stays unknown', files: { 'main.tf': base + perm('x', 'logs.amazonaws.com', undefined, 'data.aws_lambda_function.orders.function_name') } },
  ]);
});

describe('issue 13: aws_alb_* are aws_lb_*', () => {
  before(ready);
  const ALB = `resource "aws_alb_target_group" "orders" {
  name        = "orders"
  target_type = "lambda"
}

resource "aws_alb_target_group_attachment" "orders" {
  target_group_arn = aws_alb_target_group.orders.arn
  target_id        = aws_lambda_function.orders.arn
}
`;
  table(MIP, [
    { name: 'aws_alb_target_group_attachment without a permission', files: { 'main.tf': FN + ALB }, file: 'main.tf', range: [14, 21, 14, 51], text: 'aws_lambda_function.orders.arn' },
  ], [
    { name: 'aws_alb_target_group_attachment with its permission', files: { 'main.tf': FN + ALB + perm('alb', 'elasticloadbalancing.amazonaws.com', 'aws_alb_target_group.orders.arn') } },
  ]);
});

describe('issue 13: a regional principal with an unknown region is its service (missing-source-arn)', () => {
  before(ready);
  const P = (extra = ''): string => FN + LOGS + perm('logs', 'logs.${data.aws_region.current.name}.amazonaws.com', undefined, undefined, extra);
  table('missing-source-arn', [
    { name: 'logs.${region}.amazonaws.com without source_arn', files: { 'main.tf': P() }, file: 'main.tf', range: [21, 18, 21, 70], text: '"logs.${data.aws_region.current.name}.amazonaws.com"' },
  ], [
    { name: 'with source_arn', files: { 'main.tf': P('\n  source_arn    = "${aws_cloudwatch_log_group.app.arn}:*"') } },
    { name: 'a principal wholly unknown', files: { 'main.tf': FN + LOGS + perm('x', '${var.principal}') } },
    { name: 'an unknown service part', files: { 'main.tf': FN + LOGS + perm('x', '${var.svc}.amazonaws.com') } },
  ]);
  it('the message names the principal as written, the fix is the logs ARN snippet', () => {
    const f = only(analyze({ 'main.tf': P() }), 'missing-source-arn')[0];
    assert.strictEqual(f.message, 'No source_arn: any CloudWatch Logs log group in any account can invoke orders (aws_lambda_permission.logs on aws_lambda_function.orders). It lets logs.${data.aws_region.current.name}.amazonaws.com invoke the function without naming the invoker (confused deputy).');
    assert.deepStrictEqual(f.fixes.map((x) => [x.title, x.preferred]), [['Add source_arn (logs ARN format)', false], ['Ignore missing-source-arn for this block', false]]);
  });
});
