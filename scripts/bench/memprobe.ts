/**
 * Where a server's memory is (issue 19), for the benchmarks: /proc/PID/smaps grouped into WASM
 * linear memories (V8 reserves 8-10 GB of address space per WebAssembly.Memory: tree-sitter's in
 * the main thread, Go's in the hcl2json worker; only the touched pages are resident), the V8/malloc
 * heaps and the mapped files (code), plus the server's own breakdown (`lpg/bench/memory`, answered
 * when it runs with LPG_BENCH_MEMORY=1: process.memoryUsage, heap spaces, cache sizes).
 *
 *   LPG_BENCH_MEMORY=1 npx tsx scripts/bench/typing.ts soak 2     (a line every 20 s)
 *   LPG_BENCH_MEMORY=1 npx tsx scripts/bench/scan.ts monorepo    (a line after the scan)
 */
import * as fs from 'fs';
import { SERVER, type TestClient } from '../../test/protocol/client';
import { SERVER_EXEC_ARGV } from '../../client/src/serverflags';

/**
 * The server command of the benchmarks: node with the flags the VS Code client passes (client/src/serverflags.ts).
 * LPG_BENCH_EXEC_ARGV="...": other node flags ("" none, for comparisons); LPG_BENCH_SERVER=path: another build of dist/server.js.
 */
export function serverCommand(): string[] {
  const flags = process.env.LPG_BENCH_EXEC_ARGV !== undefined ? process.env.LPG_BENCH_EXEC_ARGV.split(' ').filter(Boolean) : [...SERVER_EXEC_ARGV];
  return [process.execPath, ...flags, process.env.LPG_BENCH_SERVER || SERVER, '--stdio'];
}

export interface Smaps { rssMb: number; wasm: number[]; anonMb: number; fileMb: number }

/** Resident MB of a process by kind of mapping; `wasm`: resident MB of each WASM-sized reservation (>= 1 GB). */
export function smaps(pid: number): Smaps | undefined {
  let text: string;
  try { text = fs.readFileSync(`/proc/${pid}/smaps`, 'utf8'); } catch { return undefined; }
  const out: Smaps = { rssMb: 0, wasm: [], anonMb: 0, fileMb: 0 };
  let size = 0, file = false;
  for (const line of text.split('\n')) {
    const head = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ (\d+)\s*(.*)$/.exec(line);
    if (head) { file = head[1] !== '0' || /^\//.test(head[2]); size = 0; continue; }
    const m = /^(Size|Rss):\s+(\d+) kB/.exec(line);
    if (!m) continue;
    const kb = Number(m[2]);
    if (m[1] === 'Size') { size = kb; continue; }
    const mb = kb / 1024;
    out.rssMb += mb;
    if (size >= 1024 * 1024 && !file) { if (mb >= 1) out.wasm.push(Math.round(mb)); }
    else if (file) out.fileMb += mb;
    else out.anonMb += mb;
  }
  out.rssMb = Math.round(out.rssMb); out.anonMb = Math.round(out.anonMb); out.fileMb = Math.round(out.fileMb);
  return out;
}

interface Report { memoryUsage: Record<string, number>; afterGc?: Record<string, number>; heapSpaces: { name: string; usedMB: number; sizeMB: number }[]; extra: Record<string, unknown> }

const mb = (n: number | undefined): number => Math.round((n ?? 0) / 1048576);

/** One line: smaps groups, and the server's own figures when it answers the probe. */
export async function memoryLine(c: TestClient, gc = false): Promise<string> {
  const s = smaps(c.proc.pid!);
  let own = '';
  if (process.env.LPG_BENCH_MEMORY === '1') {
    try {
      const r = await c.conn.sendRequest<Report>('lpg/bench/memory', { gc });
      const u = r.memoryUsage;
      own = ` | rss ${mb(u.rss)} heapUsed ${mb(u.heapUsed)}/${mb(u.heapTotal)} external ${mb(u.external)} arrayBuffers ${mb(u.arrayBuffers)}`;
      if (r.afterGc) own += ` | after GC: rss ${mb(r.afterGc.rss)} heapUsed ${mb(r.afterGc.heapUsed)}/${mb(r.afterGc.heapTotal)}`;
      own += ' | ' + JSON.stringify(r.extra);
    } catch (e) { own = ` | probe: ${(e as Error).message}`; }
  }
  return s ? `smaps rss ${s.rssMb} MB: wasm [${s.wasm.join(', ')}] anon ${s.anonMb} files ${s.fileMb}${own}` : 'no smaps' + own;
}
