/**
 * Block-local re-parse (server/src/lsp/blocklocal.ts): edits inside one top-level block re-parse that
 * block only. Random typing-like edits inside block bodies; whenever the text is valid, the model and
 * the findings equal a fresh whole-file analysis; while it is half-typed, every finding of the blocks
 * outside the edited one is what the whole-file path (LPG_BLOCK_LOCAL=0) reports.
 */
import { assert, ready } from '../helpers';
import { OpenDocument } from '../../../server/src/lsp/documents';
import { makeSourceFile } from '../../../server/src/core/source';
import { LineIndex } from '../../../server/src/core/text';
import { analyzeModule } from '../../../server/src/core/analyze';
import type { Finding } from '../../../server/src/core/types';

function rng(seed: number): () => number {
  return () => {
    seed |= 0; seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function unit(i: number, nl: string): string {
  return [
    `# unit ${i} ✓ 𝒳`,
    `resource "aws_lambda_function" "fn${i}" {`,
    `  function_name = "\${local.prefix}-fn${i}"`,
    `  role          = aws_iam_role.lambda.arn # trailing comment`,
    `}`,
    i % 4 === 0 ? `# lpg-ignore: missing-source-arn -- reviewed` : `// permission ${i}`,
    `resource "aws_lambda_permission" "api${i}" {`,
    `  action        = "lambda:InvokeFunction"`,
    `  function_name = aws_lambda_function.fn${i}.function_name`,
    `  principal     = "${i % 2 ? 'apigateway' : 's3'}.amazonaws.com"`,
    i % 3 ? `  source_arn    = "\${aws_apigatewayv2_api.api.execution_arn}/*/*"` : `  /* no source */`,
    `}`,
    `resource "aws_iam_role_policy" "p${i}" {`,
    `  role   = aws_iam_role.lambda.id`,
    `  policy = <<-EOT`,
    `    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "lambda:*", "Resource": "*"}]}`,
    `  EOT`,
    `  dynamic "x" {`,
    `    for_each = [1]`,
    `    content { a = [for k in ["a"] : upper(k)] }`,
    `  }`,
    `}`,
    '',
  ].join(nl);
}

const SNIPPETS = ['x', '"', '"', '{', '}', '[', ']', '${', '\n', ' = ', '𝒳', '#', 'principal = "sns.amazonaws.com"\n', 'source_account = "123456789012"\n', ''];
const shape = (f: ReturnType<typeof makeSourceFile>) => JSON.stringify({ blocks: f.syntax!.blocks, attrs: f.syntax!.attrs, comments: f.syntax!.comments, errors: f.syntax!.errors.length > 0 });
const key = (f: Finding) => `${f.ruleId}@${f.range.start.line}:${f.range.start.character}-${f.range.end.line}:${f.range.end.character} ${f.message}`;
// a finding's place: its message may name a function (its literal function_name) written in the edited block,
// which the block-local path keeps from the last good parse and tree-sitter's whole-file recovery may lose
const place = (f: Finding) => `${f.ruleId}@${f.range.start.line}:${f.range.start.character}-${f.range.end.line}:${f.range.end.character}`;

describe('language server documents: block-local re-parse', () => {
  before(ready);

  for (const nl of ['\n', '\r\n']) it(`400 random keystrokes inside block bodies (${JSON.stringify(nl)} line ends): valid texts give the whole-file model and findings; half-typed ones keep the findings outside the edited block`, () => {
    const rand = rng(nl === '\n' ? 20261130 : 7);
    let text = '';
    for (let i = 0; i < 12; i++) text += unit(i, nl);
    const mine = new OpenDocument('file:///w/main.tf', '/w/main.tf', 'terraform', 1, text);
    const whole = new OpenDocument('file:///w/main.tf', '/w/main.tf', 'terraform', 1, text);
    whole.blockLocal = false;
    mine.sourceFile('main.tf'); whole.sourceFile('main.tf');
    let valid = 0, broken = 0, restored = 0, extra = 0;
    let lastValid = text;
    const plan: { a: number; b: number; ins: string }[] = [];
    for (let step = 0; step < 400; step++) {
      if (!plan.length) {
        // a word typed character by character at a position inside the body of a block of the last valid text
        // (like typing), then (mostly) deleted again; sometimes a replacement or a deletion of a few characters
        const good = makeSourceFile('main.tf', lastValid);
        if (text !== lastValid) { plan.push({ a: 0, b: text.length, ins: lastValid }); }
        else {
          const blocks = good.syntax!.blocks;
          const blk = blocks[Math.floor(rand() * blocks.length)];
          let at = blk.bodyStart + Math.floor(rand() * (blk.bodyEnd - blk.bodyStart + 1));
          if (at > 0 && ((text.charCodeAt(at) & 0xfc00) === 0xdc00 || (text[at - 1] === '\r' && text[at] === '\n'))) at--;
          let word = SNIPPETS[Math.floor(rand() * SNIPPETS.length)] + SNIPPETS[Math.floor(rand() * SNIPPETS.length)];
          if (nl === '\r\n') word = word.replace(/\n/g, '\r\n');
          const chars = Array.from(word.replace(/\r\n/g, '\u0000')).map((c) => (c === '\u0000' ? '\r\n' : c));
          let o = at;
          for (const c of chars) { plan.push({ a: o, b: o, ins: c }); o += c.length; }
          if (rand() < 0.8) for (let i = chars.length - 1; i >= 0; i--) { o -= chars[i].length; plan.push({ a: o, b: o + chars[i].length, ins: '' }); }
          else if (rand() < 0.5) { let e = at + 1 + Math.floor(rand() * 6); while (e < text.length && (text.charCodeAt(e) & 0xfc00) === 0xdc00) e++; plan.push({ a: at, b: Math.min(e, blk.bodyEnd), ins: '' }); }
        }
      }
      if (!plan.length) { step--; continue; }
      const { a, b, ins } = plan.shift()!;
      const li = new LineIndex(text);
      const change = { range: { start: li.positionAt(a), end: li.positionAt(b) }, text: ins };
      text = text.slice(0, a) + ins + text.slice(b);
      const whole0 = step % 3 === 0;
      mine.update([change], step + 2); whole.update([change], step + 2);
      assert.strictEqual(mine.text, text);
      const m = mine.sourceFile('main.tf');
      const full = makeSourceFile('main.tf', text);
      if (!full.syntax!.errors.length) {
        valid++;
        lastValid = text;
        assert.strictEqual(shape(m), shape(full), `step ${step}`);
        assert.deepStrictEqual(analyzeModule([m]).map(key), analyzeModule([full]).map(key), `step ${step}`);
      } else if (whole0) {
        broken++;
        assert.ok(m.syntax!.errors.length > 0, `step ${step}: a broken text has a syntax error`);
        const w = whole.sourceFile('main.tf');
        const edited = m.syntax!.blocks.filter((x) => x.hasError);
        const outside = (f: Finding) => { const o = m.lines.offsetAt(f.range.start); return !edited.some((x) => x.span.start <= o && o <= x.span.end) && !w.syntax!.blocks.some((x) => x.hasError && x.span.start <= o && o <= x.span.end); };
        const mf = analyzeModule([m]).filter(outside).map(place), wf = analyzeModule([w]).filter(outside).map(place);
        // never hidden: everything the whole-file path reports outside the edited block is reported
        const mset = new Set(mf);
        for (const k of wf) assert.ok(mset.has(k), `step ${step}: ${k} hidden`);
        // never invented: what it reports beyond that is a finding of the last valid text, on the same text
        // (tree-sitter's recovery of the whole file can lose an intact block that the last good parse keeps)
        const lv = makeSourceFile('main.tf', lastValid);
        const was = new Set(analyzeModule([lv]).map((f) => `${f.ruleId} ${f.message} ${lastValid.slice(lv.lines.offsetAt(f.range.start), lv.lines.offsetAt(f.range.end))}`));
        const wset = new Set(wf);
        for (const f of analyzeModule([m]).filter(outside)) {
          if (wset.has(place(f))) continue;
          extra++;
          assert.ok(was.has(`${f.ruleId} ${f.message} ${text.slice(m.lines.offsetAt(f.range.start), m.lines.offsetAt(f.range.end))}`), `step ${step}: ${key(f)} invented`);
        }
        if (mf.length) restored++;
      }
    }
    assert.ok(valid > 80 && broken > 30, `valid ${valid}, broken ${broken}`);
    assert.ok(restored > 30, `restored ${restored}`);
    assert.ok(mine.stats.local > 250, JSON.stringify(mine.stats));
  });
});
