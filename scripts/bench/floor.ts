/**
 * The floor of a scan: what any scanner of this design must do at least. Walk the tree (skipping
 * .terraform/, node_modules/, .git/), read every file a scan reads, and tree-sitter-parse the
 * Terraform files of the relevant modules (folders whose texts pass the scan's pre-filter, the
 * same cheap test `lpg scan` uses). No model, no rules, no hcl2json.
 *
 *   node dist/bench-floor.js DIR     (built by scripts/bench/index.ts; prints one JSON line)
 */
import * as fs from 'fs';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { parseTerraform } from '../../server/src/core/parse/treesitter';
import { initParser } from '../../server/src/host/node-wasm';
import { isScannedFile, mayBeRelevant, SKIP_DIRS } from '../../server/src/scan/plan';

async function main(): Promise<void> {
  const t0 = performance.now();
  const root = path.resolve(process.argv[2]);
  await initParser();
  const byDir = new Map<string, { name: string; text: string }[]>();
  let files = 0, bytes = 0;
  const visit = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) { if (!SKIP_DIRS.has(e.name)) visit(p); continue; }
      if (!e.isFile() || !isScannedFile(e.name)) continue;
      const text = fs.readFileSync(p, 'utf8');
      files++; bytes += text.length;
      const l = byDir.get(dir);
      if (l) l.push({ name: e.name, text }); else byDir.set(dir, [{ name: e.name, text }]);
    }
  };
  visit(root);
  const tRead = performance.now();
  let parsed = 0, parsedBytes = 0;
  for (const list of byDir.values()) {
    if (!list.some((f) => mayBeRelevant(f.text))) continue;
    for (const f of list) {
      if (!/\.(tf|tfvars)$/i.test(f.name)) continue;
      parseTerraform(f.text).delete();
      parsed++; parsedBytes += f.text.length;
    }
  }
  const t1 = performance.now();
  console.log(JSON.stringify({ files, bytes, parsed, parsedBytes, readMs: Math.round(tRead - t0), parseMs: Math.round(t1 - tRead), ms: Math.round(t1 - t0) }));
}

void main();
