/**
 * The page's Web Worker: the analysis core, unchanged, with the WASM files loaded from the page's
 * own folder. Findings come from the same functions as `lpg scan` (scan/module.ts) and "Fix all"
 * from the same fix loop as `lpg scan --fix` (scan/fix.ts); no syntax checker is injected (the
 * HashiCorp parser's Node entry stays out of the page): syntax errors are tree-sitter's.
 */
import { initParser } from '../../server/src/core/parse/treesitter';
import { allRules } from '../../server/src/core/rules';
import { analyzeModuleTexts } from '../../server/src/scan/module';
import { fixModule } from '../../server/src/scan/fix';
import type { Request, Response } from './protocol';

const post = (r: Response) => (self as unknown as { postMessage(m: unknown): void }).postMessage(r);

const t0 = performance.now();
const base = new URL('./', self.location.href);
const ready = initParser({ runtime: new URL('tree-sitter.wasm', base).href, grammar: new URL('tree-sitter-terraform.wasm', base).href });
ready.then(
  () => post({ id: 0, kind: 'ready', rules: allRules.map((r) => r.meta), ms: performance.now() - t0 }),
  (e) => post({ id: 0, kind: 'failed', message: String((e as Error)?.message ?? e) }),
);

/** The tabs form one module (a folder): cross-file wiring works as in a Terraform folder. */
function input(files: { path: string; text: string }[]) {
  return { dir: '', files: files.map((f) => ({ path: f.path, text: f.text.replace(/^\uFEFF/, '') })) };
}

self.onmessage = async (ev: MessageEvent<Request>) => {
  const m = ev.data;
  try {
    await ready;
    if (m.kind === 'analyze') {
      const t = performance.now();
      const findings = await analyzeModuleTexts(input(m.files));
      post({ id: m.id, kind: 'analyze', findings, ms: performance.now() - t });
    } else if (m.kind === 'fixAll') {
      const r = await fixModule(input(m.files));
      post({ id: m.id, kind: 'fixAll', texts: [...r.texts].map(([path, text]) => ({ path, text })), applied: r.applied, rejected: r.rejected, remaining: r.findings.length });
    }
  } catch (e) {
    post({ id: m.id, kind: 'error', message: String((e as Error)?.message ?? e) });
  }
};
