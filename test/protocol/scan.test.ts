/** The real server over stdio: "Scan Workspace" with progress, excludes, cancellation, clearing, and watched files afterwards. */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { FileChangeType } from 'vscode-languageserver-protocol';
import { TestClient, makeWorkspace, uriOf, CancellationTokenSource } from './client';

const LONE = `resource "aws_lambda_permission" "api" {\n  action        = "lambda:InvokeFunction"\n  function_name = "f"\n  principal     = "apigateway.amazonaws.com"\n}\n`;
const SNS_POLICY = `{\n  "Version": "2012-10-17",\n  "Statement": [\n    {\n      "Effect": "Allow",\n      "Principal": {"Service": "sns.amazonaws.com"},\n      "Action": "lambda:InvokeFunction",\n      "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f"\n    }\n  ]\n}\n`;
const CLEAN = `resource "aws_lambda_permission" "acct" {\n  action        = "lambda:InvokeFunction"\n  function_name = "f"\n  principal     = "123456789012"\n}\n`;

const summary = (c: TestClient, root: string) => [...c.latest.values()]
  .filter((p) => p.uri.startsWith(uriOf(root) + '/'))
  .map((p) => [p.uri.slice(uriOf(root).length + 1), p.diagnostics.map((d) => `${d.code}@${d.range.start.line}:${d.range.start.character}`)] as const)
  .sort((a, b) => (a[0] < b[0] ? -1 : 1));

describe('protocol: scan workspace', function () {
  let c: TestClient;
  afterEach(async () => { await c?.stop(); });

  it('scans every folder with progress counts, honours lpg.exclude and .lpg.json, publishes for unopened files, and clears', async () => {
    const root = makeWorkspace({
      'a/main.tf': LONE, 'a/policies/p.json': SNS_POLICY, 'a/big.tf': LONE + '#'.repeat(20 * 1024) + '\n',
      'b/policy.json': SNS_POLICY, 'b/package.json': '{"name": "x", "version": "1.0.0"}\n',
      'c/ok.tf': CLEAN,
      'node_modules/m/main.tf': LONE, 'gen/main.tf': LONE, 'legacy/main.tf': LONE,
      '.lpg.json': JSON.stringify({ ignore: ['legacy'] }),
    });
    const other = makeWorkspace({ 'x.tf': LONE });
    c = new TestClient({ root, folders: [root, other], settings: { [uriOf(root)]: { exclude: ['gen'], maxFileSizeMB: 0.01 } }, initializationOptions: { client: 'vscode' } });
    await c.initialize();
    const result = await c.executeCommand('lpg.scanWorkspace', [], 'scan-1') as Record<string, unknown>;
    assert.deepStrictEqual({ ...result, ms: 0 }, { cancelled: false, folders: 4, files: 5, total: 7, findings: 4, skipped: 1, ms: 0 });
    // the big file: skipped with a clear message
    assert.ok(c.logs.includes('lpg: skipped big.tf: 21 KB is over lpg.maxFileSizeMB (0.01)'), c.logs.join('\n'));
    assert.ok(c.messages.some((m) => m.message === 'lpg: the scan skipped 1 file (over lpg.maxFileSizeMB or unreadable): see the log'), JSON.stringify(c.messages));
    assert.deepStrictEqual(summary(c, root), [
      ['a/main.tf', ['missing-source-arn@3:18']],
      ['a/policies/p.json', ['missing-source-arn@5:31']],
      ['b/policy.json', ['missing-source-arn@5:31']],
      ['c/ok.tf', []],
    ]);
    assert.deepStrictEqual(summary(c, other), [['x.tf', ['missing-source-arn@3:18']]]);
    // progress on the client's token: begin (cancellable), counts, end
    const mine = c.progress.filter((p) => p.token === 'scan-1').map((p) => p.value);
    assert.deepStrictEqual(mine[0], { kind: 'begin', title: 'lpg: Scan Workspace', cancellable: true, message: 'listing files', percentage: 0 });
    assert.deepStrictEqual(mine.slice(1, -1).map((v) => v.message), [
      '0/7 files', '3/7 files, 2 findings', '5/7 files, 3 findings', '6/7 files, 3 findings', '7/7 files, 4 findings',
    ]);
    assert.deepStrictEqual(mine[mine.length - 1], { kind: 'end' });
    // the VS Code client's status item hears about the scan
    assert.deepStrictEqual(c.statuses.map((x) => x.state), ['scanning', 'scanned']);
    assert.deepStrictEqual(c.statuses[1], { state: 'scanned', findings: 4, files: 5 });
    // clear: every scanned file gets empty diagnostics
    const cleared = await c.executeCommand('lpg.clearScanResults');
    assert.deepStrictEqual(cleared, { cleared: 5 });
    assert.deepStrictEqual(summary(c, root).filter(([, d]) => d.length), []);
    assert.deepStrictEqual(summary(c, other).filter(([, d]) => d.length), []);
  });

  it('keeps scan results current through watched-file events', async () => {
    const root = makeWorkspace({ 'b/policy.json': SNS_POLICY, 'b/main.tf': CLEAN });
    c = new TestClient({ root });
    await c.initialize();
    await c.executeCommand('lpg.scanWorkspace', [], 'scan-2');
    const policy = uriOf(path.join(root, 'b/policy.json'));
    assert.strictEqual(c.latest.get(policy)!.diagnostics.length, 1);
    fs.writeFileSync(path.join(root, 'b/policy.json'), SNS_POLICY.replace('"Resource"', '"Condition": {"ArnLike": {"AWS:SourceArn": "arn:aws:sns:us-east-1:123456789012:orders"}},\n      "Resource"'));
    await c.watched([{ uri: policy, type: FileChangeType.Changed }]);
    await c.diagnostics(policy, (d) => d.length === 0, 'policy.json cleared after the fix on disk');
    // a new file in a scanned folder gets diagnostics too
    fs.writeFileSync(path.join(root, 'b/perm.tf'), LONE);
    await c.watched([{ uri: uriOf(path.join(root, 'b/perm.tf')), type: FileChangeType.Created }]);
    await c.diagnostics(uriOf(path.join(root, 'b/perm.tf')), (d) => d.length === 1, 'the new file');
    // a deleted one loses them
    fs.unlinkSync(path.join(root, 'b/perm.tf'));
    await c.watched([{ uri: uriOf(path.join(root, 'b/perm.tf')), type: FileChangeType.Deleted }]);
    await c.diagnostics(uriOf(path.join(root, 'b/perm.tf')), (d) => d.length === 0, 'the deleted file');
  });

  it('is cancellable through $/cancelRequest and through window/workDoneProgress/cancel, and can be re-run', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 150; i++) files[`m${String(i).padStart(3, '0')}/main.tf`] = LONE;
    const root = makeWorkspace(files);
    c = new TestClient({ root });
    await c.initialize();
    const scanned = () => [...c.latest.values()].filter((p) => p.uri.startsWith(uriOf(root)) && p.diagnostics.length).length;

    // 1. the client's request token
    const cts = new CancellationTokenSource();
    c.onProgress = (token, v) => { if (token === 'scan-c' && v.kind === 'report' && /^[1-9]\d*\/150 files/.test(v.message ?? '')) cts.cancel(); };
    const r1 = await c.executeCommand('lpg.scanWorkspace', [], 'scan-c', cts).then((x) => x as Record<string, unknown>, (e: Error) => ({ error: e.message }));
    await c.until('end of progress scan-c', () => c.progress.some((p) => p.token === 'scan-c' && p.value.kind === 'end'));
    if ('cancelled' in r1) assert.strictEqual(r1.cancelled, true, JSON.stringify(r1));
    const after1 = scanned();
    assert.ok(after1 >= 1 && after1 < 150, `scanned ${after1} of 150 before the cancel took effect`);

    // 2. a progress the server created (no client token): cancelled from the progress UI
    c.onProgress = (token, v) => {
      if (token !== 'scan-c' && v.kind === 'report' && /^[1-9]\d*\/150 files/.test(v.message ?? '')) { c.onProgress = undefined; void c.cancelProgress(token); }
    };
    const r2 = await c.executeCommand('lpg.scanWorkspace', []) as Record<string, unknown>;
    assert.strictEqual(c.createdProgress.length, 1);
    assert.strictEqual(r2.cancelled, true, JSON.stringify(r2));
    assert.ok((r2.folders as number) < 150);
    assert.ok(c.progress.some((p) => p.token === c.createdProgress[0] && p.value.kind === 'end'));

    // 3. re-run to the end
    const r3 = await c.executeCommand('lpg.scanWorkspace', [], 'scan-3') as Record<string, unknown>;
    assert.deepStrictEqual({ ...r3, ms: 0 }, { cancelled: false, folders: 150, files: 150, total: 150, findings: 150, skipped: 0, ms: 0 });
    assert.strictEqual(scanned(), 150);
  });
});
