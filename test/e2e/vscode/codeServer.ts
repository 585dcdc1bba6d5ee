/**
 * Real VS Code for the e2e tests: code-server 4.100.3 (installed by setup.ts into a cache outside the
 * repository) driven by Debian's headless Chromium through playwright-core. Every run gets a fresh
 * user-data-dir, extensions dir, XDG folders and browser profile; code-server is started in its own
 * process group (detached = setsid) and the whole group is killed afterwards.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { chromiumPath, ensureCodeServer } from './setup';

export const REPO = path.resolve(__dirname, '../../..');
export const FIXTURE = path.join(REPO, 'test/fixtures/vscode-workspace');
export const EXTENSION_ID = 'guardrail.lambda-permission-guard';

/** Polls `fn` until it returns a truthy value; throws with `what` after `timeoutMs` (default 60 s). */
export async function poll<T>(what: string, fn: () => Promise<T> | T, timeoutMs = 60_000, everyMs = 250): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v as NonNullable<T>;
    } catch (e) { last = e; }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `lpg-e2e-${prefix}-`));
}

/** Copies the fixture workspace (fixes are saved to disk, so every run edits its own copy). */
export function copyWorkspace(from = FIXTURE): string {
  const to = path.join(tempDir('ws'), 'workspace');
  fs.cpSync(from, to, { recursive: true });
  return to;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

function get(url: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get(url, (res) => { res.resume(); resolve(res.statusCode ?? 0); });
    req.on('error', () => resolve(0));
    req.setTimeout(2000, () => { req.destroy(); resolve(0); });
  });
}

/**
 * A copy of the built extension (package.json, dist/, syntaxes/, LICENSE) in a temporary folder, used as
 * extensionDevelopmentPath: the run is not disturbed by a concurrent `npm run build`. LPG_E2E_EXTENSION_DIR
 * points the tests at another extension folder instead (e.g. a deliberately broken one).
 */
export function stageExtension(): string {
  if (process.env.LPG_E2E_EXTENSION_DIR) return path.resolve(process.env.LPG_E2E_EXTENSION_DIR);
  if (!fs.existsSync(path.join(REPO, 'dist/extension.js')) || !fs.existsSync(path.join(REPO, 'dist/server.js'))) {
    throw new Error('dist/extension.js or dist/server.js missing: run `npm run build` first');
  }
  const to = path.join(tempDir('ext'), 'lambda-permission-guard');
  for (const p of ['package.json', 'dist', 'syntaxes', 'LICENSE', 'docs/rules', 'schemas']) {
    if (fs.existsSync(path.join(REPO, p))) fs.cpSync(path.join(REPO, p), path.join(to, p), { recursive: true });
  }
  return to;
}

/** Packages the extension (dist/ must be built) into a temporary .vsix with @vscode/vsce, offline. */
export function packageVsix(extensionDir = stageExtension()): string {
  const out = path.join(tempDir('vsix'), 'lambda-permission-guard.vsix');
  for (const p of ['README.md', '.vscodeignore']) {
    if (fs.existsSync(path.join(REPO, p)) && !fs.existsSync(path.join(extensionDir, p))) fs.copyFileSync(path.join(REPO, p), path.join(extensionDir, p));
  }
  const r = spawnSync(process.execPath, [require.resolve('@vscode/vsce/vsce'), 'package', '--no-dependencies', '--no-rewrite-relative-links', '--allow-missing-repository', '--out', out], {
    cwd: extensionDir, encoding: 'utf8', timeout: 120_000,
  });
  if (r.status !== 0 || !fs.existsSync(out)) throw new Error(`vsce package failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return out;
}

export interface CodeServerOptions {
  workspace: string;
  /** Installed into the fresh extensions dir with `code-server --install-extension`. */
  vsix?: string | string[];
  /** Extra user settings (merged over the quiet defaults). */
  settings?: Record<string, unknown>;
  /** Extra environment of code-server (and so of its extension host). */
  env?: Record<string, string>;
}

export class CodeServer {
  readonly port: number;
  readonly root: string;
  readonly userDataDir: string;
  readonly extensionsDir: string;
  private proc: ChildProcess | undefined;
  private logFile: string;
  private readonly env: NodeJS.ProcessEnv;

  private constructor(port: number, readonly opts: CodeServerOptions) {
    this.port = port;
    this.root = tempDir('cs');
    this.userDataDir = path.join(this.root, 'user-data');
    this.extensionsDir = path.join(this.root, 'extensions');
    this.logFile = path.join(this.root, 'code-server.log');
    fs.mkdirSync(path.join(this.userDataDir, 'User'), { recursive: true });
    fs.mkdirSync(this.extensionsDir, { recursive: true });
    const settings = {
      'workbench.startupEditor': 'none',
      'telemetry.telemetryLevel': 'off',
      'update.mode': 'none',
      'extensions.autoUpdate': false,
      'extensions.autoCheckUpdates': false,
      'extensions.ignoreRecommendations': true,
      'workbench.tips.enabled': false,
      'workbench.enableExperiments': false,
      'security.workspace.trust.enabled': false,
      'files.autoSave': 'off',
      'editor.lightbulb.enabled': 'on',
      'window.restoreWindows': 'none',
      'chat.commandCenter.enabled': false,
      'workbench.secondarySideBar.defaultVisibility': 'hidden',
      ...opts.settings,
    };
    fs.writeFileSync(path.join(this.userDataDir, 'User', 'settings.json'), JSON.stringify(settings, null, 2));
    this.env = {
      ...process.env,
      XDG_CONFIG_HOME: path.join(this.root, 'xdg-config'),
      XDG_DATA_HOME: path.join(this.root, 'xdg-data'),
      ...opts.env,
    };
    delete this.env.VSCODE_IPC_HOOK_CLI;
  }

  static async start(opts: CodeServerOptions): Promise<CodeServer> {
    const entry = ensureCodeServer();
    const cs = new CodeServer(await freePort(), opts);
    for (const v of ([] as string[]).concat(opts.vsix ?? [])) cs.installExtension(entry, v);
    const args = [entry, '--bind-addr', `127.0.0.1:${cs.port}`, '--auth', 'none', '--disable-telemetry', '--disable-update-check',
      '--disable-workspace-trust', '--disable-getting-started-override', '--user-data-dir', cs.userDataDir,
      '--extensions-dir', cs.extensionsDir, opts.workspace];
    const log = fs.openSync(cs.logFile, 'a');
    cs.proc = spawn(process.execPath, args, { env: cs.env, detached: true, stdio: ['ignore', log, log] });
    fs.closeSync(log);
    const exited = new Promise<void>((resolve) => cs.proc!.once('exit', () => resolve()));
    try {
      await poll('code-server /healthz', async () => {
        if (cs.proc?.exitCode !== null) throw new Error(`code-server exited: ${cs.log().slice(-2000)}`);
        return (await get(`${cs.url}/healthz`)) === 200;
      }, 60_000, 200);
    } catch (e) {
      await cs.stop();
      await exited;
      throw e;
    }
    return cs;
  }

  get url(): string { return `http://127.0.0.1:${this.port}`; }

  log(): string {
    try { return fs.readFileSync(this.logFile, 'utf8'); } catch { return ''; }
  }

  private installExtension(entry: string, vsix: string): void {
    const r = spawnSync(process.execPath, [entry, '--user-data-dir', this.userDataDir, '--extensions-dir', this.extensionsDir,
      '--install-extension', vsix], { env: this.env, encoding: 'utf8', timeout: 120_000 });
    if (r.status !== 0) throw new Error(`code-server --install-extension failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
    if (!/successfully installed/.test(r.stdout)) throw new Error(`extension not installed: ${fs.readdirSync(this.extensionsDir).join(', ')}\n${r.stdout}`);
  }

  /** Workbench URL for the workspace; `payload` adds e.g. extensionDevelopmentPath / extensionTestsPath. */
  workbenchUrl(payload: [string, string][] = []): string {
    const q = new URLSearchParams({ folder: this.opts.workspace });
    if (payload.length) q.set('payload', JSON.stringify(payload));
    return `${this.url}/?${q.toString()}`;
  }

  remote(p: string): string {
    return `vscode-remote://127.0.0.1:${this.port}${p}`;
  }

  /** The extension host's output channel logs (UD/logs/<ts>/exthost1/output_logging_<ts>/N-<Channel>.log). */
  outputChannelLog(channel: string): string {
    const found: string[] = [];
    const walk = (d: string, depth: number) => {
      if (depth > 6 || !fs.existsSync(d)) return;
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p, depth + 1);
        else if (e.name.endsWith(`-${channel}.log`)) found.push(p);
      }
    };
    walk(path.join(this.userDataDir, 'logs'), 0);
    return found.map((f) => fs.readFileSync(f, 'utf8')).join('\n');
  }

  /** Ends code-server's whole process group (the file watcher child outlives the main pid). */
  async stop(): Promise<void> {
    const p = this.proc;
    if (!p || p.pid === undefined) return;
    this.proc = undefined;
    const group = -p.pid;
    const alive = () => { try { process.kill(group, 0); return true; } catch { return false; } };
    try { process.kill(group, 'SIGTERM'); } catch { /* gone */ }
    const deadline = Date.now() + 5000;
    while (alive() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    if (alive()) { try { process.kill(group, 'SIGKILL'); } catch { /* gone */ } }
  }

  /** Removes the run's temporary folders (after stop()). */
  cleanup(): void {
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}

export interface Browser { context: BrowserContext; page: Page; close(): Promise<void> }

/** Headless Chromium with a fresh profile. */
export async function openBrowser(): Promise<Browser> {
  const profile = tempDir('chromium');
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath(),
    headless: true,
    viewport: { width: 1280, height: 800 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
  const page = context.pages()[0] ?? await context.newPage();
  return {
    context,
    page,
    close: async () => {
      await context.close().catch(() => undefined);
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}
