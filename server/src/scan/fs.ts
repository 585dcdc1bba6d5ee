/**
 * The file-system side of a scan: walking a folder, reading texts, writing fixed files safely.
 * Everything else of the scan is pure (plan.ts, module.ts, fix.ts).
 *
 * A scanned repository may be hostile: symbolic links that lead outside the scanned root are not
 * followed (for reading or writing), FIFOs, sockets and devices are never opened for a blocking read
 * (the type is checked on the open descriptor), and a write never changes a file's owner, group,
 * mode or hard links, nor rewrites a read-only file.
 */
import * as fs from 'fs';
import * as path from 'path';
import { isUtf8 } from 'buffer';
import { SKIP_DIRS, isScannedFile } from './plan';

export interface ScanIssue {
  file: string;
  message: string;
  /**
   * The scan is incomplete because of it: a file or folder that could not be read, or a fix that
   * could not be written (the CLI's exit code 3). Files skipped on purpose (too big, binary, links
   * outside the root, FIFOs) are not.
   */
  incomplete?: boolean;
}

/**
 * Files bigger than this are not read (reported as skipped). The same default as the editor's
 * lpg.maxFileSizeMB: tree-sitter and the syntax model take ~3 s and ~230 MB per MB of Terraform.
 */
export const MAX_FILE_BYTES = 4 * 1024 * 1024;

const mb = (n: number): string => String(+(n / 1048576).toPrecision(3));

/** `/`-separated path of `p` relative to `root`. */
export function toRel(root: string, p: string): string {
  return path.relative(root, p).split(path.sep).join('/');
}

/** Is `real` (a real path) `root` or inside it? */
export function isInside(root: string, real: string): boolean {
  const rel = path.relative(root, real);
  return rel === '' || (!rel.startsWith('..' + path.sep) && rel !== '..' && !path.isAbsolute(rel));
}

/** The real path of a folder, or the path itself when it cannot be resolved. */
export function realOr(p: string): string {
  try { return fs.realpathSync(p); } catch { return p; }
}

/** A word for a file type that is not a regular file or folder. */
export function kindOf(st: { isFIFO(): boolean; isSocket(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean; isDirectory(): boolean; isSymbolicLink?(): boolean }): string {
  if (st.isFIFO()) return 'a FIFO';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isDirectory()) return 'a folder';
  return 'not a regular file';
}

const OUTSIDE = 'skipped: symbolic link to outside the scanned root (not followed)';

export interface WalkOptions {
  /** May a real path be read? Default: inside the real path of `root`. */
  allowed?: (real: string) => boolean;
  /** Message for a link whose target is not allowed. */
  outsideMessage?: string;
}

/**
 * Walks `root` and returns the root-relative paths of the files a scan reads. Skips `.terraform/`,
 * `node_modules/`, `.git/`; follows symbolic links that stay inside the root once (no loops); lists
 * links that lead outside the root, FIFOs, sockets and devices, and unreadable folders as issues.
 * `ignored(rel, isDir)` prunes paths early (e.g. config globs).
 */
export async function walk(root: string, ignored: (rel: string, isDir: boolean) => boolean = () => false, wopts: WalkOptions = {}): Promise<{ files: string[]; issues: ScanIssue[] }> {
  const files: string[] = [];
  const issues: ScanIssue[] = [];
  const visited = new Set<string>();
  const realRoot = realOr(root);
  const allowed = wopts.allowed ?? ((real: string) => isInside(realRoot, real));
  const outside = wopts.outsideMessage ?? OUTSIDE;
  // An explicit stack, not recursion: a folder tree thousands of levels deep does not overflow the stack.
  const stack: string[] = [root];
  while (stack.length) {
    const dir = stack.pop()!;
    let real: string;
    try { real = fs.realpathSync(dir); } catch (e) { issues.push({ file: toRel(root, dir) || '.', message: `cannot read folder: ${errText(e)}`, incomplete: true }); continue; }
    if (visited.has(real)) continue; // symbolic link loop or a folder linked twice
    visited.add(real);
    let entries: fs.Dirent[];
    try { entries = fs.readdirSync(dir, { withFileTypes: true }); } catch (e) { issues.push({ file: toRel(root, dir) || '.', message: `cannot read folder: ${errText(e)}`, incomplete: true }); continue; }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const subdirs: string[] = [];
    for (const e of entries) {
      const p = path.join(dir, e.name);
      const rel = toRel(root, p);
      let st: { isDirectory(): boolean; isFile(): boolean; isFIFO(): boolean; isSocket(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean } = e;
      if (e.isSymbolicLink()) {
        let target: string;
        try { target = fs.realpathSync(p); st = fs.statSync(target); } catch { continue; /* dangling link or loop */ }
        if (st.isDirectory() ? SKIP_DIRS.has(e.name) || ignored(rel, true) : !isScannedFile(e.name) || ignored(rel, false)) continue;
        if (!allowed(target)) { issues.push({ file: rel, message: outside }); continue; }
      }
      if (st.isDirectory()) {
        if (SKIP_DIRS.has(e.name) || ignored(rel, true)) continue;
        subdirs.push(p);
      } else if (isScannedFile(e.name) && !ignored(rel, false)) {
        if (st.isFile()) files.push(rel);
        else issues.push({ file: rel, message: `skipped: ${kindOf(st)}, not a regular file` });
      }
    }
    for (let i = subdirs.length - 1; i >= 0; i--) stack.push(subdirs[i]);
  }
  return { files: files.sort(), issues };
}

/** A file's text as read: `text` without BOM, `raw` the exact bytes (to detect later changes). */
export interface ReadText { text: string; bom: boolean; raw: Buffer }

const O_NONBLOCK = fs.constants.O_NONBLOCK ?? 0;
const O_NOCTTY = fs.constants.O_NOCTTY ?? 0;

export interface ReadOptions {
  /** Largest file read (bytes); default MAX_FILE_BYTES. */
  maxBytes?: number;
  /** May the file's real path be read? (workspace confinement). */
  allowed?: (real: string) => boolean;
  outsideMessage?: string;
  /** Message for a file over maxBytes. */
  tooBig?: (size: number, max: number) => string;
  /** false: `raw` is left empty (a scan that writes no fix never compares bytes: no copy of every file kept). */
  raw?: boolean;
}

const NO_RAW = Buffer.alloc(0);

/**
 * Reads a UTF-8 text file. Returns a ScanIssue for unreadable, binary, too big or non-regular files
 * and for files whose real path is not allowed. The file is opened non-blocking and its type is
 * checked on the descriptor: a FIFO or device swapped in after the walk is never read.
 */
export function readTextSync(file: string, rel: string, o: ReadOptions = {}): ReadText | ScanIssue {
  const max = o.maxBytes ?? MAX_FILE_BYTES;
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | O_NONBLOCK | O_NOCTTY);
    const st = fs.fstatSync(fd);
    if (!st.isFile()) return { file: rel, message: `skipped: ${kindOf(st)}, not a regular file` };
    if (o.allowed) {
      const real = fs.realpathSync.native(file); // the C library's: one call, not an lstat per path component from JavaScript
      const again = fs.statSync(real);
      if (!o.allowed(real) || again.ino !== st.ino || again.dev !== st.dev) return { file: rel, message: o.outsideMessage ?? OUTSIDE };
    }
    if (st.size > max) return { file: rel, message: o.tooBig ? o.tooBig(st.size, max) : `skipped: ${mb(st.size)} MB is over the maximum file size (${mb(max)} MB)` };
    // Read at most max + 1 bytes: a file that grows after the fstat cannot exhaust memory.
    const buf = Buffer.allocUnsafe(Math.min(st.size, max) + 1);
    let n = 0;
    for (;;) {
      const k = fs.readSync(fd, buf, n, buf.length - n, null);
      if (k === 0) break;
      n += k;
      if (n === buf.length) break;
    }
    if (n > max) return { file: rel, message: o.tooBig ? o.tooBig(n, max) : `skipped: over the maximum file size (${mb(max)} MB)` };
    const raw = buf.subarray(0, n);
    if ((raw[0] === 0xff && raw[1] === 0xfe) || (raw[0] === 0xfe && raw[1] === 0xff)) return { file: rel, message: 'skipped: UTF-16 text (Terraform and lpg read UTF-8)' };
    if (!isUtf8(raw)) return { file: rel, message: 'skipped: not UTF-8 text' };
    if (raw.includes(0)) return { file: rel, message: 'skipped: binary file (contains NUL bytes)' };
    let text = raw.toString('utf8');
    const bom = text.charCodeAt(0) === 0xfeff;
    if (bom) text = text.slice(1);
    return { text, bom, raw: o.raw === false ? NO_RAW : Buffer.from(raw) };
  } catch (e) {
    return { file: rel, message: `cannot read file: ${errText(e)}`, incomplete: true };
  } finally {
    if (fd !== undefined) try { fs.closeSync(fd); } catch { /* ignore */ }
  }
}

/** readTextSync as a promise (the scan reads ahead while a module is analysed). */
export async function readText(file: string, rel: string, o: ReadOptions = {}): Promise<ReadText | ScanIssue> {
  return readTextSync(file, rel, o);
}

export interface WriteOptions {
  /** May the file's real path be written? (the scanned root). */
  allowed?: (real: string) => boolean;
  /** How the folder is named in messages (default: its path relative to the working directory). */
  folderName?: (absFolder: string) => string;
}

/**
 * Writes `text` (plus the BOM the file had) only when the file on disk still has the bytes
 * `expected`. Refusals and failures return a message starting with "not written:".
 * - a read-only file (no write bit) is not rewritten;
 * - a file with one link: a temporary file in the same folder (owner, group and mode copied and
 *   checked), verified, then renamed over the file (atomic);
 * - a file with several hard links, or whose owner cannot be given to the temporary file: the
 *   temporary file is written and verified, then its bytes are written in place (links, owner and
 *   mode are kept by construction).
 */
export async function writeTextAtomic(file: string, text: string, bom: boolean, expected: Buffer, o: WriteOptions = {}): Promise<string | undefined> {
  const data = Buffer.from((bom ? '\uFEFF' : '') + text, 'utf8');
  const folderName = o.folderName ?? ((d: string) => { const r = path.relative(process.cwd(), d); return r === '' ? '.' : r.startsWith('..') ? d : r; });
  let real: string;
  let st: fs.Stats;
  try {
    real = fs.realpathSync(file); // write through a symbolic link, not over it
    if (o.allowed && !o.allowed(real)) return 'not written: symbolic link to outside the scanned root';
    st = fs.statSync(real);
    if (!st.isFile()) return `not written: ${kindOf(st)}, not a regular file`;
    if ((st.mode & 0o222) === 0) return 'not written: the file is read-only';
    const cur = readTextSync(real, '', { maxBytes: Math.max(expected.length, 1) });
    if ('message' in cur || !cur.raw.equals(expected)) return 'message' in cur && cur.incomplete ? `not written: ${cur.message}` : 'not written: the file changed on disk since it was read';
  } catch (e) {
    return `not written: ${errText(e)}`;
  }
  const dir = path.dirname(real);
  const tmp = path.join(dir, `.${path.basename(real)}.lpg-${process.pid}-${Math.random().toString(36).slice(2, 8)}.tmp`);
  let fd: number | undefined;
  try {
    try {
      fd = fs.openSync(tmp, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, 0o600);
    } catch (e) {
      return `not written: cannot create a file in folder ${folderName(dir)}: ${errText(e)}`;
    }
    fs.writeFileSync(fd, data);
    fs.fsyncSync(fd);
    let inPlace = st.nlink > 1;
    if (!inPlace) {
      try { fs.fchownSync(fd, st.uid, st.gid); } catch { inPlace = true; }
      fs.fchmodSync(fd, st.mode & 0o7777);
      const t = fs.fstatSync(fd);
      if (t.uid !== st.uid || t.gid !== st.gid || (t.mode & 0o7777) !== (st.mode & 0o7777)) inPlace = true;
    }
    fs.closeSync(fd); fd = undefined;
    if (!fs.readFileSync(tmp).equals(data)) { fs.rmSync(tmp, { force: true }); return 'not written: the temporary file did not read back as written'; }
    const again = fs.readFileSync(real);
    if (!again.equals(expected)) { fs.rmSync(tmp, { force: true }); return 'not written: the file changed on disk since it was read'; }
    if (inPlace) {
      const w = fs.openSync(real, fs.constants.O_WRONLY | O_NONBLOCK);
      try {
        const wst = fs.fstatSync(w);
        if (!wst.isFile() || wst.ino !== st.ino || wst.dev !== st.dev) throw Object.assign(new Error('the file changed on disk since it was read'), { code: 'LPG_CHANGED' });
        fs.writeSync(w, data, 0, data.length, 0);
        fs.ftruncateSync(w, data.length);
        fs.fsyncSync(w);
      } finally { fs.closeSync(w); }
      fs.rmSync(tmp, { force: true });
    } else {
      fs.renameSync(tmp, real);
    }
    return undefined;
  } catch (e) {
    if (fd !== undefined) try { fs.closeSync(fd); } catch { /* ignore */ }
    try { fs.rmSync(tmp, { force: true }); } catch { /* ignore */ }
    return `not written: ${errText(e)}`;
  }
}

export function errText(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  switch (err && err.code) {
    case 'EACCES': return 'permission denied';
    case 'EPERM': return 'operation not permitted';
    case 'ENOENT': return 'no such file or folder';
    case 'EISDIR': return 'is a folder';
    case 'ENOSPC': return 'no space left on device';
    case 'EDQUOT': return 'disk quota exceeded';
    case 'EROFS': return 'read-only file system';
    case 'EIO': return 'input/output error';
    case 'ELOOP': return 'too many levels of symbolic links';
    case 'LPG_CHANGED': return err.message;
    default: return err && err.message ? err.message : String(e);
  }
}
