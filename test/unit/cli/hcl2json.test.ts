/** HashiCorp's parser in a worker thread, and the grapheme -> UTF-16 column conversion. */
import * as assert from 'assert';
import { graphemeColumnToUtf16, utf16ToGraphemeColumn } from '../../../server/src/hcl2json/graphemes';
import { Hcl2Json, firstDiagnostic, parseDiagnostics } from '../../../server/src/hcl2json';

describe('hcl2json: grapheme columns -> UTF-16', () => {
  const cases: [string, string, number, number][] = [
    // [name, line, 1-based grapheme column, expected 0-based UTF-16 offset]
    ['ASCII', 'a = 1 b', 7, 6],
    ['column 1', '😀x', 1, 0],
    ['surrogate pair (1 grapheme, 2 units)', 'x = "😀" b', 9, 9],
    ['combining accent (e + U+0301: 1 grapheme, 2 units)', 'x = "e\u0301" b', 9, 9],
    ['flag (2 regional indicators: 1 grapheme, 4 units)', 'a = "🇩🇪x" }', 10, 12],
    ['ZWJ family (1 grapheme, 8 units)', 'n = "👩‍👩‍👧" oops', 9, 15],
    ['CJK (1 unit each)', 'n = "東京" x', 10, 9],
    ['past the end of the line', 'ab', 5, 2],
  ];
  for (const [name, line, col, want] of cases) {
    it(name, () => {
      assert.strictEqual(graphemeColumnToUtf16(line, col), want);
      if (col <= [...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(line)].length) assert.strictEqual(utf16ToGraphemeColumn(line, want), col);
    });
  }

  it('parses every diagnostic of a message and picks the earliest', () => {
    const msg = 'parse config: [__lpg__.tf:3,6-4,1: Invalid multi-line string; Quoted strings may not be split over multiple lines. __lpg__.tf:2,5-3,1: Invalid expression; Expected the start of an expression, but found an invalid expression token.]';
    assert.deepStrictEqual(parseDiagnostics(msg), [
      { line: 3, column: 6, message: 'Invalid multi-line string; Quoted strings may not be split over multiple lines.' },
      { line: 2, column: 5, message: 'Invalid expression; Expected the start of an expression, but found an invalid expression token.' },
    ]);
    assert.deepStrictEqual(firstDiagnostic(msg, 'a = 1\nb = \nc = "\n'), { line: 1, character: 4, message: 'Invalid expression; Expected the start of an expression, but found an invalid expression token.' });
  });
});

describe('hcl2json: the worker', function () {
  this.timeout(120_000);
  let h: Hcl2Json;
  before(() => { h = new Hcl2Json(); });
  after(() => h.dispose());

  it('reports HCL\'s message at the UTF-16 position of an error after an emoji', async () => {
    await h.warmUp();
    const text = 'resource "aws_lambda_function" "f" {\n  description = "🚀 déploiement" runtime = "x"\n}\n';
    const err = await h.checkSyntax('main.tf', text);
    assert.deepStrictEqual(err, { line: 1, character: text.split('\n')[1].indexOf('runtime'), message: 'Missing newline after argument; An argument definition must end with a newline.' });
  });

  it('null for a file that parses; undefined for files that are not .tf', async () => {
    assert.strictEqual(await h.checkSyntax('main.tf', 'locals {\n  a = "😀"\n}\n'), null);
    assert.strictEqual(await h.checkSyntax('main.tf.json', '{'), undefined);
    assert.strictEqual(await h.checkSyntax('policy.json', '{'), undefined);
  });

  it('answers concurrent requests in order, without mixing them up', async () => {
    const texts = ['a = 1\n', 'a = = 1\n', 'b = "x"\n', 'c = [\n'];
    const res = await Promise.all(texts.map((t) => h.checkSyntax('x.tf', t)));
    assert.deepStrictEqual(res.map((r) => (r ? [r.line, r.character] : r)), [null, [0, 4], null, [1, 0]]);
  });

  it('a killed worker is restarted by the next request', async () => {
    const before = h.starts;
    await h.kill();
    assert.deepStrictEqual(await h.checkSyntax('main.tf', 'a = = 1\n'), { line: 0, character: 4, message: 'Invalid expression; Expected the start of an expression, but found an invalid expression token.' });
    assert.strictEqual(h.starts, before + 1);
  });

  it('a worker that dies while serving a request: no answer for it, a new worker for the next', async () => {
    const before = h.starts;
    assert.strictEqual(await h.crashNext(), undefined);
    assert.strictEqual(await h.checkSyntax('main.tf', 'a = 1\n'), null);
    assert.strictEqual(h.starts, before + 1);
  });

  it('is recycled after a big input (its memory is never freed)', async () => {
    const small = new Hcl2Json({ recycleBigFileChars: 1000 });
    try {
      const big = 'locals {\n' + Array.from({ length: 60 }, (_, i) => `  a${i} = "${'x'.repeat(20)}"\n`).join('') + '}\n';
      assert.strictEqual(await small.checkSyntax('big.tf', big), null);
      assert.strictEqual(small.starts, 1);
      assert.strictEqual(await small.checkSyntax('small.tf', 'a = 1\n'), null);
      assert.strictEqual(small.starts, 2);
    } finally { small.dispose(); }
  });

  it('reports its memory with each answer and is recycled when that passes recycleAboveBytes', async () => {
    const tight = new Hcl2Json({ recycleAboveBytes: 1 });
    try {
      assert.strictEqual(await tight.checkSyntax('a.tf', 'a = 1\n'), null);
      assert.strictEqual(tight.starts, 1);
      assert.strictEqual(tight.running, false); // over the limit: stopped after answering
      assert.deepStrictEqual(await tight.checkSyntax('b.tf', 'a = = 1\n'), { line: 0, character: 4, message: 'Invalid expression; Expected the start of an expression, but found an invalid expression token.' });
      assert.strictEqual(tight.starts, 2);
    } finally { tight.dispose(); }
    const roomy = new Hcl2Json();
    try {
      // the same file again and again (typing): one worker, whose memory (V8 heap + Go's WASM memory) is known
      const text = 'locals {\n' + Array.from({ length: 400 }, (_, i) => `  a${i} = "${'x'.repeat(40)}"\n`).join('') + '}\n';
      for (let i = 0; i < 40; i++) assert.strictEqual(await roomy.checkSyntax('main.tf', text), null);
      assert.strictEqual(roomy.starts, 1);
      assert.ok(roomy.running);
      assert.ok(roomy.workerBytes > 1048576 && roomy.workerBytes < 128 * 1048576, String(roomy.workerBytes));
    } finally { roomy.dispose(); }
  });

  it('stops an idle worker after idleMs; the next request starts a new one', async () => {
    const idle = new Hcl2Json({ idleMs: 20 });
    try {
      assert.strictEqual(await idle.checkSyntax('a.tf', 'a = 1\n'), null);
      assert.strictEqual(idle.starts, 1);
      while (idle.running) await new Promise((r) => setTimeout(r, 10));
      assert.deepStrictEqual(await idle.checkSyntax('a.tf', 'a = = 1\n'), { line: 0, character: 4, message: 'Invalid expression; Expected the start of an expression, but found an invalid expression token.' });
      assert.strictEqual(idle.starts, 2);
    } finally { idle.dispose(); }
  });

  it('gives up on a request that exceeds its timeout and serves the next with a new worker', async () => {
    const quick = new Hcl2Json({ timeoutMs: 0 });
    try {
      assert.strictEqual(await quick.checkSyntax('a.tf', 'a = 1\n'), undefined); // the worker cannot even start in 1 ms
      assert.strictEqual(quick.starts, 1);
      assert.strictEqual(await quick.checkSyntax('a.tf', 'a = 1\n'), undefined);
      assert.strictEqual(quick.starts, 2);
    } finally { quick.dispose(); }
  });
});
