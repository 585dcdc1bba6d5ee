/**
 * Installs code-server 4.100.3 (= VS Code 1.100.3, the last release that runs on Node 20) into a cache
 * folder outside the repository, offline-friendly (only the npm registry is needed). The recipe and the
 * four tricks it needs are in ../shared/E2E.md:
 *   1. npm_config_unsafe_perm=true (its postinstall refuses to run as root otherwise),
 *   2. libkrb5-dev + pkg-config installed by apt (the `kerberos` module builds from source),
 *   3. @vscode/ripgrep's GitHub download pre-seeded from Debian's /usr/bin/rg through $TMPDIR,
 *   4. npm_config_yes=true (node-pty's postinstall runs `npx node-gyp`).
 * Usage: `npx tsx test/e2e/vscode/setup.ts` (prints the code-server entry), or ensureCodeServer().
 * Cache: $LPG_E2E_CACHE or ~/.cache/lpg-e2e.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const CODE_SERVER_VERSION = '4.100.3';
const RIPGREP_VERSION = '1.15.11';
const RIPGREP_ASSET = 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz';

export function cacheRoot(): string {
  return process.env.LPG_E2E_CACHE || path.join(os.homedir(), '.cache', 'lpg-e2e');
}

export function codeServerDir(): string {
  return path.join(cacheRoot(), `code-server-${CODE_SERVER_VERSION}`);
}

/** The JS entry point of code-server (run with the current `node`). */
export function codeServerEntry(dir = codeServerDir()): string {
  return path.join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
}

function log(msg: string): void {
  process.stderr.write(`[lpg-e2e setup] ${msg}\n`);
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Checks the system programs the e2e tests need (installed by .ci/run through apt). */
export function checkSystem(): void {
  const missing: string[] = [];
  if (!fs.existsSync(chromiumPath())) missing.push('chromium');
  if (!fs.existsSync('/usr/bin/rg')) missing.push('ripgrep');
  if (spawnSync('pkg-config', ['--exists', 'krb5-gssapi']).status !== 0) missing.push('libkrb5-dev pkg-config');
  if (missing.length) {
    throw new Error(`e2e prerequisites missing: apt-get install -y --no-install-recommends ${missing.join(' ')}`);
  }
}

export function chromiumPath(): string {
  return process.env.LPG_CHROMIUM || '/usr/bin/chromium';
}

/** Returns code-server's entry.js, installing code-server first when the cache lacks it. */
export function ensureCodeServer(): string {
  const dir = codeServerDir();
  const marker = path.join(dir, '.lpg-installed');
  if (fs.existsSync(marker) && fs.existsSync(codeServerEntry(dir))) return codeServerEntry(dir);
  checkSystem();
  fs.mkdirSync(cacheRoot(), { recursive: true });
  // One installer at a time (two test processes may start together): a lock folder, stale after 15 min.
  const lock = `${dir}.lock`;
  const deadline = Date.now() + 20 * 60_000;
  for (;;) {
    try { fs.mkdirSync(lock); break; } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      if (fs.existsSync(marker)) return codeServerEntry(dir);
      const age = Date.now() - fs.statSync(lock).mtimeMs;
      if (age > 15 * 60_000) { fs.rmSync(lock, { recursive: true, force: true }); continue; }
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${lock}`);
      sleep(1000);
    }
  }
  try {
    if (fs.existsSync(marker)) return codeServerEntry(dir);
    const staging = `${dir}.staging-${process.pid}`;
    fs.rmSync(staging, { recursive: true, force: true });
    fs.mkdirSync(staging, { recursive: true });
    fs.writeFileSync(path.join(staging, 'package.json'), JSON.stringify({ name: 'lpg-e2e-code-server', private: true }, null, 2));
    // Trick 3: @vscode/ripgrep looks for its download in $TMPDIR/vscode-ripgrep-cache-<version>/ first.
    const tmp = path.join(staging, '.tmp');
    const rgCache = path.join(tmp, `vscode-ripgrep-cache-${RIPGREP_VERSION}`);
    fs.mkdirSync(rgCache, { recursive: true });
    execFileSync('tar', ['-czf', path.join(rgCache, RIPGREP_ASSET), '-C', '/usr/bin', 'rg']);
    const env = {
      ...process.env,
      TMPDIR: tmp,
      npm_config_unsafe_perm: 'true', // trick 1
      npm_config_yes: 'true', // trick 4
      npm_config_audit: 'false',
      npm_config_fund: 'false',
      npm_config_update_notifier: 'false',
      XDG_CONFIG_HOME: path.join(tmp, 'config'),
      XDG_DATA_HOME: path.join(tmp, 'data'),
    };
    log(`installing code-server@${CODE_SERVER_VERSION} into ${dir} (about 2 minutes, once)`);
    const started = Date.now();
    const r = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--no-save', `code-server@${CODE_SERVER_VERSION}`], {
      cwd: staging, env, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', maxBuffer: 64 * 1024 * 1024,
      timeout: 15 * 60_000,
    });
    if (r.status !== 0 || !fs.existsSync(codeServerEntry(staging))) {
      const tail = `${r.stdout ?? ''}\n${r.stderr ?? ''}`.split('\n').slice(-40).join('\n');
      throw new Error(`npm install code-server@${CODE_SERVER_VERSION} failed (status ${r.status}, ${r.error ?? ''}):\n${tail}`);
    }
    fs.rmSync(tmp, { recursive: true, force: true });
    fs.rmSync(dir, { recursive: true, force: true });
    fs.renameSync(staging, dir);
    fs.writeFileSync(marker, `${new Date().toISOString()} ${Math.round((Date.now() - started) / 1000)} s\n`);
    log(`installed in ${Math.round((Date.now() - started) / 1000)} s`);
    return codeServerEntry(dir);
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

if (require.main === module) {
  console.log(ensureCodeServer());
}
