/** Runs the built CLI (`node bin/lpg.js`) as a real process. */
import { spawnSync, execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as os from 'os';

export const ROOT = path.resolve(__dirname, '..', '..', '..');
export const BIN = path.join(ROOT, 'bin', 'lpg.js');
export const CORPUS = path.resolve(ROOT, '..', 'shared', 'corpus');
export const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'cli');

export interface Run { code: number; stdout: string; stderr: string }

export function lpg(args: string[], opts: { cwd?: string } = {}): Run {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: opts.cwd ?? ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 120_000 });
  if (r.error) throw r.error;
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function newestMtime(dir: string): number {
  let t = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
  }
  return t;
}

/** Builds dist/ when it is missing or older than the sources (`npm test` has built it already). */
export function ensureBuilt(): void {
  const cli = path.join(ROOT, 'dist', 'cli.js');
  const worker = path.join(ROOT, 'dist', 'hcl2json', 'worker.js');
  const fresh = fs.existsSync(cli) && fs.existsSync(worker) && fs.statSync(cli).mtimeMs >= newestMtime(path.join(ROOT, 'server', 'src'));
  if (!fresh) execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, stdio: 'pipe' });
}

/** A fresh temporary folder with copies of the given files (name -> text). */
export function tempDir(files: Record<string, string | Buffer> = {}): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'lpg-cli-'));
  for (const [name, text] of Object.entries(files)) {
    const p = path.join(d, name);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, text);
  }
  return d;
}

/** Copies a fixture folder of test/fixtures/cli into a temporary folder. */
export function copyFixture(name: string): string {
  const d = tempDir();
  fs.cpSync(path.join(FIXTURES, name), d, { recursive: true });
  return d;
}

export function read(p: string): string { return fs.readFileSync(p, 'utf8'); }
