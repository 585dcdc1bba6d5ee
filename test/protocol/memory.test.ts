/** The bench-only memory probe (issue 19) and the node flags of the VS Code client's server process, against the real server. */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { TestClient, makeWorkspace, SERVER } from './client';
import { SERVER_EXEC_ARGV } from '../../client/src/serverflags';

const LONE = `resource "aws_lambda_permission" "api" {\n  action        = "lambda:InvokeFunction"\n  function_name = "f"\n  principal     = "apigateway.amazonaws.com"\n}\n`;

interface Report { memoryUsage: { rss: number; heapUsed: number }; afterGc?: { rss: number; heapUsed: number }; heapSpaces: { name: string; usedMB: number; sizeMB: number }[]; extra: Record<string, unknown>; snapshot?: string }

describe('protocol: memory probe (LPG_BENCH_MEMORY=1)', function () {
  let c: TestClient;
  afterEach(async () => { await c?.stop(); });

  it('answers lpg/bench/memory with the process figures, the state sizes, a GC and a heap snapshot', async () => {
    const root = makeWorkspace({ 'main.tf': LONE });
    c = new TestClient({ root, env: { LPG_BENCH_MEMORY: '1', LPG_NO_HCL2JSON: '1' }, command: [process.execPath, ...SERVER_EXEC_ARGV, SERVER, '--stdio'] });
    await c.initialize();
    const uri = await c.open(path.join(root, 'main.tf'));
    await c.current(uri, (d) => d.length === 1, 'the finding');
    const snap = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lpg-snap-')), 'server.heapsnapshot');
    const r = await c.conn.sendRequest<Report>('lpg/bench/memory', { gc: true, snapshot: snap });
    assert.ok(r.memoryUsage.rss > r.memoryUsage.heapUsed && r.memoryUsage.heapUsed > 0, JSON.stringify(r.memoryUsage));
    assert.ok(r.afterGc && r.afterGc.heapUsed > 0);
    // one open document with its block cache (one top-level block), one result; no hcl2json worker (LPG_NO_HCL2JSON=1)
    assert.deepStrictEqual({ docs: r.extra.docs, blockCache: r.extra.blockCache, results: r.extra.results, hcl2json: r.extra.hcl2json }, { docs: 1, blockCache: 1, results: 1, hcl2json: undefined });
    // the client's --max-semi-space-size=4: the young generation stays at 2 x 4 MB (16 MB would give 32)
    const young = r.heapSpaces.find((s) => s.name === 'new_space');
    assert.ok(young && young.sizeMB <= 8, JSON.stringify(r.heapSpaces));
    assert.strictEqual(r.snapshot, snap);
    assert.ok(fs.statSync(snap).size > 1024 * 1024);
    assert.ok(fs.readFileSync(snap, 'utf8').startsWith('{"snapshot":'));
    fs.rmSync(path.dirname(snap), { recursive: true, force: true });
  });

  it('is not there by default (no handler)', async () => {
    const root = makeWorkspace({ 'main.tf': LONE });
    c = new TestClient({ root, env: { LPG_BENCH_MEMORY: '' } });
    await c.initialize();
    await assert.rejects(c.conn.sendRequest('lpg/bench/memory', {}), (e: { code?: number }) => e.code === -32601);
  });
});
