/** Open documents: incremental content changes applied as tree.edit() + incremental re-parse give the same syntax model as a full parse. */
import { assert, ready } from '../helpers';
import { OpenDocument } from '../../../server/src/lsp/documents';
import { makeSourceFile } from '../../../server/src/core/source';
import { LineIndex } from '../../../server/src/core/text';
import { analyzeModule } from '../../../server/src/core/analyze';

const BASE = `# lambda ✓ 𝒳\r\nresource "aws_lambda_permission" "api" {\r\n  action        = "lambda:InvokeFunction"\r\n  function_name = aws_lambda_function.f.function_name\r\n  principal     = "apigateway.amazonaws.com"\r\n}\r\n\r\nlocals {\r\n  name = "orders-𝒳"\r\n  arn  = "\${aws_api_gateway_rest_api.api.execution_arn}/*/*"\r\n}\r\n`;
const SNIPPETS = ['x', '\n', '\r\n', '"', '{', '}', '𝒳', 'resource "aws_lambda_permission" "n" {\n  principal = "sns.amazonaws.com"\n}\n', ' = ', '${local.name}', '#', ''];

/** A small deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  return () => {
    seed |= 0; seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const shape = (f: ReturnType<typeof makeSourceFile>) => JSON.stringify({ blocks: f.syntax!.blocks, attrs: f.syntax!.attrs, comments: f.syntax!.comments, errors: f.syntax!.errors.length > 0 });

describe('language server documents: incremental sync and re-parse', () => {
  before(ready);

  it('300 random edits (inserts, deletes, replacements across lines, CRLF, astral characters) match a full parse (checked at random steps and the last)', () => {
    const rand = rng(20261124);
    const doc = new OpenDocument('file:///w/main.tf', '/w/main.tf', 'terraform', 1, BASE);
    let text = BASE;
    doc.sourceFile('main.tf');
    for (let step = 0; step < 300; step++) {
      const changes = [];
      const n = 1 + Math.floor(rand() * 3);
      for (let k = 0; k < n; k++) {
        let a = Math.floor(rand() * (text.length + 1));
        let b = Math.min(text.length, a + Math.floor(rand() * 12) * (rand() < 0.5 ? 0 : 1));
        // never split a surrogate pair or a CRLF (clients send whole characters)
        const fix = (o: number) => (o > 0 && o < text.length && ((text.charCodeAt(o) & 0xfc00) === 0xdc00 || (text[o - 1] === '\r' && text[o] === '\n')) ? o - 1 : o);
        a = fix(a); b = Math.max(a, fix(b));
        const ins = SNIPPETS[Math.floor(rand() * SNIPPETS.length)];
        const li = new LineIndex(text);
        changes.push({ range: { start: li.positionAt(a), end: li.positionAt(b) }, text: ins });
        text = text.slice(0, a) + ins + text.slice(b);
      }
      doc.update(changes, step + 2);
      assert.strictEqual(doc.text, text);
      if (rand() < 0.4 || step === 299) {
        const full = makeSourceFile('main.tf', text);
        const mine = doc.sourceFile('main.tf');
        if (!full.syntax!.errors.length) assert.strictEqual(shape(mine), shape(full), `step ${step}`);
        else {
          // with a syntax error the document may keep intact blocks of its last good parse, on top of the full parse's
          const keys = new Set(mine.syntax!.blocks.map((b) => JSON.stringify(b)));
          for (const b of full.syntax!.blocks) if (!b.hasError) assert.ok(keys.has(JSON.stringify(b)), `step ${step}: block at ${b.span.start} missing`);
          for (const b of mine.syntax!.blocks) assert.strictEqual(text.slice(b.span.start, b.span.start + b.type.length), b.type, `step ${step}: block at ${b.span.start} is not where its text is`);
        }
      }
    }
    assert.ok(doc.stats.incremental > 50, JSON.stringify(doc.stats));
    assert.ok(doc.blocks.hits > 20 && doc.blocks.misses > 5, `block cache hits ${doc.blocks.hits}, misses ${doc.blocks.misses}`);
  });

  it('a full-text change drops the tree and parses afresh', () => {
    const doc = new OpenDocument('file:///w/main.tf', '/w/main.tf', 'terraform', 1, BASE);
    doc.sourceFile('main.tf');
    doc.update([{ text: 'locals {\n  a = 1\n}\n' }], 2);
    assert.deepStrictEqual(doc.sourceFile('main.tf').syntax!.blocks.map((b) => b.type), ['locals']);
  });

  describe('a broken file keeps the findings of its intact blocks (last good parse)', () => {
    const PERM = `resource "aws_lambda_permission" "api" {\n  action        = "lambda:InvokeFunction"\n  function_name = "f"\n  principal     = "apigateway.amazonaws.com"\n}\n`;
    const cases: [string, string][] = [
      ['an unclosed quote above', 'resource "aws_lambda_permission" "x" {\n  principal = "sns\n\n'],
      ['an attribute without value above', 'resource "aws_lambda_permission" "x" {\n  principal = \n\n'],
      ['an unclosed interpolation above', 'resource "aws_lambda_permission" "x" {\n  principal = "${aws_\n\n'],
      ['an unclosed list above', 'locals {\n  a = [\n\n'],
      ['an unclosed object above', 'locals {\n  a = {\n    b = 1\n\n'],
    ];
    for (const [name, prefix] of cases) it(name, () => {
      const doc = new OpenDocument('file:///w/main.tf', '/w/main.tf', 'terraform', 1, '# lpg-ignore: missing-source-account -- x\n' + PERM);
      const before = analyzeModule([doc.sourceFile('main.tf')]);
      assert.deepStrictEqual(before.map((f) => `${f.ruleId}@${f.range.start.line}:${f.range.start.character}`), ['missing-source-arn@4:18']);
      doc.update([{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: prefix }], 2);
      const lines = prefix.split('\n').length - 1;
      const after = analyzeModule([doc.sourceFile('main.tf')]);
      const arn = after.filter((f) => f.ruleId === 'missing-source-arn' && f.message.includes('(aws_lambda_permission.api)'));
      assert.deepStrictEqual(arn.map((f) => [f.range.start.line, f.range.start.character, f.range.end.line, f.range.end.character]), [[4 + lines, 18, 4 + lines, 44]]);
      assert.ok(after.some((f) => f.ruleId === 'parse-error'), JSON.stringify(after.map((f) => f.ruleId)));
      // typing on until the file parses again: the model is the parser's own again
      doc.update([{ range: { start: { line: 0, character: 0 }, end: { line: lines, character: 0 } }, text: '' }], 3);
      assert.deepStrictEqual(analyzeModule([doc.sourceFile('main.tf')]).map((f) => `${f.ruleId}@${f.range.start.line}`), ['missing-source-arn@4']);
    });
  });
});
