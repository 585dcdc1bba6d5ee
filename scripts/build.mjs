// Bundles the CLI, the language server, the VS Code client and the hcl2json worker with esbuild,
// and copies the WASM files they load next to the bundles. Output: dist/ (not committed).
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { createRequire, builtinModules } from 'node:module';
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

// The paste-and-fix page (web/): static files in dist/web/, the core in a module Web Worker.
const webCtx = existsSync('web/src/main.ts') ? await esbuild.context(webBuildOptions('dist/web')) : undefined;
if (webCtx) {
  mkdirSync('dist/web', { recursive: true });
  for (const f of ['index.html', 'style.css']) copyFileSync(join('web', f), join('dist/web', f));
  for (const [from, to] of wasm.slice(0, 2)) copyFileSync(from, join('dist/web', to));
}

if (watch) { await ctx.watch(); await webCtx?.watch(); }
else {
  await ctx.rebuild(); await ctx.dispose();
  if (webCtx) { await webCtx.rebuild(); await webCtx.dispose(); }
}

// VS Code for the Web: the extension's `browser` entry and the language server's Web Worker (dist/browser/).
const nodeShims = { fs: './server/src/lsp/browser/vfs.ts', 'fs/promises': './server/src/lsp/browser/vfs.ts', path: 'path-browserify', 'node:path': 'path-browserify', url: './server/src/lsp/browser/shims.ts', buffer: './server/src/lsp/browser/shims.ts' };
const browserExt = existsSync('client/src/browser.ts') ? await esbuild.context({
  entryPoints: [{ in: 'client/src/browser.ts', out: 'browser/extension' }], outdir: out, bundle: true, platform: 'browser',
  format: 'cjs', target: 'es2022', sourcemap: true, minify: true, external: ['vscode'], logLevel: 'warning',
  alias: { 'vscode-languageclient/node': './client/src/browser/languageclient.ts', 'node:path': 'path-browserify', path: 'path-browserify' },
  plugins: [nodeStubs(['node:path', 'path'])],
}) : undefined;
const browserServer = existsSync('server/src/lsp/browser/main.ts') ? await esbuild.context({
  // iife: VS Code's web worker extension host starts nested workers with importScripts (classic scripts)
  entryPoints: [{ in: 'server/src/lsp/browser/main.ts', out: 'browser/server' }], outdir: out, bundle: true, platform: 'browser',
  format: 'iife', target: 'es2022', sourcemap: false, minify: true, logLevel: 'warning',
  alias: { 'jsonc-parser': 'jsonc-parser/lib/esm/main.js', ...nodeShims }, plugins: [browserHost(), nodeStubs(Object.keys(nodeShims))],
  // the global Buffer of the shared file-reading code (scan/fs.ts)
  inject: ['./server/src/lsp/browser/buffer-global.ts'],
  external: ['module'],
}) : undefined;
for (const c of [browserExt, browserServer]) if (c) { if (watch) await c.watch(); else { await c.rebuild(); await c.dispose(); } }

/** esbuild options of the page's two bundles (main.js, worker.js): browser, ES modules, minified. */
export function webBuildOptions(outdir) {
  return {
    entryPoints: [{ in: 'web/src/main.ts', out: 'main' }, { in: 'web/src/worker.ts', out: 'worker' }],
    outdir, bundle: true, platform: 'browser', format: 'esm', target: 'es2022', minify: true,
    sourcemap: false, legalComments: 'linked', logLevel: 'warning',
    alias: { 'jsonc-parser': 'jsonc-parser/lib/esm/main.js' },
    // web-tree-sitter's ESM build imports these only when it runs under Node
    external: ['fs', 'fs/promises', 'path', 'module', 'url'],
    plugins: [browserHost()],
  };
}

/**
 * Any other Node built-in that server code imports (a module added later, say) becomes a stub in the
 * browser server bundle: the build still succeeds, and using it fails at run time (a direct property
 * access throws an error naming the module; through `import * as` it is an empty namespace). The web
 * extension-host test (test/e2e/vscode/web.test.ts) shows such a failure.
 */
function nodeStubs(shimmed) {
  const names = new Set(builtinModules.flatMap((m) => [m, 'node:' + m]).filter((m) => !shimmed.includes(m) && m !== 'module'));
  return {
    name: 'lpg-node-stubs',
    setup(b) {
      b.onResolve({ filter: /^(node:)?[a-z_/]+$/ }, (a) => (names.has(a.path) ? { path: a.path, namespace: 'lpg-node-stub' } : undefined));
      b.onLoad({ filter: /.*/, namespace: 'lpg-node-stub' }, (a) => ({
        loader: 'js',
        contents: `const name = ${JSON.stringify(a.path)};
module.exports = new Proxy({}, { get(_t, k) {
  if (k === '__esModule' || k === 'default' || k === 'then' || typeof k === 'symbol') return undefined;
  throw new Error('the Node module ' + name + ' is not available in the browser (used: ' + String(k) + ')');
} });`,
      }));
    },
  };
}

/** Browser paths: host/node-wasm -> host/browser-wasm; examples as text; docs/rules/*.md as `lpg:rule-docs`. */
function browserHost() {
  return {
    name: 'lpg-browser-host',
    setup(b) {
      b.onResolve({ filter: /host\/node-wasm$/ }, (a) => ({ path: join(a.resolveDir, a.path.replace(/node-wasm$/, 'browser-wasm.ts')) }));
      b.onResolve({ filter: /^lpg:rule-docs$/ }, () => ({ path: 'rule-docs', namespace: 'lpg' }));
      b.onLoad({ filter: /.*/, namespace: 'lpg' }, () => {
        const dir = 'docs/rules';
        const docs = Object.fromEntries(readdirSync(dir).filter((f) => f.endsWith('.md') && f !== 'README.md').map((f) => [f.slice(0, -3), readFileSync(join(dir, f), 'utf8')]));
        return { contents: JSON.stringify(docs), loader: 'json', watchFiles: readdirSync(dir).map((f) => join(dir, f)) };
      });
      b.onLoad({ filter: /[\\/]web[\\/]examples[\\/][^\\/]+$/ }, (a) => ({ contents: readFileSync(a.path, 'utf8'), loader: 'text' }));
    },
  };
}
