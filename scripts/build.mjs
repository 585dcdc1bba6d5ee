// Bundles the CLI, the language server, the VS Code client and the hcl2json worker with esbuild,
// and copies the WASM files they load next to the bundles. Output: dist/ (not committed).
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const watch = process.argv.includes('--watch');
const out = 'dist';
mkdirSync(out, { recursive: true });

const entries = [
  { in: 'server/src/cli/main.ts', out: 'cli' },
  { in: 'server/src/lsp/main.ts', out: 'server' },
  // dist/hcl2json/worker.js: @cdktf/hcl2json loads join(__dirname, '..', 'main.wasm.gz'), i.e. dist/main.wasm.gz.
  { in: 'server/src/hcl2json/worker.ts', out: 'hcl2json/worker' },
  { in: 'server/src/scan/worker.ts', out: 'scan-worker' },
  { in: 'client/src/extension.ts', out: 'extension' },
  // The GitHub Action's logic (action/index.js loads it; it runs dist/cli.js).
  { in: 'server/src/cli/action.ts', out: 'action' },
].filter((e) => existsSync(e.in));

const ctx = await esbuild.context({
  entryPoints: entries.map((e) => ({ in: e.in, out: e.out })),
  outdir: out,
  bundle: true,
  platform: 'node',
  // jsonc-parser's UMD build requires './impl/*' dynamically, which esbuild cannot bundle: use its ESM build
  // web-tree-sitter: esbuild picks the "import" export condition for TS imports, and that ESM build
  // needs import.meta.url, which a CJS bundle lacks: use its CJS build.
  alias: { 'jsonc-parser': 'jsonc-parser/lib/esm/main.js', 'web-tree-sitter': require.resolve('web-tree-sitter') },
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  // 'performance': bridge_wasm_exec.js of @cdktf/hcl2json requires it only when globalThis.performance is missing (never on Node 20).
  external: ['vscode', 'performance'],
  logLevel: 'warning',
});

const wasm = [
  [join(dirname(require.resolve('web-tree-sitter')), 'tree-sitter.wasm'), 'tree-sitter.wasm'],
  [require.resolve('@tree-sitter-grammars/tree-sitter-hcl/tree-sitter-terraform.wasm'), 'tree-sitter-terraform.wasm'],
  [join(dirname(require.resolve('@cdktf/hcl2json/package.json')), 'main.wasm.gz'), 'main.wasm.gz'],
];
for (const [from, to] of wasm) copyFileSync(from, join(out, to));

if (watch) await ctx.watch();
else { await ctx.rebuild(); await ctx.dispose(); }
