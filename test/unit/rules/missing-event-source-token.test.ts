import { analyze, assert, only, ready } from '../helpers';
import { fixed, fixOf, table, type Invalid, type Valid } from './table';

const RULE = 'missing-event-source-token';

const ALEXA = `resource "aws_lambda_permission" "alexa" {\n  statement_id  = "AllowExecutionFromAlexa"\n  action        = "lambda:InvokeFunction"\n  function_name = aws_lambda_function.f.function_name\n  principal     = "alexa-appkit.amazon.com"\n}\n`;
const JSON_POLICY = `{"Statement": [{"Effect": "Allow", "Principal": {"Service": "alexa-connectedhome.amazon.com"}, "Action": "lambda:InvokeFunction", "Resource": "arn:aws:lambda:us-east-1:1:function:f"}]}`;
const TFJSON = `{\n  "resource": {\n    "aws_lambda_permission": {\n      "alexa": {\n        "action": "lambda:InvokeFunction",\n        "principal": "alexa-appkit.amazon.com"\n      }\n    }\n  }\n}\n`;

describe(RULE, () => {
  before(ready);

  const invalid: Invalid[] = [
    { name: 'alexa-appkit without event_source_token', files: { 'main.tf': ALEXA }, file: 'main.tf', range: [4, 18, 4, 43], text: '"alexa-appkit.amazon.com"' },
    { name: 'alexa-connectedhome in a JSON policy', files: { 'p.json': JSON_POLICY }, file: 'p.json', range: [0, 60, 0, 92], text: '"alexa-connectedhome.amazon.com"' },
    { name: '.tf.json', files: { 'main.tf.json': TFJSON }, file: 'main.tf.json', range: [5, 21, 5, 46], text: '"alexa-appkit.amazon.com"' },
    { name: 'principal from a variable default', files: { 'main.tf': 'variable "p" {\n  default = "alexa-appkit.amazon.com"\n}\n' + ALEXA.replace('"alexa-appkit.amazon.com"', 'var.p') }, file: 'main.tf', range: [7, 18, 7, 23], text: 'var.p' },
  ];
  const valid: Valid[] = [
    { name: 'with event_source_token', files: { 'main.tf': ALEXA.replace('}\n', '  event_source_token = "amzn1.ask.skill.1234"\n}\n') } },
    { name: 'token from an unknown variable', files: { 'main.tf': 'variable "t" {}\n' + ALEXA.replace('}\n', '  event_source_token = var.t\n}\n') } },
    { name: 'JSON with a lambda:EventSourceToken condition', files: { 'p.json': JSON_POLICY.replace('}]}', ', "Condition": {"StringEquals": {"lambda:EventSourceToken": "amzn1.ask.skill.1"}}}]}') } },
    { name: 'not an Alexa principal', files: { 'main.tf': ALEXA.replace('alexa-appkit.amazon.com', '123456789012') } },
    { name: 'lpg-ignore', files: { 'main.tf': '# lpg-ignore: missing-event-source-token -- test skill\n' + ALEXA } },
    { name: 'lpg-ignore-file', files: { 'main.tf': '# lpg-ignore-file: missing-event-source-token\n' + ALEXA } },
    { name: 'rule off', files: { 'main.tf': ALEXA }, opts: { rules: { [RULE]: 'off' } } },
  ];
  table(RULE, invalid, valid);

  it('severity is warning', () => {
    assert.strictEqual(only(analyze({ 'main.tf': ALEXA }), RULE)[0].severity, 'warning');
  });
  it('fix: aligned event_source_token suggestion with a snippet', () => {
    const fix = fixOf(RULE, { 'main.tf': ALEXA }, 'Add event_source_token');
    assert.strictEqual(fix.preferred, false);
    assert.strictEqual(fixed(RULE, { 'main.tf': ALEXA }, 'Add event_source_token')['main.tf'], `resource "aws_lambda_permission" "alexa" {\n  statement_id       = "AllowExecutionFromAlexa"\n  action             = "lambda:InvokeFunction"\n  function_name      = aws_lambda_function.f.function_name\n  principal          = "alexa-appkit.amazon.com"\n  event_source_token = "amzn1.ask.skill.skill-id"\n}\n`);
    assert.strictEqual(fix.snippet?.text, `       = "AllowExecutionFromAlexa"\n  action             = "lambda:InvokeFunction"\n  function_name      = aws_lambda_function.f.function_name\n  principal          = "alexa-appkit.amazon.com"\n  event_source_token = "\${1:amzn1.ask.skill.skill-id}"`);
  });
  it('fix: tab-indented file', () => {
    const tabs = 'resource "aws_lambda_permission" "alexa" {\n\tprincipal = "alexa-appkit.amazon.com"\n\taction = "lambda:InvokeFunction"\n}\n';
    assert.strictEqual(fixed(RULE, { 'main.tf': tabs }, 'Add event_source_token')['main.tf'], 'resource "aws_lambda_permission" "alexa" {\n\tprincipal = "alexa-appkit.amazon.com"\n\tevent_source_token = "amzn1.ask.skill.skill-id"\n\taction = "lambda:InvokeFunction"\n}\n');
  });
  it('fix: CRLF file', () => {
    const crlf = ALEXA.replace(/\n/g, '\r\n');
    assert.strictEqual(fixed(RULE, { 'main.tf': crlf }, 'Add event_source_token')['main.tf'], `resource "aws_lambda_permission" "alexa" {\n  statement_id       = "AllowExecutionFromAlexa"\n  action             = "lambda:InvokeFunction"\n  function_name      = aws_lambda_function.f.function_name\n  principal          = "alexa-appkit.amazon.com"\n  event_source_token = "amzn1.ask.skill.skill-id"\n}\n`.replace(/\n/g, '\r\n'));
  });
  it('fix: .tf.json', () => {
    assert.strictEqual(fixed(RULE, { 'main.tf.json': TFJSON }, 'Add event_source_token')['main.tf.json'], TFJSON.replace('"principal": "alexa-appkit.amazon.com"', '"principal": "alexa-appkit.amazon.com",\n        "event_source_token": "amzn1.ask.skill.skill-id"'));
  });
  it('fix: JSON policy gets a Condition (inline layout kept)', () => {
    assert.strictEqual(fixed(RULE, { 'p.json': JSON_POLICY }, 'Add a lambda:EventSourceToken condition')['p.json'], JSON_POLICY.replace('}]}', ', "Condition": {"StringEquals": {"lambda:EventSourceToken": "amzn1.ask.skill.skill-id"}}}]}'));
  });
});
