/**
 * The real server over stdio in hostile workspaces (issue 14): links out of the workspace, FIFOs,
 * binary files, a huge file, evil globs, unknown commands, one-line blocks for fix-all. After each
 * case the server still answers: `shutdown` within 2 s.
 */
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ShutdownRequest } from 'vscode-languageserver-protocol';
import { TestClient, makeWorkspace, uriOf } from './client';

const BROAD = `resource "aws_lambda_permission" "b" {\n  action        = "lambda:*"\n  function_name = "f"\n  principal     = "sns.amazonaws.com"\n  source_arn    = "arn:aws:sns:eu-west-1:123456789012:t"\n}\n`;

describe('protocol: hostile workspaces (issue 14)', function () {
  this.timeout(300_000);
  let c: TestClient | undefined;
  afterEach(async () => { await c?.stop(); c = undefined; });

  /** The server answers `shutdown` within 2 s (the requirement of the issue), then exits. */
  async function answersShutdown(client: TestClient): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const answered = await Promise.race([
      client.conn.sendRequest(ShutdownRequest.type).then(() => true),
      new Promise<boolean>((r) => { timer = setTimeout(() => r(false), 2000); }),
    ]);
    clearTimeout(timer);
    assert.ok(answered, 'shutdown not answered within 2 s');
  }

  async function start(root: string, settings: Record<string, unknown> = {}): Promise<TestClient> {
    c = new TestClient({ root, settings: { '*': { run: 'onType', debounceMs: 0, ...settings } } });
    await c.initialize();
    return c;
  }

  it('symbolic links to outside the workspace folder are not followed (open module and Scan Workspace)', async () => {
    const outside = makeWorkspace({ 'secret.tf': BROAD.replace('"b"', '"secret"'), 'dir/main.tf': BROAD });
    const root = makeWorkspace({ 'm/main.tf': BROAD });
    fs.symlinkSync(path.join(outside, 'secret.tf'), path.join(root, 'm', 'outside.tf'));
    fs.symlinkSync(path.join(outside, 'dir'), path.join(root, 'outdir'));
    const cl = await start(root);
    const uri = await cl.open(path.join(root, 'm', 'main.tf'));
    assert.deepStrictEqual((await cl.current(uri)).map((d) => d.code), ['broad-permission-action']);
    await cl.until('the skip logged', () => cl.logs.includes(`lpg: skipped ${path.join(root, 'm', 'outside.tf')}: symbolic link to outside the workspace folders (not followed)`));
    const r = await cl.executeCommand('lpg.scanWorkspace') as { files: number };
    assert.strictEqual(r.files, 1);
    assert.ok(cl.logs.includes('lpg: outdir: skipped: symbolic link to outside the workspace folders (not followed)'), cl.logs.join('\n'));
    for (const p of cl.publications) assert.ok(!p.uri.includes('outside') && !p.uri.startsWith(uriOf(outside)) && !p.uri.includes('outdir'), p.uri);
    await answersShutdown(cl);
  });

  it('a FIFO named like a Terraform file and a FIFO .lpg.json: skipped with a message, no hang', async () => {
    const root = makeWorkspace({ 'main.tf': BROAD });
    spawnSync('mkfifo', [path.join(root, 'fifo.tf')]);
    spawnSync('mkfifo', [path.join(root, '.lpg.json')]);
    const cl = await start(root);
    const uri = await cl.open(path.join(root, 'main.tf'));
    assert.deepStrictEqual((await cl.current(uri)).map((d) => d.code), ['broad-permission-action']);
    await cl.until('the FIFO .lpg.json reported', () => cl.messages.some((m) => m.message === `lpg: ignoring ${path.join(root, '.lpg.json')}: a FIFO, not a regular file`));
    await cl.until('the FIFO skipped', () => cl.logs.includes(`lpg: skipped ${path.join(root, 'fifo.tf')}: not a regular file`));
    await cl.executeCommand('lpg.scanWorkspace');
    assert.ok(cl.logs.includes('lpg: fifo.tf: skipped: a FIFO, not a regular file'), cl.logs.join('\n'));
    await answersShutdown(cl);
  });

  it('a file with NUL bytes is skipped as the CLI skips it (no parse-error), open or on disk', async () => {
    const root = makeWorkspace({ 'main.tf': BROAD, 'nul.tf': 'resource "aws_lambda_permission" "x" {\0\0}\n' });
    const cl = await start(root);
    const uri = await cl.open(path.join(root, 'main.tf'));
    assert.deepStrictEqual((await cl.current(uri)).map((d) => d.code), ['broad-permission-action']);
    await cl.until('the skip logged', () => cl.logs.includes(`lpg: skipped ${path.join(root, 'nul.tf')}: binary file (contains NUL bytes)`));
    await cl.executeCommand('lpg.scanWorkspace');
    assert.ok(!cl.latest.has(uriOf(path.join(root, 'nul.tf'))) || cl.latest.get(uriOf(path.join(root, 'nul.tf')))!.diagnostics.length === 0);
    const nul = await cl.open(path.join(root, 'nul.tf'));
    assert.deepStrictEqual(await cl.current(nul), []);
    await cl.until('the open document skipped', () => cl.messages.some((m) => m.message === 'skipped nul.tf: binary file (contains NUL bytes)'));
    await answersShutdown(cl);
  });

  it('a 3 MB file: not analysed in the editor (a message), the server keeps answering', async () => {
    const parts: string[] = [];
    for (let i = 0; parts.join('').length < 3 * 1048576; i++) for (let k = 0; k < 1000; k++) parts.push(`resource "aws_lambda_permission" "p${i}_${k}" {\n  action = "*"\n  principal = "*"\n}\n`);
    const text = parts.join('');
    const root = makeWorkspace({ 'big.tf': text, 'main.tf': BROAD });
    const cl = await start(root);
    const uri = await cl.open(path.join(root, 'big.tf'));
    assert.deepStrictEqual(await cl.current(uri), []);
    const mb = String(+(text.length / 1048576).toPrecision(3));
    await cl.until('the cap reported', () => cl.messages.some((m) => m.message === `skipped big.tf: ${mb} MB is over the 1 MB the editor analyses per file to stay responsive (the cap of lpg.maxFileSizeMB here; lpg scan checks it)`));
    const main = await cl.open(path.join(root, 'main.tf'));
    assert.deepStrictEqual((await cl.current(main)).map((d) => d.code), ['broad-permission-action']);
    await answersShutdown(cl);
  });

  it('an exponential glob in .lpg.json does not hang the server; an unknown command gets an error response', async () => {
    const long = 'a'.repeat(200) + '.tf';
    const root = makeWorkspace({ [long]: BROAD, '.lpg.json': JSON.stringify({ ignore: ['**/' + '*a'.repeat(12) + '*b'] }) });
    const cl = await start(root);
    const uri = await cl.open(path.join(root, long));
    assert.deepStrictEqual((await cl.current(uri)).map((d) => d.code), ['broad-permission-action']);
    await assert.rejects(cl.executeCommand('lpg.noSuchCommand'), (e: Error & { code?: number }) => {
      assert.strictEqual(e.code, -32602);
      assert.strictEqual(e.message, 'lpg: unknown command "lpg.noSuchCommand" (known: lpg.scanWorkspace, lpg.clearScanResults, lpg.fixAll)');
      return true;
    });
    await answersShutdown(cl);
  });

  it('fix all on a block written on one line: the attribute goes inside, split over lines, once', async () => {
    const text = 'resource "aws_lambda_permission" "a" { principal = "s3.amazonaws.com" }\n';
    const root = makeWorkspace({ 'main.tf': text });
    const cl = await start(root);
    const uri = await cl.open(path.join(root, 'main.tf'));
    assert.deepStrictEqual((await cl.current(uri)).map((d) => d.code).sort(), ['missing-source-account', 'missing-source-arn']);
    const r = await cl.executeCommand('lpg.fixAll', [uri]) as { applied: boolean };
    assert.deepStrictEqual(r, { applied: true });
    assert.strictEqual(cl.text(uri), 'resource "aws_lambda_permission" "a" {\n  principal      = "s3.amazonaws.com"\n  source_account = data.aws_caller_identity.current.account_id\n}\n\ndata "aws_caller_identity" "current" {}\n');
    assert.deepStrictEqual((await cl.current(uri)).map((d) => d.code), ['missing-source-arn']);
    await answersShutdown(cl);
  });
});
