/**
 * The file-system side of a scan: walking a folder, reading texts, writing fixed files safely.
 * Everything else of the scan is pure (plan.ts, module.ts, fix.ts).
 */
import * as fsp from 'fs/promises';
import * as fs from 'fs';
import * as path from 'path';
import { isUtf8 } from 'buffer';
import { SKIP_DIRS, isScannedFile } from './plan';

export interface ScanIssue { file: string; message: string }

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

/**
 * Walks `root` and returns the root-relative paths of the files a scan reads. Skips `.terraform/`,
 * `node_modules/`, `.git/`, follows symbolic links once (no loops), reports unreadable folders.
 * `ignored(rel, isDir)` prunes paths early (e.g. config globs).
 */
export async function walk(root: string, ignored: (rel: string, isDir: boolean) => boolean = () => false): Promise<{ files: string[]; issues: ScanIssue[] }> {
  const files: string[] = [];
  const issues: ScanIssue[] = [];
  const visited = new Set<string>();
  const visit = async (dir: string): Promise<void> => {
    let real: string;
    try { real = fs.realpathSync(dir); } catch (e) { issues.push({ file: toRel(root, dir) || '.', message: `cannot read folder: ${errText(e)}` }); return; }
    if (visited.has(real)) return; // symbolic link loop or a folder linked twice
    visited.add(real);
    let entries: fs.Dirent[];
    try { entries = fs.readdirSync(dir, { withFileTypes: true }); } catch (e) { issues.push({ file: toRel(root, dir) || '.', message: `cannot read folder: ${errText(e)}` }); return; }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const p = path.join(dir, e.name);
      let isDir = e.isDirectory();
      let isFile = e.isFile();
      if (e.isSymbolicLink()) {
        try { const st = await fsp.stat(p); isDir = st.isDirectory(); isFile = st.isFile(); } catch { continue; /* dangling link */ }
      }
      const rel = toRel(root, p);
      if (isDir) {
        if (SKIP_DIRS.has(e.name) || ignored(rel, true)) continue;
        await visit(p);
      } else if (isFile && isScannedFile(e.name) && !ignored(rel, false)) {
        files.push(rel);
      }
    }
  };
  await visit(root);
  return { files: files.sort(), issues };
}

/** A file's text as read: `text` without BOM, `raw` the exact bytes (to detect later changes). */
export interface ReadText { text: string; bom: boolean; raw: Buffer }

/** Reads a UTF-8 text file. Returns a ScanIssue for unreadable, binary or too big files. */
export async function readText(file: string, rel: string): Promise<ReadText | ScanIssue> {
  try {
    // Synchronous calls: for the small files of a workspace they are several times faster than the
    // promise API (one thread-pool round trip per call), and a scan is not an interactive thread.
    const st = fs.statSync(file);
    if (st.size > MAX_FILE_BYTES) return { file: rel, message: `skipped: ${mb(st.size)} MB is over the maximum file size (${mb(MAX_FILE_BYTES)} MB)` };
    const raw = fs.readFileSync(file);
    if ((raw[0] === 0xff && raw[1] === 0xfe) || (raw[0] === 0xfe && raw[1] === 0xff)) return { file: rel, message: 'skipped: UTF-16 text (Terraform and lpg read UTF-8)' };
    if (!isUtf8(raw)) return { file: rel, message: 'skipped: not UTF-8 text' };
    if (raw.includes(0)) return { file: rel, message: 'skipped: binary file (contains NUL bytes)' };
    let text = raw.toString('utf8');
    const bom = text.charCodeAt(0) === 0xfeff;
    if (bom) text = text.slice(1);
    return { text, bom, raw };
  } catch (e) {
    return { file: rel, message: `cannot read file: ${errText(e)}` };
  }
}

/**
 * Writes `text` (plus the BOM the file had) atomically: a temporary file in the same folder, then
 * rename. Refuses (returns a message) when the file on disk no longer has the bytes `expected`.
 */
export async function writeTextAtomic(file: string, text: string, bom: boolean, expected: Buffer): Promise<string | undefined> {
  const data = Buffer.from((bom ? '\uFEFF' : '') + text, 'utf8');
  let mode: number | undefined;
  try {
    const cur = await fsp.readFile(file);
    if (!cur.equals(expected)) return 'not written: the file changed on disk since it was read';
    mode = (await fsp.stat(file)).mode & 0o7777;
  } catch (e) {
    return `not written: ${errText(e)}`;
  }
  const real = await fsp.realpath(file).catch(() => file); // write through a symbolic link, not over it
  const tmp = path.join(path.dirname(real), `.${path.basename(real)}.lpg-${process.pid}-${Math.random().toString(36).slice(2, 8)}.tmp`);
  try {
    const fh = await fsp.open(tmp, 'wx', mode);
    try { await fh.writeFile(data); await fh.sync(); } finally { await fh.close(); }
    const again = await fsp.readFile(real);
    if (!again.equals(expected)) { await fsp.rm(tmp, { force: true }); return 'not written: the file changed on disk since it was read'; }
    await fsp.rename(tmp, real);
    return undefined;
  } catch (e) {
    await fsp.rm(tmp, { force: true }).catch(() => undefined);
    return `not written: ${errText(e)}`;
  }
}

export function errText(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  if (err && err.code === 'EACCES') return 'permission denied';
  if (err && err.code === 'ENOENT') return 'no such file or folder';
  if (err && err.code === 'EISDIR') return 'is a folder';
  return err && err.message ? err.message : String(e);
}
