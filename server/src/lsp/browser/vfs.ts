/**
 * The browser server's file system: an in-memory copy of the workspace's Terraform and policy files,
 * filled and kept current by the web extension (which reads them through `vscode.workspace.fs`).
 * scripts/build.mjs aliases `fs` and `fs/promises` to this module in the browser bundle, so the
 * server's folder logic (lsp/modules.ts, lsp/settings.ts, scan/fs.ts) runs unchanged. Read-only.
 */
interface Entry { text: string; size: number; mtimeMs: number }

const files = new Map<string, Entry>();
const enc = new TextEncoder();

function parentOf(p: string): string { const i = p.lastIndexOf('/'); return i <= 0 ? '/' : p.slice(0, i); }
function clean(p: string): string { return p.length > 1 && p.endsWith('/') ? p.slice(0, -1) : p; }

/** Adds, replaces (text) or removes (undefined) a file. */
export function setFile(p: string, text: string | undefined): void {
  if (text === undefined) files.delete(p);
  else files.set(p, { text, size: enc.encode(text).length, mtimeMs: Date.now() + files.size / 1000 });
}
export function clearFiles(): void { files.clear(); }
export function fileCount(): number { return files.size; }

function isDir(p: string): boolean {
  const pre = p === '/' ? '/' : p + '/';
  for (const k of files.keys()) if (k.startsWith(pre)) return true;
  return false;
}

function enoent(p: string, op: string): Error {
  const e = new Error(`ENOENT: no such file or directory, ${op} '${p}'`) as Error & { code: string };
  e.code = 'ENOENT';
  return e;
}

class Stats {
  readonly ino = 0;
  readonly dev = 0;
  constructor(readonly size: number, readonly mtimeMs: number, private readonly dir: boolean) {}
  isFile(): boolean { return !this.dir; }
  isDirectory(): boolean { return this.dir; }
  isSymbolicLink(): boolean { return false; }
  isFIFO(): boolean { return false; }
  isCharacterDevice(): boolean { return false; }
  isBlockDevice(): boolean { return false; }
  isSocket(): boolean { return false; }
  get mode(): number { return 0o644; }
}

class Dirent {
  constructor(readonly name: string, private readonly dir: boolean) {}
  isFile(): boolean { return !this.dir; }
  isDirectory(): boolean { return this.dir; }
  isSymbolicLink(): boolean { return false; }
}

export function statSync(p: string): Stats {
  p = clean(p);
  const f = files.get(p);
  if (f) return new Stats(f.size, f.mtimeMs, false);
  if (isDir(p)) return new Stats(0, 0, true);
  throw enoent(p, 'stat');
}

export function existsSync(p: string): boolean { p = clean(p); return files.has(p) || isDir(p); }

export function readFileSync(p: string, _encoding?: string): string {
  const f = files.get(clean(p));
  if (!f) throw enoent(p, 'open');
  return f.text;
}

export function readdirSync(dir: string, opts?: { withFileTypes?: boolean }): (string | Dirent)[] {
  dir = clean(dir);
  if (!isDir(dir)) throw enoent(dir, 'scandir');
  const pre = dir === '/' ? '/' : dir + '/';
  const names = new Map<string, boolean>();
  for (const k of files.keys()) {
    if (!k.startsWith(pre)) continue;
    const rest = k.slice(pre.length);
    const i = rest.indexOf('/');
    if (i < 0) names.set(rest, false); else names.set(rest.slice(0, i), true);
  }
  const sorted = [...names].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return opts?.withFileTypes ? sorted.map(([n, d]) => new Dirent(n, d)) : sorted.map(([n]) => n);
}

export function realpathSync(p: string): string { statSync(p); return clean(p); }
/** Node's `fs.realpathSync.native` (scan/fs.ts calls it): the same here. */
realpathSync.native = realpathSync;

// Descriptor reads (scan/fs.ts readTextSync: open, fstat, read, close), on the same copy.
export const constants = { O_RDONLY: 0, O_NONBLOCK: 0, O_NOCTTY: 0 };
const descriptors = new Map<number, { path: string; bytes: Uint8Array; pos: number }>();
let nextFd = 3;

export function openSync(p: string, _flags?: number): number {
  const f = files.get(clean(p));
  if (!f) throw enoent(p, 'open');
  const fd = nextFd++;
  descriptors.set(fd, { path: clean(p), bytes: enc.encode(f.text), pos: 0 });
  return fd;
}
function desc(fd: number): { path: string; bytes: Uint8Array; pos: number } {
  const d = descriptors.get(fd);
  if (!d) { const e = new Error('EBADF: bad file descriptor') as Error & { code: string }; e.code = 'EBADF'; throw e; }
  return d;
}
export function fstatSync(fd: number): Stats { const d = desc(fd); return new Stats(d.bytes.length, files.get(d.path)?.mtimeMs ?? 0, false); }
export function readSync(fd: number, buf: Uint8Array, offset: number, length: number, _position: null | number): number {
  const d = desc(fd);
  const n = Math.max(0, Math.min(length, d.bytes.length - d.pos));
  buf.set(d.bytes.subarray(d.pos, d.pos + n), offset);
  d.pos += n;
  return n;
}
export function closeSync(fd: number): void { descriptors.delete(fd); }

export const promises = {
  stat: async (p: string) => statSync(p),
  readFile: async (p: string, enc?: string) => readFileSync(p, enc),
  realpath: async (p: string) => realpathSync(p),
  readdir: async (p: string, o?: { withFileTypes?: boolean }) => readdirSync(p, o),
};
export const { stat, readFile, realpath, readdir } = promises;
export { parentOf as dirnameOf };
export type { Stats, Dirent };
export default { statSync, existsSync, readFileSync, readdirSync, realpathSync, promises, constants, openSync, fstatSync, readSync, closeSync };

function readOnly(op: string): never {
  const e = new Error(`EROFS: the browser server's file copy is read-only, ${op}`) as Error & { code: string };
  e.code = 'EROFS';
  throw e;
}
export const open = async (_p: string, ..._a: unknown[]): Promise<never> => readOnly('open');
export const rm = async (_p: string, ..._a: unknown[]): Promise<never> => readOnly('rm');
export const rename = async (_a: string, _b: string): Promise<never> => readOnly('rename');
export function writeFileSync(_p: string, ..._a: unknown[]): never { return readOnly('write'); }
// the CLI's atomic writes (scan/fs.ts): never called by the server; refused if they were
export function fsyncSync(..._a: unknown[]): never { return readOnly('fsync'); }
export function fchownSync(..._a: unknown[]): never { return readOnly('fchown'); }
export function fchmodSync(..._a: unknown[]): never { return readOnly('fchmod'); }
export function rmSync(..._a: unknown[]): never { return readOnly('rm'); }
export function writeSync(..._a: unknown[]): never { return readOnly('write'); }
export function ftruncateSync(..._a: unknown[]): never { return readOnly('ftruncate'); }
export function renameSync(..._a: unknown[]): never { return readOnly('rename'); }
