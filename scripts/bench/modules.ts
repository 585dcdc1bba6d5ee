/**
 * Typing in a child module called by N roots, against the real server (node dist/server.js --stdio).
 *
 *   npx tsx scripts/bench/modules.ts [CALLERS] [EDITS]
 *
 * The workspace: `modules/svc/main.tf` (the 214-line module of typing.ts, with 10 Lambda units, plus a
 * variable) called by `envs/e0` ... `envs/eN-1` (each `module "svc" { source = "../../modules/svc" }`
 * with its own argument). The child is open; every keystroke re-validates the N configurations that
 * contain it. Prints the round trip didChange -> publishDiagnostics p50/p95/max.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { TestClient, SERVER } from '../../test/protocol/client';
import { typingModule } from './gen';
import { median, pct, rssOf, timedEdit, WARMUP, coldOf } from './typing';
import { serverCommand } from './memprobe';

const SETTINGS = { '*': { run: 'onType', debounceMs: 0, rules: {}, exclude: [], maxFileSizeMB: 4 } };

export function modulesWorkspace(callers: number): { dir: string; child: string; text: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lpg-bench-modules-'));
  const text = typingModule(10).replace('variable "account_id" {\n  default = "123456789012"\n}', 'variable "account_id" {\n  type = string\n}');
  const child = path.join(dir, 'modules', 'svc', 'main.tf');
  fs.mkdirSync(path.dirname(child), { recursive: true });
  fs.writeFileSync(child, text);
  for (let i = 0; i < callers; i++) {
    const p = path.join(dir, 'envs', 'e' + i, 'main.tf');
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, `module "svc" {\n  source     = "../../modules/svc"\n  account_id = "12345678901${i % 10}"\n}\n`);
  }
  return { dir, child, text };
}

export async function typingInChild(callers: number, edits: number): Promise<{ lines: number; p50: number; p95: number; max: number; edits: number; serverRss: number; findings: number; cold?: { edits: number; p50: number; p95: number } }> {
  const { dir, child, text } = modulesWorkspace(callers);
  // the VS Code client's node flags; LPG_BENCH_EXEC_ARGV="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the server (memprobe.ts)
  const c = new TestClient({ root: dir, settings: SETTINGS, env: { LPG_NO_HCL2JSON: process.env.LPG_NO_HCL2JSON ?? '' }, command: serverCommand() });
  try {
    await c.initialize();
    const uri = await c.open(child);
    const first = await c.current(uri, () => true, 'first diagnostics');
    const anchors: number[] = [];
    const re = /resource "aws_lambda_permission" "api\d+" \{\n/g;
    for (let m; (m = re.exec(text));) anchors.push(m.index + m[0].length);
    const line = '  description   = "typed by the benchmark"\n';
    const all: number[] = [];
    let k = 0;
    while (all.length < WARMUP + edits) {
      const at = anchors[(k++ * 7) % anchors.length];
      const ops: { offset: number; insert?: string; del?: number }[] = [];
      for (let i = 0; i < line.length; i++) ops.push({ offset: at + i, insert: line[i] });
      for (let i = line.length; i > 0; i--) ops.push({ offset: at + i - 1, del: 1 });
      for (const op of ops) {
        if (all.length >= WARMUP + edits) break;
        all.push(await timedEdit(c, uri, op));
      }
    }
    const times = all.slice(WARMUP);
    return { lines: text.split('\n').length - 1, p50: median(times), p95: pct(times, 95), max: Math.max(...times), edits: times.length, serverRss: rssOf(c.proc.pid!), findings: first.length, cold: coldOf(all.slice(0, WARMUP)) };
  } finally {
    await c.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  if (!fs.existsSync(SERVER)) { console.error('dist/server.js is missing: run npm run build'); process.exit(2); }
  const callers = Number(process.argv[2] ?? 10);
  const edits = Number(process.argv[3] ?? 500);
  for (const n of [0, callers]) {
    const r = await typingInChild(n, edits);
    console.log(`typing in a ${r.lines}-line child module called by ${n} roots: ${r.edits} edits after ${WARMUP} warm-up edits, didChange -> publishDiagnostics p50 ${r.p50.toFixed(1)} ms, p95 ${r.p95.toFixed(1)} ms, max ${r.max.toFixed(1)} ms; ${r.findings} findings; server RSS ${r.serverRss} MB${r.cold ? `; the warm-up edits (cold JIT): p50 ${r.cold.p50.toFixed(1)} ms, p95 ${r.cold.p95.toFixed(1)} ms` : ''}`);
  }
}

if (require.main === module) main().catch((e) => { console.error(e); process.exit(1); });
