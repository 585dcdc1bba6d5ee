/**
 * Issue 13: half-typed files (an open quote) and the parse errors only HashiCorp's parser sees.
 * The checks' verdicts are compared with hcl2json's own on the same texts.
 */
import { analyze, assert, only, ready } from '../helpers';
import { table } from '../rules/table';
import { makeSourceFile } from '../../../server/src/core/source';
import { multiLineString } from '../../../server/src/core/parse/hclcheck';
import { Hcl2Json } from '../../../server/src/hcl2json';
import { analyzeModuleTextsChecked } from '../../../server/src/scan/module';
import { OpenDocument } from '../../../server/src/lsp/documents';
import { LineIndex } from '../../../server/src/core/text';
import { FN } from '../rules/outage-fixtures';

const PE = 'parse-error';
const MLS = 'Invalid multi-line string; Quoted strings may not be split over multiple lines. To produce a multi-line string, either use the \\n escape to represent a newline character or use the "heredoc" multi-line template syntax.';

const API = `resource "aws_api_gateway_rest_api" "api" {
  name = "orders"
}

resource "aws_api_gateway_integration" "post" {
  rest_api_id             = aws_api_gateway_rest_api.api.id
  resource_id             = "r"
  http_method             = "POST"
  integration_http_method = "POST"
  type                    = "AWS_PROXY"
  uri                     = aws_lambda_function.orders.invoke_arn
}
`;
const PERMS = (sourceArn: string, sid = '"AllowAPI"'): string => `resource "aws_lambda_permission" "api" {
  statement_id  = ${sid}
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.orders.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = ${sourceArn}
}

resource "aws_lambda_permission" "open" {
  statement_id  = "Open"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.orders.function_name
  principal     = "*"
}
`;

const cases: { name: string; text: string; range: [number, number, number, number]; covered: string; message: string }[] = [
  { name: 'an argument after another on its line', text: 'resource "aws_lambda_permission" "p" {\n  action = "lambda:InvokeFunction" principal = "*"\n}\n', range: [1, 35, 1, 36], covered: 'p', message: 'Missing newline after argument; An argument definition must end with a newline.' },
  { name: 'an argument set twice', text: 'resource "aws_lambda_permission" "p" {\n  principal = "s3.amazonaws.com"\n  principal = "*"\n}\n', range: [2, 2, 2, 11], covered: 'principal', message: 'Attribute redefined; The argument "principal" was already set at line 2. Each argument may be set only once.' },
  { name: 'a quoted string split over two lines (at the opening quote)', text: 'resource "aws_lambda_permission" "p" {\n  principal = "s3.amazon\naws.com"\n}\n', range: [1, 14, 1, 15], covered: '"', message: MLS },
  { name: 'a block closed with something after it on its line', text: 'locals {\n  a = 1\n} locals {\n  b = 2\n}\n', range: [2, 2, 2, 3], covered: 'l', message: 'Missing newline after block definition; A block definition must end with a newline.' },
  { name: 'an argument on the line of its block\'s {, block closed later', text: 'locals {  a = 1\n  b = 2\n}\n', range: [0, 10, 0, 11], covered: 'a', message: 'Invalid single-argument block definition; An argument definition on the same line as its containing block creates a single-line block definition, which must also be closed on the same line.' },
  { name: 'a line break before an argument\'s =', text: 'locals {\n  a\n  = 1\n}\n', range: [1, 2, 1, 3], covered: 'a', message: 'Argument or block definition required; An argument name must be followed by "=" on the same line.' },
];
const validTexts: { name: string; text: string }[] = [
  { name: 'a single-line block with one argument', text: 'resource "aws_lambda_permission" "p" { principal = "*" }\n' },
  { name: 'newlines inside an interpolation of a quoted string', text: 'locals {\n  a = "${join(",",\n  ["a"])}"\n}\n' },
  { name: 'quotes inside heredocs and comments', text: 'locals {\n  # a "comment\n  /* and "another\n  */\n  a = <<EOT\n  "open\nEOT\n  b = "x" # "\n}\n' },
  { name: 'escaped quotes and $${', text: 'locals {\n  a = "say \\"hi\\" $${x}"\n}\n' },
];

describe('issue 13: parse errors only HashiCorp\'s parser sees, found cheaply', function () {
  this.timeout(60_000);
  before(ready);
  let h: Hcl2Json;
  before(() => { h = new Hcl2Json(); });
  after(() => h.dispose());

  for (const c of cases) {
    it(`invalid: ${c.name} (and HashiCorp's parser agrees)`, async () => {
      const fs = only(analyze({ 'main.tf': c.text }), PE);
      assert.strictEqual(fs.length, 1);
      assert.deepStrictEqual([fs[0].range.start.line, fs[0].range.start.character, fs[0].range.end.line, fs[0].range.end.character], c.range);
      assert.strictEqual(fs[0].message, c.message);
      const auth = await h.checkSyntax('main.tf', c.text);
      assert.ok(auth, 'hcl2json accepts it');
      assert.strictEqual(auth!.message.split(';')[0], c.message.split(';')[0]);
      assert.strictEqual(auth!.line, c.range[0]);
    });
  }
  for (const c of validTexts) {
    it(`valid: ${c.name} (HashiCorp's parser accepts it too)`, async () => {
      assert.deepStrictEqual(only(analyze({ 'main.tf': c.text }), PE), []);
      assert.strictEqual(await h.checkSyntax('main.tf', c.text), null);
    });
  }
  it('the multi-line string lexer skips comments, heredocs and interpolations', () => {
    assert.strictEqual(multiLineString(validTexts[2].text), -1);
    assert.strictEqual(multiLineString('a = "x\n"'), 4);
  });
});

describe('issue 13: half-typed files (an open quote)', () => {
  before(ready);
  const open = { 'lambda.tf': FN, 'api.tf': API, 'perms.tf': PERMS('"${aws_api_gateway_rest_api.api.execution_arn}/*/*') };
  it('parse-error at the opening quote; no source-arn-mismatch from the swallowed text; the block after the break is still checked', () => {
    const fs = analyze(open);
    assert.deepStrictEqual(fs.map((f) => [f.ruleId, f.file, f.range.start.line, f.range.start.character]), [
      ['parse-error', 'perms.tf', 5, 18],
      ['public-invoke-principal', 'perms.tf', 12, 18],
    ]);
  });
  it('the broken argument is unknown, the others of its block are read (model)', () => {
    const f = makeSourceFile('perms.tf', open['perms.tf']);
    const b = f.syntax!.blocks[0];
    assert.strictEqual(b.hasError, true);
    assert.deepStrictEqual(b.attrs.map((a) => [a.name, a.value.t]), [['statement_id', 'tmpl'], ['action', 'tmpl'], ['function_name', 'trav'], ['principal', 'tmpl'], ['source_arn', 'other']]);
    assert.deepStrictEqual(f.syntax!.blocks.map((x) => x.labels.map((l) => l.value).join('.')), ['aws_lambda_permission.api', 'aws_lambda_permission.open']);
  });
  table('missing-invoke-permission', [], [
    { name: 'an open quote in statement_id: the permission is unknown, not unfinished', files: { 'lambda.tf': FN, 'api.tf': API, 'perms.tf': PERMS('"${aws_api_gateway_rest_api.api.execution_arn}/*/*"', '"AllowAPI') } },
    { name: 'an open quote in source_arn', files: open },
  ]);
  table('source-arn-mismatch', [], [
    { name: 'an open quote in source_arn never gives a mismatch', files: open },
    { name: 'an unclosed block above the permission', files: { 'lambda.tf': FN, 'api.tf': API, 'perms.tf': 'resource "aws_lambda_permission" "x" {\n  principal = "apigateway.amazonaws.com"\n  source_arn = "${aws_api_gateway_rest_api.admin.execution_arn}/*/*"\n\n' + PERMS('"${aws_api_gateway_rest_api.api.execution_arn}/*/*"') } },
  ]);
});

describe('issue 13: an open quote in a scan: HashiCorp\'s message at the opening quote', function () {
  this.timeout(60_000);
  before(ready);
  it('the scan asks hcl2json about the flagged file only and places its message at the quote', async () => {
    const h = new Hcl2Json();
    const asked: string[] = [];
    try {
      const files = [{ path: 'lambda.tf', text: FN }, { path: 'api.tf', text: API }, { path: 'perms.tf', text: PERMS('"${aws_api_gateway_rest_api.api.execution_arn}/*/*') }];
      const fs = await analyzeModuleTextsChecked({ dir: '', files }, { checkSyntax: (p, t) => { asked.push(p); return h.checkSyntax(p, t); } });
      assert.deepStrictEqual(asked, ['perms.tf']);
      const pe = only(fs, PE);
      assert.deepStrictEqual(pe.map((f) => [f.file, f.range.start.line, f.range.start.character, f.range.end.line, f.range.end.character]), [['perms.tf', 5, 18, 5, 19]]);
      assert.strictEqual(pe[0].message, MLS);
      assert.deepStrictEqual(only(fs, 'public-invoke-principal').map((f) => f.range.start.line), [12]);
    } finally { h.dispose(); }
  });
});

describe('issue 13: an open quote in the editor (incremental tree of the closed text)', () => {
  before(ready);
  it('models exactly like a fresh read: error at the opening quote, the broken argument unknown, every block after it read', () => {
    const base = FN + API + PERMS('"${aws_api_gateway_rest_api.api.execution_arn}/*/*"');
    const doc = new OpenDocument('file:///w/perms.tf', '/w/perms.tf', 'terraform', 1, base);
    doc.sourceFile('perms.tf');
    let text = base;
    const edit = (at: number, del: number, ins: string, v: number): void => {
      const li = new LineIndex(text);
      doc.update([{ range: { start: li.positionAt(at), end: li.positionAt(at + del) }, text: ins }], v);
      text = text.slice(0, at) + ins + text.slice(at + del);
    };
    // delete the closing quote of "AllowAPI", then type on the open line, then close it again
    const at = base.indexOf('"AllowAPI"') + '"AllowAPI'.length;
    edit(at, 1, '', 2);
    for (const [i, step] of [['x', 3], ['y', 4]] as const) {
      edit(at + (i === 'x' ? 0 : 1), 0, i, step);
      const mine = doc.sourceFile('perms.tf').syntax!;
      const fresh = makeSourceFile('perms.tf', text).syntax!;
      assert.deepStrictEqual(mine.blocks, fresh.blocks);
      assert.deepStrictEqual(mine.errors, fresh.errors);
      assert.strictEqual(mine.errors[0].message, MLS);
      const api = mine.blocks.find((b) => b.labels[0]?.value === 'aws_lambda_permission' && b.labels[1]?.value === 'api')!;
      assert.deepStrictEqual(api.attrs.map((a) => [a.name, a.value.t]), [['statement_id', 'other'], ['action', 'tmpl'], ['function_name', 'trav'], ['principal', 'tmpl'], ['source_arn', 'tmpl']]);
    }
    edit(at + 2, 0, '"', 5);
    assert.deepStrictEqual(doc.sourceFile('perms.tf').syntax!.errors, []);
    assert.deepStrictEqual(doc.sourceFile('perms.tf').syntax!.blocks, makeSourceFile('perms.tf', text).syntax!.blocks);
  });
});
