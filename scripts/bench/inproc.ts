/**
 * In-process typing cost (CPU time, not wall clock: meaningful on a loaded machine): the benchmark's
 * scripted keystrokes applied to an OpenDocument (server/src/lsp/documents.ts) as the server does
 * (incremental change -> syntax model -> analysis of the file), CPU time per keystroke from
 * process.cpuUsage(), for the block-local re-parse on and off (LPG_BLOCK_LOCAL=0 in the server).
 *
 *   npx tsx scripts/bench/inproc.ts [EDITS]
 */
import * as os from 'os';
import { initParser } from '../../server/src/host/node-wasm';
import { OpenDocument } from '../../server/src/lsp/documents';
import { analyzeModule } from '../../server/src/core/analyze';
import { LineIndex } from '../../server/src/core/text';
import { typingModule } from './gen';
import { script, pct, WARMUP } from './typing';

export type Op = { offset: number; insert?: string; del?: number };

/** Applies one scripted keystroke to an open document (as the server's didChange does). */
export function applyOp(doc: OpenDocument, op: Op, version: number): void {
  const li = new LineIndex(doc.text);
  doc.update([{ range: { start: li.positionAt(op.offset), end: li.positionAt(op.offset + (op.del ?? 0)) }, text: op.insert ?? '' }], version);
}

/** CPU milliseconds (user + system) of `work`. */
export function cpuMs(work: () => void): number {
  const c0 = process.cpuUsage();
  work();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
}

export async function inproc(units: number, edits: number, blockLocal: boolean): Promise<{ lines: number; parse: number[]; total: number[] }> {
  await initParser();
  const text0 = typingModule(units);
  const doc = new OpenDocument('file:///bench/main.tf', '/bench/main.tf', 'terraform', 1, text0);
  doc.blockLocal = blockLocal;
  analyzeModule([doc.sourceFile('main.tf')]);
  const parse: number[] = [], total: number[] = [];
  let v = 1;
  for (const op of script(text0, WARMUP + edits)) {
    let f = doc.sourceFile('main.tf');
    const model = cpuMs(() => { applyOp(doc, op, ++v); f = doc.sourceFile('main.tf'); });
    parse.push(model);
    total.push(model + cpuMs(() => analyzeModule([f])));
  }
  return { lines: text0.split('\n').length - 1, parse: parse.slice(WARMUP), total: total.slice(WARMUP) };
}

async function main(): Promise<void> {
  const edits = Number(process.argv[2] ?? 500);
  console.log(`load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  for (const units of [100, 10]) for (const on of [false, true]) {
    const r = await inproc(units, edits, on);
    const f = (xs: number[]) => `p50 ${pct(xs, 50).toFixed(2)} ms, p95 ${pct(xs, 95).toFixed(2)} ms, max ${Math.max(...xs).toFixed(1)} ms`;
    console.log(`in-process CPU per keystroke, ${r.lines} lines, ${edits} edits after ${WARMUP} warm-up edits, block-local ${on ? 'on' : 'off'}: model ${f(r.parse)}; model + analysis ${f(r.total)}`);
  }
  console.log(`  reproduce: npx tsx scripts/bench/inproc.ts ${edits}`);
}

if (require.main === module) main().catch((e) => { console.error(e); process.exit(1); });
