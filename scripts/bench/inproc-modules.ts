/**
 * In-process typing cost in a child module called by N roots (CPU time, meaningful on a loaded
 * machine): the modules benchmark's workspace (scripts/bench/modules.ts), the child open as an
 * OpenDocument, each keystroke applied to it and the configurations that contain it analysed as the
 * server does (server/src/lsp/configs.ts), CPU time per keystroke from process.cpuUsage().
 *
 *   npx tsx scripts/bench/inproc-modules.ts [CALLERS] [EDITS]
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { initParser } from '../../server/src/host/node-wasm';
import { OpenDocument } from '../../server/src/lsp/documents';
import { LspConfigs } from '../../server/src/lsp/configs';
import { DiskCache, type FileFilter } from '../../server/src/lsp/modules';
import { applyOp, cpuMs } from './inproc';
import { modulesWorkspace } from './modules';
import { script, pct, WARMUP } from './typing';

export async function inprocModules(callers: number, edits: number): Promise<{ lines: number; total: number[]; findings: number }> {
  await initParser();
  const { dir, child, text } = modulesWorkspace(callers);
  try {
    const doc = new OpenDocument('file://' + child, child, 'terraform', 1, text);
    const docs = new Map([[child, doc]]);
    const filter: FileFilter = { excluded: () => false, maxBytes: () => 4 * 1024 * 1024 };
    const configs = new LspConfigs(docs, new DiskCache(), (abs) => path.dirname(abs));
    const run = (): number => {
      const v = configs.analyze(dir, path.dirname(child), filter, {}, [], true); // as the server validates a keystroke
      return v ? [...v.byFile.values()].reduce((n, l) => n + l.length, 0) : -1;
    };
    const findings = run();
    const total: number[] = [];
    let v = 1;
    for (const op of script(text, WARMUP + edits)) total.push(cpuMs(() => { applyOp(doc, op, ++v); run(); }));
    return { lines: text.split('\n').length - 1, total: total.slice(WARMUP), findings };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const callers = Number(process.argv[2] ?? 10);
  const edits = Number(process.argv[3] ?? 500);
  console.log(`load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  const r = await inprocModules(callers, edits);
  const f = (xs: number[]) => `p50 ${pct(xs, 50).toFixed(2)} ms, p95 ${pct(xs, 95).toFixed(2)} ms, max ${Math.max(...xs).toFixed(1)} ms`;
  console.log(`in-process CPU per keystroke in a ${r.lines}-line child module called by ${callers} roots (${r.findings} findings), ${edits} edits after ${WARMUP} warm-up edits: ${f(r.total)}`);
  console.log(`  reproduce: npx tsx scripts/bench/inproc-modules.ts ${callers} ${edits}`);
}

if (require.main === module) main().catch((e) => { console.error(e); process.exit(1); });
