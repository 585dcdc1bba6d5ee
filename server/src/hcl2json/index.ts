/**
 * HashiCorp's HCL parser (@cdktf/hcl2json, WASM) as the authority on `.tf` syntax, run in a worker
 * thread so that it never blocks the caller (a 1 MB file takes ~1.2 s and the JIT warm-up 1-2 s).
 *
 *   const err = await checkSyntax('main.tf', text);   // SyntaxError | null | undefined
 *
 * - `null`: the file parses; a SyntaxError: the first error (0-based line, UTF-16 character, HCL's
 *   message); `undefined`: no answer (timeout, crashed worker, not a `.tf` file): the caller then uses
 *   the structural parser's errors (analyzeModule treats a missing entry that way).
 * - The worker is started lazily (or by `warmUp()`), recycled after big inputs (the Go/WASM heap is
 *   never freed: ~260 MB after a 1 MB file) and when its own memory (reported with each answer) passes
 *   a limit, stopped after a minute without requests (a worker costs ~100 MB of RSS: its isolate, the
 *   compiled Go code and heap), restarted when it dies, and killed when a request times out.
 *   It is not recycled after a count of characters: re-parsing the same 80 KB file while typing
 *   keeps its heap at 35-55 MB, and each restart left ~40 MB of the old worker's memory resident.
 * - Requests are served one at a time in order; the worker does not keep the process alive when idle.
 */
import { Worker } from 'worker_threads';
import * as fs from 'fs';
import * as path from 'path';
import type { SyntaxError } from '../core/analyze';
import { graphemeColumnToUtf16 } from './graphemes';
import type { WorkerRequest, WorkerResponse } from './worker';

export type { SyntaxError };

export interface Hcl2JsonOptions {
  /** Base timeout of one request in ms (plus 10 ms per KB of input). Default 15 s. */
  timeoutMs?: number;
  /** Recycle the worker once it has parsed this many characters in total. Default: never (its memory decides). */
  recycleAfterChars?: number;
  /** Recycle the worker once its own memory (V8 heap + external, Go's WASM memory) reaches this many bytes. Default 128 MB. */
  recycleAboveBytes?: number;
  /** Stop the worker after this many ms without a request (0: never). Default 60 s. */
  idleMs?: number;
  /** Recycle the worker after any single input at least this big. Default 512 KB. */
  recycleBigFileChars?: number;
  /** Path of the worker script (defaults to the bundled worker, or the TypeScript source under tsx). */
  workerPath?: string;
}

interface Pending {
  id: number;
  text: string;
  /** The file asked about (for the record of failures). */
  file?: string;
  resolve: (v: SyntaxError | null | undefined) => void;
  crash?: boolean;
}

/** The file name passed to the parser: its diagnostics are prefixed with it, so it must be easy to find. */
const NAME = '__lpg__.tf';

/** Locates the worker script: next to the bundle (dist/hcl2json/worker.js) or the source file under tsx. */
function defaultWorkerPath(): string {
  const candidates = [
    path.join(__dirname, 'hcl2json', 'worker.js'), // dist/cli.js, dist/server.js
    path.join(__dirname, 'worker.js'), // dist/hcl2json/
    path.join(__dirname, 'worker.ts'), // sources (tsx)
  ];
  for (const c of candidates) if (fs.existsSync(c)) return c;
  throw new Error('hcl2json worker not found next to ' + __dirname);
}

export class Hcl2Json {
  private worker: Worker | undefined;
  private queue: Pending[] = [];
  private current: Pending | undefined;
  private timer: NodeJS.Timeout | undefined;
  private nextId = 1;
  private chars = 0;
  /** The current worker's memory as it last reported it (bytes). */
  workerBytes = 0;
  private idleTimer: NodeJS.Timeout | undefined;
  /** Characters parsed by the current worker. */
  get charsParsed(): number { return this.chars; }
  private disposed = false;
  /** Number of workers started so far (for tests and status). */
  starts = 0;
  /** Files that got no answer because the worker died or timed out: the callers fell back to tree-sitter for them. */
  readonly failures: { file: string; reason: string }[] = [];
  private readonly opts: Required<Omit<Hcl2JsonOptions, 'workerPath'>> & { workerPath?: string };

  constructor(opts: Hcl2JsonOptions = {}) {
    this.opts = {
      timeoutMs: opts.timeoutMs ?? 15_000,
      recycleAfterChars: opts.recycleAfterChars ?? Infinity,
      recycleAboveBytes: opts.recycleAboveBytes ?? 128 * 1048576,
      idleMs: opts.idleMs ?? 60_000,
      recycleBigFileChars: opts.recycleBigFileChars ?? 512_000,
      workerPath: opts.workerPath,
    };
  }

  /** Starts the worker and parses a small file so that the WASM module is compiled and warm. */
  async warmUp(): Promise<void> {
    await this.parseRaw('locals {\n  a = "${b}"\n}\n');
  }

  /** The first syntax error of a `.tf` file, null when it parses, undefined when there is no answer. */
  async checkSyntax(file: string, text: string): Promise<SyntaxError | null | undefined> {
    if (!file.toLowerCase().endsWith('.tf')) return undefined;
    if (text.charCodeAt(0) === 0xfeff) text = ' ' + text.slice(1); // HCL skips a BOM; keep offsets
    const r = await this.parseRaw(text, file);
    if (r === undefined) return undefined;
    if (r === true) return null;
    return firstDiagnostic(r, text) ?? undefined;
  }

  /** Kills the worker (a test hook: the next request starts a new one; the one in flight gets no answer). */
  kill(): Promise<number> {
    const w = this.worker;
    return w ? w.terminate() : Promise.resolve(0);
  }

  /** Makes the worker exit by itself while serving the next request (a test hook). */
  crashNext(): Promise<SyntaxError | null | undefined> {
    return new Promise((resolve) => { this.queue.push({ id: this.nextId++, text: '', resolve, crash: true }); this.pump(); });
  }

  dispose(): void {
    this.disposed = true;
    for (const p of this.queue.splice(0)) p.resolve(undefined);
    this.stopWorker();
  }

  /** true: parses; string: HCL's diagnostics message; undefined: no answer. */
  private parseRaw(text: string, file?: string): Promise<true | string | undefined> {
    if (this.disposed) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const p: Pending = { id: this.nextId++, text, file, resolve: resolve as Pending['resolve'] };
      this.queue.push(p);
      this.pump();
    });
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const file = this.opts.workerPath ?? defaultWorkerPath();
    const w = file.endsWith('.ts')
      ? new Worker(`require(${JSON.stringify(require.resolve(['tsx', 'cjs'].join('/')))}); require(${JSON.stringify(file)});`, { eval: true })
      : new Worker(file);
    this.starts++;
    this.chars = 0;
    this.workerBytes = 0;
    w.unref();
    w.on('message', (m: WorkerResponse) => this.onMessage(w, m));
    w.on('error', () => this.onExit(w));
    w.on('exit', () => this.onExit(w));
    this.worker = w;
    return w;
  }

  private pump(): void {
    if (this.current || this.disposed) return;
    const p = this.queue.shift();
    if (!p) { this.worker?.unref(); this.armIdle(); return; }
    if (this.idleTimer) { clearTimeout(this.idleTimer); this.idleTimer = undefined; }
    this.current = p;
    const w = this.ensureWorker();
    w.ref(); // keep the process alive while a request is in flight
    this.chars += p.text.length;
    const ms = this.opts.timeoutMs + Math.ceil(p.text.length / 100);
    this.timer = setTimeout(() => {
      // A parser stuck on one input: give up on it and start afresh.
      if (p.file) this.failures.push({ file: p.file, reason: `timed out after ${ms} ms` });
      this.finish(p, undefined);
      this.stopWorker();
      this.pump();
    }, ms);
    this.timer.unref();
    const req: WorkerRequest = { id: p.id, text: p.text, name: NAME, crash: p.crash };
    w.postMessage(req);
  }

  private onMessage(w: Worker, m: WorkerResponse): void {
    const p = this.current;
    if (w !== this.worker || !p || p.id !== m.id) return;
    const result = m.ok ? true : m.internal ? undefined : m.message;
    if (m.internal && p.file) this.failures.push({ file: p.file, reason: `internal error: ${m.message ?? 'no message'}` });
    this.finish(p, result as never);
    if (m.memBytes !== undefined) this.workerBytes = m.memBytes;
    const big = p.text.length >= this.opts.recycleBigFileChars || this.chars >= this.opts.recycleAfterChars || this.workerBytes >= this.opts.recycleAboveBytes;
    if (big || m.internal) this.stopWorker();
    this.pump();
  }

  private onExit(w: Worker): void {
    if (w !== this.worker) return;
    this.worker = undefined;
    const p = this.current;
    if (p) {
      if (p.file) this.failures.push({ file: p.file, reason: 'its worker stopped' });
      this.finish(p, undefined);
    }
    this.pump();
  }

  private finish(p: Pending, v: unknown): void {
    if (this.current === p) this.current = undefined;
    if (this.timer) { clearTimeout(this.timer); this.timer = undefined; }
    (p.resolve as (v: unknown) => void)(v);
  }

  /** Stops an idle worker after idleMs (the next request starts a new one). */
  private armIdle(): void {
    if (!this.worker || !this.opts.idleMs || this.idleTimer) return;
    this.idleTimer = setTimeout(() => {
      this.idleTimer = undefined;
      if (!this.current && !this.queue.length) this.stopWorker();
    }, this.opts.idleMs);
    this.idleTimer.unref();
  }

  /** Is a worker running? (tests and status) */
  get running(): boolean { return this.worker !== undefined; }

  private stopWorker(): void {
    if (this.idleTimer) { clearTimeout(this.idleTimer); this.idleTimer = undefined; }
    const w = this.worker;
    this.worker = undefined;
    this.workerBytes = 0;
    if (w) {
      w.removeAllListeners('message');
      w.on('error', () => { /* ignore after stop */ });
      void w.terminate();
    }
  }
}

/** Diagnostics of one HCL error message: `parse config: [NAME:l,c-...: Summary; Detail. NAME:l,c...]`. */
export function parseDiagnostics(message: string): { line: number; column: number; message: string }[] {
  let body = message.replace(/^parse config:\s*/, '');
  if (body.startsWith('[') && body.endsWith(']')) body = body.slice(1, -1);
  const esc = NAME.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`(?:^|\\s)${esc}:(\\d+),(\\d+)(?:-\\d+(?:,\\d+)?)?: `, 'g');
  const marks: { at: number; end: number; line: number; column: number }[] = [];
  for (let m; (m = re.exec(body));) marks.push({ at: m.index, end: m.index + m[0].length, line: +m[1], column: +m[2] });
  return marks.map((m, i) => ({
    line: m.line, column: m.column,
    message: body.slice(m.end, i + 1 < marks.length ? marks[i + 1].at : body.length).trim(),
  }));
}

/** The earliest diagnostic of an HCL error message, converted to a 0-based UTF-16 position in `text`. */
export function firstDiagnostic(message: string, text: string): SyntaxError | undefined {
  const diags = parseDiagnostics(message);
  if (!diags.length) return undefined;
  diags.sort((a, b) => a.line - b.line || a.column - b.column);
  const d = diags[0];
  const lines = text.split('\n');
  const line = Math.max(0, Math.min(d.line - 1, lines.length - 1));
  const lineText = (lines[line] ?? '').replace(/\r$/, '');
  return { line, character: graphemeColumnToUtf16(lineText, d.column), message: d.message };
}

let shared: Hcl2Json | undefined;

/** The process-wide parser service. */
export function hcl2json(): Hcl2Json { return (shared ??= new Hcl2Json()); }

/** Warms the shared worker up (call at start; never rejects). */
export function warmUp(): Promise<void> { return hcl2json().warmUp().catch(() => undefined); }

/** The first syntax error of a `.tf` file per HashiCorp's parser (see Hcl2Json.checkSyntax). */
export function checkSyntax(file: string, text: string): Promise<SyntaxError | null | undefined> {
  return hcl2json().checkSyntax(file, text);
}

/** Files the shared parser could not answer about (worker died or timed out), since the last call; clears the record. */
export function takeHcl2JsonFailures(): { file: string; reason: string }[] {
  return shared ? shared.failures.splice(0) : [];
}

/** Workers started so far and characters parsed by the current one (bench figures). */
export function hcl2jsonStats(): { starts: number; chars: number; workerMB: number; running: boolean } | undefined {
  return shared ? { starts: shared.starts, chars: shared.charsParsed, workerMB: Math.round(shared.workerBytes / 1048576), running: shared.running } : undefined;
}

/** Stops the shared worker. */
export function disposeHcl2Json(): void { shared?.dispose(); shared = undefined; }
