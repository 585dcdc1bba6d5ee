// Builds the publishable npm package of the `lpg` command line from dist/ (run `npm run build` first):
// a staging folder with a package.json generated from the root one and only the runtime files
// (bin/lpg.js, the bundles the CLI loads, the WASM files, the rule docs, README, LICENSE), then
// `npm pack` there. Usage: node scripts/package-cli.mjs [--out DIR] (default: the repository root).
//
// Why a generated manifest and not the root package.json with a "files" list: the root package.json
// is the VS Code extension's manifest. vsce refuses a "files" field next to .vscodeignore, and the
// root's "dependencies" are only inputs of the esbuild bundles (a published CLI must not make
// `npm install -g` download them), its "main" is the extension (it requires `vscode`), its
// "repository" is unverified. The generated manifest takes name, version, description, licence,
// keywords and engines.node from the root, so there is one source of truth.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const outIdx = args.indexOf('--out');
const outDir = resolve(outIdx >= 0 ? args[outIdx + 1] : root);
const stage = join(root, 'out', 'npm');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

// The runtime: what bin/lpg.js and the bundles load (dist/cli.js; dist/server.js for `lpg lsp`;
// dist/scan-worker.js for scans of many modules; dist/hcl2json/worker.js + dist/main.wasm.gz for
// HashiCorp's parser; the tree-sitter WASM files; dist/web/ for `lpg web`), and the rule pages the diagnostics refer to.
const files = [
  'bin/lpg.js',
  'dist/cli.js',
  'dist/server.js',
  'dist/scan-worker.js',
  'dist/hcl2json/worker.js',
  'dist/main.wasm.gz',
  'dist/tree-sitter.wasm',
  'dist/tree-sitter-terraform.wasm',
  // `lpg web`: the paste-and-fix page it serves
  ...(existsSync(join(root, 'dist', 'web')) ? readdirSync(join(root, 'dist', 'web')).filter((f) => !f.endsWith('.map')).map((f) => `dist/web/${f}`) : ['dist/web/index.html']),
  ...readdirSync(join(root, 'docs', 'rules')).filter((f) => f.endsWith('.md')).map((f) => `docs/rules/${f}`),
];
const missing = files.filter((f) => !existsSync(join(root, f)));
if (missing.length) {
  console.error(`package-cli: missing ${missing.join(', ')}: run npm run build first`);
  process.exit(1);
}

const manifest = {
  name: pkg.name,
  version: pkg.version,
  description: pkg.description,
  license: pkg.license,
  keywords: pkg.keywords,
  bin: { lpg: 'bin/lpg.js' },
  files: ['bin/lpg.js', 'dist/', 'docs/rules/'],
  engines: { node: pkg.engines.node },
};

rmSync(stage, { recursive: true, force: true });
for (const f of [...files, 'README.md', 'LICENSE']) {
  mkdirSync(dirname(join(stage, f)), { recursive: true });
  copyFileSync(join(root, f), join(stage, f));
}
writeFileSync(join(stage, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');
mkdirSync(outDir, { recursive: true });
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const out = execFileSync(npm, ['pack', '--json', '--pack-destination', outDir], { cwd: stage, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
const [info] = JSON.parse(out);
console.log(join(outDir, info.filename));
