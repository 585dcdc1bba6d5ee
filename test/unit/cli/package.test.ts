/**
 * The npm package as a user gets it: packed by scripts/package-cli.mjs, installed with
 * `npm install -g` into a temporary prefix (offline), then `lpg` run from the PATH in other folders.
 */
import * as assert from 'assert';
import { execFileSync, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { installGlobally, type Installed } from './install';
import { ROOT, tempDir } from './run';

function lpgOnPath(inst: Installed, args: string[], cwd: string): { code: number; stdout: string; stderr: string } {
  const r = spawnSync('lpg', args, { cwd, env: inst.env, encoding: 'utf8', timeout: 120_000 });
  if (r.error) throw r.error;
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe('npm package: pack, npm install -g, lpg on the PATH', function () {
  this.timeout(180_000);
  let inst: Installed;
  const version = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version as string;

  before(() => { inst = installGlobally(); });

  it('the tarball holds only the runtime: bin, the bundles the CLI loads, the WASM files, the page of lpg web, the rule docs', () => {
    assert.strictEqual(path.basename(inst.tarball), `lambda-permission-guard-${version}.tgz`);
    const entries = execFileSync('tar', ['-tzf', inst.tarball], { encoding: 'utf8' }).trim().split('\n').map((e) => e.replace(/^package\//, '')).sort();
    const docs = fs.readdirSync(path.join(ROOT, 'docs', 'rules')).filter((f) => f.endsWith('.md')).map((f) => `docs/rules/${f}`);
    assert.deepStrictEqual(entries, [
      'LICENSE', 'README.md', 'bin/lpg.js',
      'dist/cli.js', 'dist/hcl2json/worker.js', 'dist/main.wasm.gz', 'dist/scan-worker.js', 'dist/server.js',
      'dist/tree-sitter-terraform.wasm', 'dist/tree-sitter.wasm',
      ...['index.html', 'main.js', 'style.css', 'tree-sitter-terraform.wasm', 'tree-sitter.wasm', 'worker.js'].map((f) => `dist/web/${f}`),
      ...docs, 'package.json',
    ].sort());
    assert.ok(fs.statSync(inst.tarball).size < 3 * 1024 * 1024, `${fs.statSync(inst.tarball).size} bytes`);
  });

  it('npm pack of the repository root (how pre-commit installs the hook) holds the same files (.npmignore)', () => {
    const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' });
    const rootFiles = (JSON.parse(out) as { files: { path: string }[] }[])[0].files.map((f) => f.path).sort();
    const tarFiles = execFileSync('tar', ['-tzf', inst.tarball], { encoding: 'utf8' }).trim().split('\n').map((e) => e.replace(/^package\//, '')).sort();
    assert.deepStrictEqual(rootFiles, tarFiles);
  });

  it('its package.json is ready to publish: name, version, bin, files, licence, engines; no dependencies, no unverified repository', () => {
    const m = JSON.parse(fs.readFileSync(path.join(inst.prefix, 'lib', 'node_modules', 'lambda-permission-guard', 'package.json'), 'utf8'));
    const root = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    assert.strictEqual(m.name, 'lambda-permission-guard');
    assert.strictEqual(m.version, root.version);
    assert.strictEqual(m.license, 'MIT');
    assert.deepStrictEqual(m.bin, { lpg: 'bin/lpg.js' });
    assert.deepStrictEqual(m.files, ['bin/lpg.js', 'dist/', 'docs/rules/']);
    assert.deepStrictEqual(m.engines, { node: '>=20' });
    for (const k of ['dependencies', 'private', 'repository', 'scripts', 'main', 'contributes']) assert.strictEqual(m[k], undefined, k);
  });

  it('lpg --version and lpg scan run from another folder; the parser worker, the WASM files and the module pool are there', () => {
    const elsewhere = tempDir();
    assert.deepStrictEqual(lpgOnPath(inst, ['--version'], elsewhere), { code: 0, stdout: version + '\n', stderr: '' });

    const examples = lpgOnPath(inst, ['scan', path.join(ROOT, 'examples')], elsewhere);
    assert.strictEqual(examples.code, 1, examples.stderr);
    assert.ok(examples.stdout.endsWith('\n8 findings (4 errors, 4 warnings, 0 info) in 4 files (1 module).\n'), examples.stdout);
    assert.strictEqual(examples.stderr, '');

    // HashiCorp's parser (dist/hcl2json/worker.js + dist/main.wasm.gz) confirms a syntax error.
    const broken = tempDir({ 'main.tf': 'resource "aws_lambda_permission" "p" {\n  principal = "*"\n' });
    const b = lpgOnPath(inst, ['scan', '.', '--format', 'json'], broken);
    const doc = JSON.parse(b.stdout) as { findings: { ruleId: string; message: string }[] };
    const pe = doc.findings.find((f) => f.ruleId === 'parse-error');
    assert.ok(pe && pe.message.startsWith('Unclosed configuration block; There is no closing brace for this block'), b.stdout);

    // Enough modules for the worker pool (dist/scan-worker.js).
    const perm = 'resource "aws_lambda_permission" "p" {\n  action        = "lambda:InvokeFunction"\n  function_name = "f"\n  principal     = "*"\n}\n';
    const many = tempDir(Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`m${i}/main.tf`, perm])));
    const m = lpgOnPath(inst, ['scan', '.'], many);
    assert.strictEqual(m.code, 1, m.stderr);
    assert.ok(m.stdout.endsWith('6 findings (6 errors, 0 warnings, 0 info) in 6 files (6 modules).\n'), m.stdout);
  });

  it('npx lpg runs the installed package (offline)', () => {
    const r = spawnSync('npx', ['--offline', 'lpg', '--version'], { cwd: tempDir(), env: inst.env, encoding: 'utf8', timeout: 120_000 });
    assert.deepStrictEqual([r.status, r.stdout], [0, version + '\n'], r.stderr);
  });

  it('lpg lsp --stdio answers initialize (dist/server.js is in the package)', async () => {
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { processId: null, rootUri: null, capabilities: {} } });
    const p = spawn('lpg', ['lsp', '--stdio'], { cwd: tempDir(), env: inst.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stderr.on('data', (d) => { err += d; });
    const answered = new Promise<void>((resolve, reject) => {
      p.stdout.on('data', (d) => { out += d; if (/"id":1,"result":\{"capabilities":/.test(out)) resolve(); });
      p.on('exit', (code) => reject(new Error(`lpg lsp exited (${code}) before answering: ${out} ${err}`)));
    });
    p.stdin.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    try { await answered; } finally { p.kill(); }
  });

  it('lpg web serves the page from the installed package on 127.0.0.1', async () => {
    const p = spawn('lpg', ['web', '--port', '0'], { cwd: tempDir(), env: inst.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stderr.on('data', (d) => { err += d; });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        p.stdout.on('data', (d) => { out += d; const m = /http:\/\/127\.0\.0\.1:\d+\//.exec(out); if (m) resolve(m[0]); });
        p.on('exit', (code) => reject(new Error(`lpg web exited (${code}): ${out} ${err}`)));
      });
      const page = await fetch(url);
      assert.strictEqual(page.status, 200);
      assert.match(await page.text(), /Nothing leaves this page\./);
      assert.strictEqual((await fetch(url + 'tree-sitter.wasm')).headers.get('content-type'), 'application/wasm');
    } finally { p.kill(); }
  });
});
