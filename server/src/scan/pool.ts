/**
 * Worker threads for `scan()`: modules are analysed in parallel in dist/scan-worker.js. Only from the
 * bundles (dist/cli.js): under tsx (the unit tests) a scan stays in one thread. Opt-in:
 * LPG_SCAN_WORKERS=N starts N workers (default 0). On the 2-core development machine, quiet: two
 * workers scan the 10,000-file monorepo in 4.2-4.4 s instead of 5.3-5.9 s, but peak RSS grows from
 * ~200 to ~290 MB, and the 489-file corpus gets no faster (1.6 s, every worker initialises tree-sitter
 * and warms its own JIT up); under a load average of ~10 they made the monorepo scan slower (23 s
 * against 17-23 s). So they stay opt-in.
 * Any failure of a worker falls back to analysing that module in the calling thread.
 */
import { Worker } from 'worker_threads';
import * as fs from 'fs';
import * as path from 'path';
import type { Finding } from '../core/types';
import type { AnalyzeModuleOptions, ModuleInput } from './module';
import { analyzeModuleTextsChecked } from './module';
import type { ScanWorkerRequest, ScanWorkerResponse } from './worker';

export function scanWorkerCount(): number {
  const env = process.env.LPG_SCAN_WORKERS;
  if (env !== undefined && env !== '') { const n = Number(env); return Number.isInteger(n) && n >= 0 ? Math.min(n, 16) : 0; }
  return 0;
}

function workerFile(): string | undefined {
  if (!__filename.endsWith('.js')) return undefined; // sources under tsx: no workers
  const f = path.join(__dirname, 'scan-worker.js');
  return fs.existsSync(f) ? f : undefined;
}

interface Slot { worker: Worker; busy: number; dead: boolean }

export class AnalysisPool {
  private readonly slots: Slot[] = [];
  private readonly pending = new Map<number, { slot: Slot; resolve: (r: ScanWorkerResponse | undefined) => void }>();
  private nextId = 1;

  private constructor(file: string, n: number) {
    for (let i = 0; i < n; i++) {
      const slot: Slot = { worker: new Worker(file), busy: 0, dead: false };
      slot.worker.on('message', (r: ScanWorkerResponse) => { const p = this.pending.get(r.id); if (p) { this.pending.delete(r.id); slot.busy--; p.resolve(r); } });
      const die = (): void => {
        slot.dead = true;
        for (const [id, p] of this.pending) if (p.slot === slot) { this.pending.delete(id); p.resolve(undefined); }
      };
      slot.worker.on('error', die);
      slot.worker.on('exit', die);
      this.slots.push(slot);
    }
  }

  /** A pool, or undefined when workers are off (LPG_SCAN_WORKERS unset or 0, or not running from the bundle). */
  static create(): AnalysisPool | undefined {
    const n = scanWorkerCount();
    const file = workerFile();
    if (!n || !file) return undefined;
    try { return new AnalysisPool(file, n); } catch { return undefined; }
  }

  get size(): number { return this.slots.length; }

  /** Analyses a module in a worker (as analyzeModuleTextsChecked would), or in this thread when the worker cannot. */
  async analyze(input: ModuleInput, opts: AnalyzeModuleOptions): Promise<Finding[]> {
    const live = this.slots.filter((s) => !s.dead);
    if (!live.length) return analyzeModuleTextsChecked(input, opts);
    const slot = live.reduce((a, b) => (b.busy < a.busy ? b : a));
    const id = this.nextId++;
    const req: ScanWorkerRequest = { id, dir: input.dir, files: input.files, only: [...(input.only ?? input.files.map((f) => f.path))], rules: opts.rules ?? {}, authority: !!opts.checkSyntax };
    const r = await new Promise<ScanWorkerResponse | undefined>((resolve) => {
      this.pending.set(id, { slot, resolve });
      slot.busy++;
      try { slot.worker.postMessage(req); } catch { this.pending.delete(id); slot.busy--; resolve(undefined); }
    });
    if (!r || !('findings' in r)) return analyzeModuleTextsChecked(input, opts); // syntax authority needed, or the worker failed
    for (const e of r.ruleErrors) opts.onRuleError?.(e.ruleId, new Error(e.message));
    return r.findings;
  }

  dispose(): void { for (const s of this.slots) void s.worker.terminate(); }
}
