/**
 * The real server over stdio under faults: edits made while a workspace scan runs are not lost, and
 * a fuzz of incremental edits (mutations of corpus files) never leaves a request unanswered.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { TestClient, makeWorkspace, offsetAt, positionAt } from './client';
import { CORPUS, rng, mutate, MUTATIONS } from '../unit/robustness/fuzzlib';

const LONE = `resource "aws_lambda_permission" "api" {\n  action        = "lambda:InvokeFunction"\n  function_name = "f"\n  principal     = "apigateway.amazonaws.com"\n}\n`;

describe('protocol: robustness', function () {
  this.timeout(300_000);
  let c: TestClient;
  afterEach(async () => { await c?.stop(); });

  it('edits made during a workspace scan are not lost: the open document ends with the diagnostics of its last version', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 300; i++) files[`m${String(i).padStart(3, '0')}/main.tf`] = LONE;
    const root = makeWorkspace(files);
    c = new TestClient({ root, settings: { '*': { run: 'onType', debounceMs: 0 } } });
    await c.initialize();
    const file = path.join(root, 'm150', 'main.tf');
    const uri = await c.open(file);
    await c.current(uri, (d) => d.length === 1);
    // start the scan and type while it runs: add source_arn, keystroke by keystroke
    let progressSeen = 0;
    c.onProgress = (_t, v) => { if (v.kind === 'report') progressSeen++; };
    const scan = c.executeCommand('lpg.scanWorkspace', [], 'scan-edits') as Promise<{ cancelled: boolean; folders: number }>;
    await c.until('scan progress', () => progressSeen > 0);
    const line = '  source_arn    = "arn:aws:execute-api:eu-west-1:123456789012:abc/*/*"\n';
    const at = c.text(uri).indexOf('}\n');
    for (let i = 0; i < line.length; i++) await c.insertAt(uri, at + i, line[i]);
    const r = await scan;
    assert.deepStrictEqual([r.cancelled, r.folders], [false, 300]);
    const final = await c.current(uri, (d) => d.length === 0, 'no diagnostics for the fixed document');
    assert.deepStrictEqual(final, []);
    // the scan did not publish stale diagnostics for the open document after its last version
    const last = c.latest.get(uri)!;
    assert.strictEqual(last.version, c.version(uri));
    assert.deepStrictEqual(last.diagnostics, []);
    assert.strictEqual(c.text(uri), LONE.replace('}\n', line + '}\n'));
  });

  it('fuzz: 150 mutating incremental edits of a corpus file; every edit gets its diagnostics, every code action request an answer, ranges stay inside', async () => {
    const src = path.join(CORPUS, 'real/hashicorp__terraform-provider-aws/examples/api-gateway-websocket-chat-app/main.tf');
    const original = fs.readFileSync(src, 'utf8');
    const root = makeWorkspace({ 'main.tf': original });
    c = new TestClient({ root, settings: { '*': { run: 'onType', debounceMs: 0 } } });
    await c.initialize();
    const uri = await c.open(path.join(root, 'main.tf'));
    const initial = await c.current(uri);
    assert.ok(initial.some((d) => d.code === 'missing-source-arn'), JSON.stringify(initial.map((d) => d.code)));
    const r = rng(4242);
    for (let i = 0; i < 150; i++) {
      const text = c.text(uri);
      const kind = MUTATIONS[Math.floor(r() * MUTATIONS.length)];
      const next = i % 25 === 24 ? original : mutate(text, kind, r);
      // one incremental change: the smallest replaced range between the two texts
      let s = 0;
      while (s < text.length && s < next.length && text[s] === next[s]) s++;
      let e1 = text.length, e2 = next.length;
      while (e1 > s && e2 > s && text[e1 - 1] === next[e2 - 1]) { e1--; e2--; }
      // (the range may split a CRLF or a surrogate pair: hostile, but a client may send it)
      const v = await c.change(uri, [{ range: { start: positionAt(text, s), end: positionAt(text, e1) }, newText: next.slice(s, e2) }]);
      assert.strictEqual(c.text(uri), next);
      const diags = await c.current(uri, () => true, `diagnostics of edit ${i} (${kind}, version ${v})`);
      for (const d of diags) {
        const a = offsetAt(next, d.range.start), b = offsetAt(next, d.range.end);
        assert.ok(a <= b && b <= next.length, `edit ${i}: range ${JSON.stringify(d.range)} outside the document`);
        const lines = next.split(/\r\n|\r|\n/);
        assert.ok(d.range.end.line < lines.length && d.range.end.character <= lines[d.range.end.line].length, `edit ${i}: range ${JSON.stringify(d.range)} beyond its line`);
      }
      if (i % 10 === 0) {
        const actions = await c.codeActions(uri, { start: { line: 0, character: 0 }, end: positionAt(next, next.length) }, diags);
        assert.ok(Array.isArray(actions), `edit ${i}: code actions answered ${JSON.stringify(actions)}`);
      }
    }
    assert.strictEqual(c.proc.exitCode, null, 'the server is still running');
    // back to the original text: the original diagnostics
    const text = c.text(uri);
    await c.change(uri, [{ range: { start: { line: 0, character: 0 }, end: positionAt(text, text.length) }, newText: original }]);
    const back = await c.current(uri, (d) => d.length === initial.length, 'the original diagnostics again');
    assert.deepStrictEqual(back.map((d) => [d.code, d.range]), initial.map((d) => [d.code, d.range]));
  });
});
