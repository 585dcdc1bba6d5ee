/**
 * Worker thread around @cdktf/hcl2json (HashiCorp's HCL parser compiled to WASM). The parser blocks
 * its thread for ~1 ms per KB and never frees its memory, so it lives here, off the caller's thread,
 * and the client (./index.ts) recycles the worker after big inputs.
 *
 * Protocol: in {id, text}; out {id, ok: true} | {id, ok: false, message} | {id, ok: false, crash}.
 * Bundled as dist/hcl2json/worker.js: @cdktf/hcl2json reads `join(__dirname, '..', 'main.wasm.gz')`,
 * i.e. dist/main.wasm.gz, where scripts/build.mjs copies it.
 */
import { parentPort } from 'worker_threads';
import { getHeapStatistics } from 'v8';
import { parse } from '@cdktf/hcl2json';

export interface WorkerRequest { id: number; text: string; name?: string; crash?: boolean }
/** `memBytes`: the worker's own memory after the request (its V8 heap plus external memory, which holds Go's WASM linear memory). */
export interface WorkerResponse { id: number; ok: boolean; message?: string; internal?: boolean; memBytes?: number }

/** This isolate's memory: the V8 heap plus external memory (ArrayBuffers and the WASM linear memory, which never shrinks). */
function memBytes(): number {
  const h = getHeapStatistics() as ReturnType<typeof getHeapStatistics> & { external_memory?: number };
  return h.total_heap_size + (h.external_memory ?? 0);
}

if (parentPort) {
  const port = parentPort;
  port.on('message', (req: WorkerRequest) => {
    if (req.crash) process.exit(3); // test hook: simulates a dying worker
    parse(req.name ?? 'input.tf', req.text).then(
      () => port.postMessage({ id: req.id, ok: true, memBytes: memBytes() } satisfies WorkerResponse),
      (e: unknown) => {
        const message = e instanceof Error ? e.message : String(e);
        // Diagnostics come as "parse config: [...]"; anything else is a failure of the parser itself.
        port.postMessage({ id: req.id, ok: false, message, internal: !message.startsWith('parse config:'), memBytes: memBytes() } satisfies WorkerResponse);
      },
    );
  });
}
