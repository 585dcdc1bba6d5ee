/**
 * A scan worker thread (dist/scan-worker.js): analyses whole modules for `scan()` so that a scan uses
 * every core. In: {id, dir, files, only, rules, authority}. Out: {id, findings, ruleErrors} or, when
 * tree-sitter finds a syntax error in a `.tf` file and the caller has a syntax authority
 * (hcl2json lives in the main thread), {id, needsAuthority: true}: the caller then analyses the module itself.
 */
import { parentPort } from 'worker_threads';
import { initParser } from '../host/node-wasm';
import { makeSourceFile } from '../core/source';
import type { Finding, SeveritySetting } from '../core/types';
import { analyzeModuleTextsSync } from './module';
import { relativeTo } from './plan';

export interface ScanWorkerRequest { id: number; dir: string; files: { path: string; text: string }[]; only: string[]; rules: Record<string, SeveritySetting>; authority: boolean }
export type ScanWorkerResponse =
  | { id: number; findings: Finding[]; ruleErrors: { ruleId: string; message: string }[] }
  | { id: number; needsAuthority: true }
  | { id: number; failed: string };

if (parentPort) {
  const port = parentPort;
  port.on('message', (m: ScanWorkerRequest) => {
    void (async () => {
      try {
        await initParser();
        const input = { dir: m.dir, files: m.files, only: new Set(m.only) };
        const files = m.files.map((f) => makeSourceFile(relativeTo(m.dir, f.path), f.text));
        if (m.authority && files.some((f) => f.kind === 'tf' && f.syntax?.errors.length)) { port.postMessage({ id: m.id, needsAuthority: true } satisfies ScanWorkerResponse); return; }
        const ruleErrors: { ruleId: string; message: string }[] = [];
        const findings = analyzeModuleTextsSync(input, { rules: m.rules, onRuleError: (ruleId, e) => ruleErrors.push({ ruleId, message: e instanceof Error ? e.message : String(e) }) }, new Map(), files);
        port.postMessage({ id: m.id, findings, ruleErrors } satisfies ScanWorkerResponse);
      } catch (e) {
        port.postMessage({ id: m.id, failed: e instanceof Error ? e.message : String(e) } satisfies ScanWorkerResponse);
      }
    })();
  });
}
