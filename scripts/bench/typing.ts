/**
 * Typing and start benchmarks against the real server (node dist/server.js --stdio) over stdio.
 *
 *   npx tsx scripts/bench/typing.ts [typing|start|soak] [EDITS|MINUTES]
 *
 * typing: in a generated module file (2,014 lines with 100 Lambda permissions, integrations and role
 * policies; and 214 lines with 10), with lpg.debounceMs 0, 500 scripted incremental edits (typing a
 * new attribute character by character into a permission block, then deleting it again, spread
 * over the file); after each didChange, waits for the publishDiagnostics of that version. Prints
 * the round trip didChange -> publishDiagnostics p50/p95/max (client side: includes JSON-RPC and pipe
 * time, so it is an upper bound of the server time).
 * start: process start to the first publishDiagnostics of an opened file, median of 5.
 * soak [MINUTES]: random editing of the 2,014-line module for MINUTES (default 10; fractions allowed,
 * e.g. 0.5 for a quick check): words typed at the start of random lines, then deleted
 * or kept, each keystroke waiting for its diagnostics; prints the server's RSS now and its peak.
 * LPG_BENCH_CODELENS=1: the client advertises workspace.codeLens.refreshSupport and, after each
 * edit's diagnostics, asks for the file's CodeLens as VS Code does (lens round trip reported apart).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { CodeLensRequest } from 'vscode-languageserver-protocol';
import { TestClient, positionAt, SERVER } from '../../test/protocol/client';
import { typingModule, plainModule } from './gen';
import { memoryLine, serverCommand } from './memprobe';

export function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}
/** Applies one edit and returns the milliseconds from didChange to the diagnostics of the new version. */
export async function timedEdit(c: TestClient, uri: string, op: { offset: number; insert?: string; del?: number }): Promise<number> {
  const cur = c.text(uri);
  const start = positionAt(cur, op.offset);
  const end = positionAt(cur, op.offset + (op.del ?? 0));
  const t0 = performance.now();
  const v = await c.change(uri, [{ range: { start, end }, newText: op.insert ?? '' }]);
  await c.diagnostics(uri, (_d, p) => p.version === v, `diagnostics of version ${v}`);
  return performance.now() - t0;
}
export function median(xs: number[]): number { return pct(xs, 50); }

const SETTINGS = { '*': { run: 'onType', debounceMs: 0, rules: {}, exclude: [], maxFileSizeMB: 4 } };

/** The scripted keystrokes: for each of several permission blocks, type `  description = "..."\n` then delete it. */
export function script(text: string, edits: number): { offset: number; insert?: string; del?: number }[] {
  const ops: { offset: number; insert?: string; del?: number }[] = [];
  const anchors: number[] = [];
  // the permission blocks of typingModule(), or the buckets of plainModule()
  const re = text.includes('resource "aws_lambda_permission" "api') ? /resource "aws_lambda_permission" "api\d+" \{\n/g : /resource "aws_s3_bucket" "b\d+" \{\n/g;
  for (let m; (m = re.exec(text));) anchors.push(m.index + m[0].length);
  const line = '  description   = "typed by the benchmark"\n';
  let k = 0;
  let shift = 0; // text is restored after each word, so offsets stay valid
  while (ops.length < edits) {
    const at = anchors[(k * 7) % anchors.length] + shift;
    k++;
    for (let i = 0; i < line.length && ops.length < edits; i++) ops.push({ offset: at + i, insert: line[i] });
    const typed = Math.min(line.length, ops.filter((o) => o.insert !== undefined).length - (k - 1) * line.length);
    for (let i = typed; i > 0 && ops.length < edits; i--) ops.push({ offset: at + i - 1, del: 1 });
  }
  return ops.slice(0, edits);
}

/**
 * Unmeasured edits before the measured ones (LPG_BENCH_WARMUP, default 100): the JIT's first keystrokes
 * are 2-3x slower than the steady state; they are reported apart as `cold`.
 */
export const WARMUP = Math.max(0, Number(process.env.LPG_BENCH_WARMUP ?? 100) || 0);
export function coldOf(xs: number[]): { edits: number; p50: number; p95: number } | undefined {
  return xs.length ? { edits: xs.length, p50: median(xs), p95: pct(xs, 95) } : undefined;
}

export async function typing(units: number | 'plain', edits: number): Promise<{ lines: number; p50: number; p95: number; max: number; edits: number; serverRss: number; cold?: { edits: number; p50: number; p95: number }; lens?: { p50: number; p95: number; count: number } }> {
  const lenses = process.env.LPG_BENCH_CODELENS === '1';
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lpg-bench-typing-'));
  const file = path.join(dir, 'main.tf');
  const text = units === 'plain' ? plainModule(2000) : typingModule(units);
  fs.writeFileSync(file, text);
  const c = new TestClient({ root: dir, settings: SETTINGS, env: { LPG_NO_HCL2JSON: process.env.LPG_NO_HCL2JSON ?? '' }, command: serverCommand(), codeLensRefresh: lenses, initializationOptions: lenses ? { wiring: true } : undefined });
  const lensTimes: number[] = [];
  let lensCount = 0;
  try {
    await c.initialize();
    const uri = await c.open(file);
    await c.current(uri, () => true, 'first diagnostics');
    const all: number[] = [];
    for (const op of script(text, WARMUP + edits)) {
      all.push(await timedEdit(c, uri, op));
      if (all.length <= WARMUP) continue;
      if (lenses) {
        const t1 = performance.now();
        lensCount = ((await c.conn.sendRequest(CodeLensRequest.type, { textDocument: { uri } })) ?? []).length;
        lensTimes.push(performance.now() - t1);
      }
    }
    const rss = rssOf(c.proc.pid!);
    const times = all.slice(WARMUP), cold = all.slice(0, WARMUP);
    return { lines: text.split('\n').length - 1, p50: median(times), p95: pct(times, 95), max: Math.max(...times), edits: times.length, serverRss: rss, cold: coldOf(cold), ...(lenses ? { lens: { p50: median(lensTimes), p95: pct(lensTimes, 95), count: lensCount } } : {}) };
  } finally {
    await c.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Random editing of the 2,014-line module for `minutes`; the server's RSS at the end and its peak (VmHWM). */
export async function soak(minutes: number, seed = 20261130): Promise<{ edits: number; rssMb: number; peakMb: number; p50: number; p95: number }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lpg-bench-soak-'));
  const file = path.join(dir, 'main.tf');
  const text = typingModule(100);
  fs.writeFileSync(file, text);
  let a = seed >>> 0;
  const rand = (): number => { a = (a + 0x6d2b79f5) >>> 0; let t = a; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
  const words = ['  description = "typed"\n', 'x', '"', '${', '[', '{\n', '  timeout = 30\n', '# note\n', 'resource "aws_lambda_permission" "n" {\n  principal = "sns.amazonaws.com"\n}\n'];
  // LPG_SOAK_KEYS=N: stop after N keystrokes too (the same edits whatever the load: for before/after comparisons);
  // the server runs with the VS Code client's node flags (LPG_BENCH_EXEC_ARGV, LPG_BENCH_SERVER: memprobe.ts)
  const c = new TestClient({ root: dir, settings: SETTINGS, env: { LPG_NO_HCL2JSON: process.env.LPG_NO_HCL2JSON ?? '' }, command: serverCommand() });
  const maxKeys = Number(process.env.LPG_SOAK_KEYS ?? Infinity);
  try {
    await c.initialize();
    const uri = await c.open(file);
    await c.current(uri, () => true, 'first diagnostics');
    const stopAt = performance.now() + minutes * 60_000;
    let end = stopAt;
    const times: number[] = [];
    const key = async (offset: number, insert: string, del = 0): Promise<void> => {
      const cur = c.text(uri);
      const t0 = performance.now();
      const v = await c.change(uri, [{ range: { start: positionAt(cur, offset), end: positionAt(cur, offset + del) }, newText: insert }]);
      await c.diagnostics(uri, (_d, p) => p.version === v, `diagnostics of version ${v}`);
      times.push(performance.now() - t0);
      if (times.length >= maxKeys) end = 0;
    };
    // LPG_BENCH_MEMORY=1: a memory breakdown line every 20 s (memprobe.ts)
    const probe = process.env.LPG_BENCH_MEMORY === '1';
    let nextProbe = performance.now();
    while (performance.now() < end) {
      if (probe && performance.now() >= nextProbe) { nextProbe += 20_000; console.log(`  ${((performance.now() - stopAt) / 1000 + minutes * 60).toFixed(0)} s, ${times.length} keys: ${await memoryLine(c)}`); }
      const cur = c.text(uri);
      // a line start inside the file, a word typed there character by character, then deleted (mostly) or kept
      let at = Math.floor(rand() * cur.length);
      at = cur.lastIndexOf('\n', at) + 1;
      const w = words[Math.floor(rand() * words.length)];
      for (let i = 0; i < w.length && performance.now() < end; i++) await key(at + i, w[i]);
      if (rand() < 0.85 || c.text(uri).length > text.length * 1.5) for (let i = w.length; i > 0 && performance.now() < end; i--) if (c.text(uri).slice(at, at + i).length === i) await key(at + i - 1, '', 1);
    }
    if (probe) console.log(`  end: ${await memoryLine(c, true)}`);
    return { edits: times.length, rssMb: rssOf(c.proc.pid!), peakMb: rssOf(c.proc.pid!, 'VmHWM'), p50: median(times), p95: pct(times, 95) };
  } finally {
    await c.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Resident set size (MB) of a process now, from /proc. */
export function rssOf(pid: number, field: 'VmRSS' | 'VmHWM' = 'VmRSS'): number {
  try {
    const m = new RegExp(field + ':\\s+(\\d+) kB').exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : NaN;
  } catch { return NaN; }
}

/** Process start to the first publishDiagnostics for a file opened right after initialize. */
export async function start(): Promise<number> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lpg-bench-start-'));
  const file = path.join(dir, 'main.tf');
  fs.writeFileSync(file, typingModule(10));
  const t0 = performance.now();
  const c = new TestClient({ root: dir, settings: SETTINGS, command: serverCommand() });
  try {
    await c.initialize();
    const uri = await c.open(file);
    await c.current(uri, () => true, 'first diagnostics');
    return performance.now() - t0;
  } finally {
    await c.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  if (!fs.existsSync(SERVER)) { console.error('dist/server.js is missing: run npm run build'); process.exit(2); }
  const what = process.argv[2] ?? 'typing';
  const edits = Number(process.argv[3] ?? 500);
  if (what === 'typing') {
    for (const units of [100, 10, 'plain'] as const) {
      const r = await typing(units, edits);
      console.log(`typing ${r.lines} lines${units === 'plain' ? ' (plain: buckets and security groups, no Lambda)' : ''}: ${r.edits} edits after ${WARMUP} warm-up edits, didChange -> publishDiagnostics p50 ${r.p50.toFixed(1)} ms, p95 ${r.p95.toFixed(1)} ms, max ${r.max.toFixed(1)} ms; server RSS ${r.serverRss} MB${r.cold ? `; warm-up edits (cold JIT) p50 ${r.cold.p50.toFixed(1)} ms, p95 ${r.cold.p95.toFixed(1)} ms` : ''}${r.lens ? `; codeLens (${r.lens.count} lenses) p50 ${r.lens.p50.toFixed(1)} ms, p95 ${r.lens.p95.toFixed(1)} ms` : ''}`);
    }
  } else if (what === 'soak') {
    const minutes = Number(process.argv[3] ?? 10);
    const r = await soak(minutes);
    console.log(`soak: ${minutes} min of random editing of the 2,014-line module, ${r.edits} keystrokes (p50 ${r.p50.toFixed(1)} ms, p95 ${r.p95.toFixed(1)} ms): server RSS ${r.rssMb} MB, peak ${r.peakMb} MB`);
  } else if (what === 'start') {
    const xs: number[] = [];
    for (let i = 0; i < 5; i++) xs.push(await start());
    console.log(`start: process start -> first diagnostics: median ${median(xs).toFixed(0)} ms (runs: ${xs.map((x) => x.toFixed(0)).join(', ')})`);
  }
}

if (require.main === module) main().catch((e) => { console.error(e); process.exit(1); });
