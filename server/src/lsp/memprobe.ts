/**
 * Bench-only memory probe (issue 19): with `LPG_BENCH_MEMORY=1` in the server's environment, the
 * server answers the request `lpg/bench/memory` with a breakdown of where its memory is:
 * `process.memoryUsage()`, V8's heap spaces, the hcl2json worker's starts, and, when asked
 * (`{ gc: true }`), the same after a full garbage collection (so that garbage and retained memory
 * can be told apart); `{ snapshot: "/path.heapsnapshot" }` writes a V8 heap snapshot there. Off by
 * default: no handler, no log line, nothing retained.
 */
import * as v8 from 'v8';
import * as vm from 'vm';
import type { Connection } from 'vscode-languageserver';

export const MEMORY_REQUEST = 'lpg/bench/memory';

export interface MemoryReport {
  memoryUsage: NodeJS.MemoryUsage;
  /** After a full GC (when asked). */
  afterGc?: NodeJS.MemoryUsage;
  heapSpaces: { name: string; usedMB: number; sizeMB: number }[];
  /** Extra figures from the server (caches, worker restarts). */
  extra: Record<string, unknown>;
  snapshot?: string;
}

let gcFn: (() => void) | undefined;
/** A full GC without starting node with --expose-gc (bench only). */
function fullGc(): void {
  if (!gcFn) {
    v8.setFlagsFromString('--expose-gc');
    gcFn = vm.runInNewContext('gc') as () => void;
  }
  gcFn();
}

export function memoryProbeEnabled(): boolean {
  return typeof process !== 'undefined' && process.env?.LPG_BENCH_MEMORY === '1';
}

/** Installs the `lpg/bench/memory` handler when LPG_BENCH_MEMORY=1. */
export function installMemoryProbe(conn: Connection, extra: () => Record<string, unknown>): void {
  if (!memoryProbeEnabled()) return;
  conn.onRequest(MEMORY_REQUEST, (p: { gc?: boolean; snapshot?: string } | undefined): MemoryReport => {
    const r: MemoryReport = {
      memoryUsage: process.memoryUsage(),
      heapSpaces: v8.getHeapSpaceStatistics().map((s) => ({ name: s.space_name, usedMB: mb(s.space_used_size), sizeMB: mb(s.space_size) })),
      extra: extra(),
    };
    if (p?.gc) { fullGc(); r.afterGc = process.memoryUsage(); }
    if (p?.snapshot) r.snapshot = v8.writeHeapSnapshot(p.snapshot);
    return r;
  });
}

function mb(n: number): number { return Math.round(n / 1048576 * 10) / 10; }
