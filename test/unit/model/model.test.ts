import { assert, ready } from '../helpers';
import { makeSourceFile } from '../../../server/src/core/source';
import { ModuleIndex } from '../../../server/src/core/model/module';
import { buildFacts } from '../../../server/src/core/model/facts';
import { symText, knownString } from '../../../server/src/core/model/value';
import { LineIndex } from '../../../server/src/core/text';
import { attr } from '../../../server/src/core/model/ast';

const slice = (t: string, s: { start: number; end: number }): string => t.slice(s.start, s.end);

describe('syntax model and evaluator', () => {
  before(ready);

  it('LineIndex maps UTF-16 offsets on LF, CRLF and astral characters', () => {
    const li = new LineIndex('a😀b\r\ncd\ne');
    assert.deepStrictEqual(li.positionAt(3), { line: 0, character: 3 });
    assert.deepStrictEqual(li.positionAt(6), { line: 1, character: 0 });
    assert.deepStrictEqual(li.positionAt(9), { line: 2, character: 0 });
    assert.strictEqual(li.offsetAt({ line: 1, character: 1 }), 7);
    assert.strictEqual(li.lineText(0), 'a😀b');
  });

  it('reads blocks, labels, attributes with exact spans', () => {
    const t = 'resource "aws_lambda_permission" "p" {\n  principal = "*" # c\n  nested {\n    x = 1\n  }\n}\n';
    const f = makeSourceFile('main.tf', t);
    const b = f.syntax!.blocks[0];
    assert.deepStrictEqual(b.labels.map((l) => l.value), ['aws_lambda_permission', 'p']);
    const p = attr(b, 'principal')!;
    assert.strictEqual(slice(t, p.value.span), '"*"');
    assert.strictEqual(slice(t, p.span), 'principal = "*"');
    assert.strictEqual(b.blocks[0].type, 'nested');
    assert.strictEqual(f.syntax!.comments[0].text, '# c');
    assert.strictEqual(t[b.bodyEnd], '}');
  });

  it('resolves locals, variable defaults, tfvars (which win), templates, format() and join()', () => {
    const f = makeSourceFile('main.tf', [
      'variable "stage" { default = "dev" }',
      'variable "region" { default = "us-east-1" }',
      'locals {',
      '  api  = "${aws_api_gateway_rest_api.api.execution_arn}/${var.stage}/*"',
      '  arn  = format("arn:aws:sns:%s:%s:%s", var.region, "123456789012", "orders")',
      '  path = join("/", ["a", var.stage])',
      '}',
      'resource "x_y" "z" {',
      '  a = local.api',
      '  b = local.arn',
      '  c = local.path',
      '  d = var.nope',
      '}',
    ].join('\n'));
    const v = makeSourceFile('terraform.tfvars', 'stage = "prod"\n');
    const mi = new ModuleIndex([f, v]);
    const b = mi.resources.get('x_y.z')!.block;
    assert.strictEqual(symText(mi.evaluate(attr(b, 'a')!.value)), '${aws_api_gateway_rest_api.api.execution_arn}/prod/*');
    assert.strictEqual(knownString(mi.evaluate(attr(b, 'b')!.value)), 'arn:aws:sns:us-east-1:123456789012:orders');
    assert.strictEqual(knownString(mi.evaluate(attr(b, 'c')!.value)), 'a/prod');
    assert.strictEqual(mi.evaluate(attr(b, 'd')!.value).k, 'unknown');
  });

  it('keeps for_each keys in reference tokens', () => {
    const f = makeSourceFile('main.tf', 'resource "x_y" "z" {\n  a = aws_lambda_function.fn[each.key].arn\n  b = aws_lambda_function.fn["orders"].arn\n}\n');
    const mi = new ModuleIndex([f]);
    const b = mi.resources.get('x_y.z')!.block;
    const a = mi.evaluate(attr(b, 'a')!.value);
    assert.ok(a.k === 'str' && typeof a.parts[0] !== 'string');
    assert.deepStrictEqual(a.k === 'str' ? a.parts[0] : undefined, { ref: 'aws_lambda_function.fn[each.key].arn', resource: 'aws_lambda_function.fn', attr: 'arn', key: 'each.key' });
    const c = mi.evaluate(attr(b, 'b')!.value);
    assert.deepStrictEqual(c.k === 'str' ? c.parts[0] : undefined, { ref: 'aws_lambda_function.fn["orders"].arn', resource: 'aws_lambda_function.fn', attr: 'arn', key: '"orders"' });
  });

  it('extracts policy statements from heredoc, jsonencode (through locals) and policy documents with spans into the source', () => {
    const t = [
      'locals {',
      '  acts = ["lambda:*"]',
      '}',
      'resource "aws_iam_policy" "p" {',
      '  policy = <<EOF',
      '{',
      '  "Statement": [{"Effect": "Allow", "Action": "lambda:*", "Resource": "${aws_lambda_function.f.arn}:*"}]',
      '}',
      'EOF',
      '}',
      'resource "aws_iam_role_policy" "q" {',
      '  role   = aws_iam_role.r.id',
      '  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = local.acts, Resource = "*" }] })',
      '}',
      'data "aws_iam_policy_document" "d" {',
      '  statement {',
      '    actions   = ["lambda:InvokeFunction"]',
      '    resources = [aws_lambda_function.f.arn]',
      '  }',
      '}',
    ].join('\n');
    const f = makeSourceFile('main.tf', t);
    const facts = buildFacts(new ModuleIndex([f]));
    const got = facts.policies.flatMap((d) => d.statements.map((s) => [d.style, s.actions.map((a) => slice(t, a.span)).join(), s.resources.map((r) => `${symText(r.value)}@${slice(t, r.span)}`).join()]));
    assert.deepStrictEqual(got, [
      ['document', '"lambda:InvokeFunction"', '${aws_lambda_function.f.arn}@aws_lambda_function.f.arn'],
      ['heredoc', '"lambda:*"', '${aws_lambda_function.f.arn}:*@"${aws_lambda_function.f.arn}:*"'],
      ['jsonencode', '"lambda:*"', '*@"*"'],
    ]);
    assert.strictEqual(t.indexOf('"lambda:*"'), facts.policies[2].statements[0].actions[0].span.start, 'the action span is inside the locals block');
    assert.deepStrictEqual(facts.policiesOfRole('aws_iam_role.r').docs.length, 1);
  });

  it('reads .tf.json resources with template strings and policy .json files, ignoring other JSON', () => {
    const tj = JSON.stringify({ resource: { aws_lambda_permission: { p: { principal: 'sns.amazonaws.com', source_arn: '${aws_sns_topic.t.arn}' } } } }, null, 2);
    const pol = '{"Statement": {"Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"}, "Action": "lambda:InvokeFunction"}}';
    const pkg = '{"name": "x", "version": "1.0.0"}';
    const files = [makeSourceFile('a.tf.json', tj), makeSourceFile('policy.json', pol), makeSourceFile('package.json', pkg)];
    const facts = buildFacts(new ModuleIndex(files));
    const tf = facts.permissions.find((p) => p.origin === 'tf')!;
    assert.strictEqual(symText(tf.sourceArn!.value), '${aws_sns_topic.t.arn}');
    assert.strictEqual(slice(tj, tf.sourceArn!.span), '"${aws_sns_topic.t.arn}"');
    const js = facts.permissions.find((p) => p.origin === 'json')!;
    assert.strictEqual(js.file, 'policy.json');
    assert.strictEqual(slice(pol, js.principal!.span), '"s3.amazonaws.com"');
    assert.strictEqual(facts.policies.length, 1);
  });

  it('survives half-typed HCL and keeps intact blocks', () => {
    const t = 'resource "aws_lambda_permission" "a" {\n  principal = "*"\n}\nresource "aws_lambda_permission" "b" {\n  principal = \n';
    const f = makeSourceFile('main.tf', t);
    assert.ok(f.syntax!.errors.length > 0);
    const mi = new ModuleIndex([f]);
    assert.ok(mi.resources.has('aws_lambda_permission.a'));
  });
});
