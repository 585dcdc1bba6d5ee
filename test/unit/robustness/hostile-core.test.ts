import { analyze, assert, coveredText, rangeOf, ready } from '../helpers';
import { makeSourceFile } from '../../../server/src/core/source';
import { analyzeModule } from '../../../server/src/core/analyze';
import { MAX_NESTING } from '../../../server/src/core/limits';
import type { Rule } from '../../../server/src/core/rules/rule';
import { allRules } from '../../../server/src/core/rules';
import { rangeProblems, rng } from './fuzzlib';
import { unescapeHcl } from '../../../server/src/core/model/hcl';

/** Hostile file contents fed to the analysis core (the scan front ends add size and encoding checks on top). */
describe('robustness: hostile inputs to the core', () => {
  before(ready);

  const TF = `resource "aws_lambda_permission" "api" {\n  action        = "lambda:InvokeFunction"\n  function_name = "f"\n  principal     = "apigateway.amazonaws.com"\n}\n`;
  const POLICY = `{\n  "Version": "2012-10-17",\n  "Statement": [\n    {\n      "Effect": "Allow",\n      "Principal": {"Service": "sns.amazonaws.com"},\n      "Action": "lambda:InvokeFunction",\n      "Resource": "*"\n    }\n  ]\n}\n`;

  /** Analyses, checks every range, and returns `[ruleId, range, covered text]` of each finding. */
  function run(files: Record<string, string>): [string, [number, number, number, number], string][] {
    const sfs = Object.entries(files).map(([p, t]) => makeSourceFile(p, t));
    const fs = analyzeModule(sfs, { onRuleError: (id, e) => assert.fail(`rule ${id} threw: ${(e as Error).stack}`) });
    assert.deepStrictEqual(rangeProblems(fs, sfs), []);
    return fs.map((f) => [f.ruleId, rangeOf(f), coveredText(files[f.file], f)]);
  }

  function randomBytes(n: number, seed: number): Buffer {
    const r = rng(seed);
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i++) b[i] = Math.floor(r() * 256);
    return b;
  }

  it('a binary file named x.tf: one parse-error on its first line, nothing else', () => {
    const text = randomBytes(64 * 1024, 1).toString('utf8');
    const got = run({ 'x.tf': text, 'main.tf': TF });
    assert.deepStrictEqual(got.map(([id, r]) => [id, r[0], r[2]]), [['missing-source-arn', 3, 3], ['parse-error', 0, 0]]);
  });

  it('a binary file named policy.json that mentions "Statement": one JSON parse-error', () => {
    const text = randomBytes(8 * 1024, 2).toString('utf8') + '"Statement"';
    const got = run({ 'policy.json': text });
    assert.strictEqual(got.length, 1);
    assert.strictEqual(got[0][0], 'parse-error');
  });

  it('invalid UTF-8 (decoded with replacement characters): the rest of the file is still analysed', () => {
    const bytes = Buffer.concat([Buffer.from([0x23, 0x20, 0x63, 0x61, 0x66, 0xe9, 0x20, 0xff, 0xfe, 0xc3, 0x0a]), Buffer.from(TF)]);
    const text = bytes.toString('utf8');
    assert.ok(text.includes('\uFFFD'));
    assert.deepStrictEqual(run({ 'main.tf': text }), [['missing-source-arn', [4, 18, 4, 44], '"apigateway.amazonaws.com"']]);
  });

  it('UTF-8 with a byte order mark: same findings and positions in .tf and policy .json', () => {
    assert.deepStrictEqual(run({ 'main.tf': '\uFEFF' + TF }), [['missing-source-arn', [3, 18, 3, 44], '"apigateway.amazonaws.com"']]);
    assert.deepStrictEqual(run({ 'policy.json': '\uFEFF' + POLICY }), [['missing-source-arn', [5, 31, 5, 50], '"sns.amazonaws.com"']]);
    // The BOM shifts characters of line 0 only: a finding there still covers the right text.
    const one = '\uFEFFresource "aws_lambda_permission" "api" { principal = "apigateway.amazonaws.com" }\n';
    assert.deepStrictEqual(run({ 'main.tf': one }), [['missing-source-arn', [0, 54, 0, 80], '"apigateway.amazonaws.com"']]);
  });

  it('UTF-16 files: decoded as UTF-16 they analyse like UTF-8; mis-read as UTF-8 they are a parse-error, not a crash', () => {
    for (const [enc, bytes] of [['utf-16le', Buffer.from('\uFEFF' + TF, 'utf16le')], ['utf-16be', Buffer.from('\uFEFF' + TF, 'utf16le').swap16()]] as const) {
      const decoded = new TextDecoder(enc).decode(bytes);
      assert.deepStrictEqual(run({ 'main.tf': decoded }), [['missing-source-arn', [3, 18, 3, 44], '"apigateway.amazonaws.com"']], enc);
      const misread = run({ 'main.tf': bytes.toString('utf8') });
      assert.deepStrictEqual(misread.map(([id, r]) => [id, r[0], r[2]]), [['parse-error', 0, 0]], enc);
    }
  });

  it('CRLF: same positions as LF, and fixes insert CRLF line ends', () => {
    const crlf = TF.replace(/\n/g, '\r\n');
    assert.deepStrictEqual(run({ 'main.tf': crlf }), [['missing-source-arn', [3, 18, 3, 44], '"apigateway.amazonaws.com"']]);
    const f = analyze({ 'main.tf': crlf })[0];
    assert.ok(f.fixes.length >= 2, JSON.stringify(f.fixes));
    for (const fix of f.fixes) for (const e of fix.edits) {
      assert.ok(!/(^|[^\r])\n/.test(e.newText), `fix "${fix.title}" inserts a bare LF: ${JSON.stringify(e.newText)}`);
    }
    const pol = POLICY.replace(/\n/g, '\r\n');
    assert.deepStrictEqual(run({ 'policy.json': pol }), [['missing-source-arn', [5, 31, 5, 50], '"sns.amazonaws.com"']]);
    for (const fix of analyze({ 'policy.json': pol })[0].fixes) for (const e of fix.edits) assert.ok(!/(^|[^\r])\n/.test(e.newText), JSON.stringify(e.newText));
  });

  it('bad escapes in strings (found by npm run fuzz, seed 1764027000): \\u without hex digits, \\U beyond U+10FFFF', () => {
    // invalid escapes: a syntax error (as for HCL), never a RangeError out of the model
    for (const esc of ['\\u', '\\uZZ']) {
      assert.ok(run({ 'main.tf': TF.replace('"f"', `"f${esc}"`) }).some(([id]) => id === 'parse-error'), esc);
    }
    // tree-sitter accepts \\U with 8 hex digits beyond U+10FFFF: the text is kept as written
    assert.deepStrictEqual(run({ 'main.tf': TF.replace('"f"', '"f\\UFFFFFFFF"') }).map(([id]) => id), ['missing-source-arn']);
    for (const esc of ['\\U0010FFFF', '\\u00e9']) {
      assert.deepStrictEqual(run({ 'main.tf': TF.replace('"f"', `"f${esc}"`) }), [['missing-source-arn', [3, 18, 3, 44], '"apigateway.amazonaws.com"']], esc);
    }
    // the unescaper itself, on the template literal text tree-sitter hands it
    assert.strictEqual(unescapeHcl('a\\uZZ\\UFFFFFFFF\\u00e9', false), 'a\\uZZ\\UFFFFFFFFé');
  });

  it('lone CR line ends and lone surrogates: no crash, ranges inside the document', () => {
    run({ 'main.tf': TF.replace(/\n/g, '\r') + '# \uD800 \uDC00\r' });
    run({ 'main.tf': TF.replace('"f"', '"\uD800"') });
  });

  describe(`JSON nested 100,000 deep (limit ${MAX_NESTING}): a parse-error with a clear message, no stack overflow`, () => {
    const N = 100_000;
    const cases: [string, string, string][] = [
      ['policy.json', '{"Statement": ' + '['.repeat(N) + ']'.repeat(N) + '}', 'JSON: nested deeper than 500 levels: not analysed'],
      ['main.tf.json', '{"resource": ' + '{"a": '.repeat(N) + '1' + '}'.repeat(N) + '}', 'nested deeper than 500 levels: not analysed'],
      ['main.tf', 'locals {\n  a = ' + '['.repeat(N) + ']'.repeat(N) + '\n}\n', 'nested deeper than 500 levels: not analysed'],
      ['deep.tf', 'resource "aws_lambda_permission" "x" {\n  principal = jsonencode(' + '{ a = '.repeat(N) + '1' + '}'.repeat(N) + ')\n}\n', 'nested deeper than 500 levels: not analysed'],
    ];
    /** Offset of the n-th opening bracket (these texts open all their brackets before closing any). */
    const nthOpen = (text: string, n: number): number => { const re = /[{[(]/g; let m: RegExpExecArray | null = null; while (n-- > 0) m = re.exec(text); return m ? m.index : -1; };
    for (const [file, text, message] of cases) it(file, () => {
      const offset = nthOpen(text, MAX_NESTING + 1);
      const sfs = [makeSourceFile(file, text), makeSourceFile('ok.tf', TF)];
      const fs = analyzeModule(sfs);
      assert.deepStrictEqual(rangeProblems(fs, sfs), []);
      const pe = fs.filter((f) => f.ruleId === 'parse-error');
      assert.strictEqual(pe.length, 1);
      assert.strictEqual(pe[0].message, message);
      assert.strictEqual(sfs[0].lines.offsetAt(pe[0].range.start), offset);
      // The other file of the folder is still analysed.
      assert.deepStrictEqual(fs.filter((f) => f.file === 'ok.tf').map((f) => f.ruleId), ['missing-source-arn']);
    });
    it(`nesting of exactly ${MAX_NESTING} levels is analysed normally`, () => {
      const text = '{"Statement": [{"Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"}, "Action": "lambda:InvokeFunction", "Resource": "*", "Sid": ' + '['.repeat(MAX_NESTING - 3) + ']'.repeat(MAX_NESTING - 3) + '}]}';
      assert.deepStrictEqual(run({ 'policy.json': text }).map(([id]) => id), ['missing-source-arn']);
    });
  });

  it('a rule that throws is contained: reported to onRuleError, the other rules still report', () => {
    const boom: Rule = { meta: { ...allRules[0].meta, id: 'boom' }, check: () => { throw new Error('boom'); } };
    const errors: string[] = [];
    const sfs = [makeSourceFile('main.tf', TF)];
    const fs = analyzeModule(sfs, { ruleSet: [boom, ...allRules], onRuleError: (id, e) => errors.push(`${id}: ${(e as Error).message}`) });
    assert.deepStrictEqual(errors, ['boom: boom']);
    assert.deepStrictEqual(fs.map((f) => [f.ruleId, rangeOf(f)]), [['missing-source-arn', [3, 18, 3, 44]]]);
  });

  it('a rule that reports garbage spans or unknown files does not crash the driver; ranges are clamped into the document', () => {
    const bad: Rule = {
      meta: { ...allRules[0].meta, id: 'bad-spans' },
      check: (ctx) => {
        ctx.report({ file: 'main.tf', span: { start: -5, end: 1e9 }, message: 'huge' });
        ctx.report({ file: 'nope.tf', span: { start: 0, end: 1 }, message: 'unknown file' });
        ctx.report({ file: 'main.tf', span: { start: 3, end: 4 }, message: 'fix edits', fixes: [{ title: 't', preferred: true, edits: [{ file: 'main.tf', start: 1e9, end: 1e9 + 3, newText: 'x' }] }] });
      },
    };
    const sfs = [makeSourceFile('main.tf', TF)];
    const fs = analyzeModule(sfs, { ruleSet: [bad] });
    assert.deepStrictEqual(rangeProblems(fs, sfs), []);
    assert.deepStrictEqual(fs.map((f) => f.message), ['huge', 'fix edits']);
  });
});
