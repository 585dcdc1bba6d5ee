/**
 * Per-folder (Terraform module) state: which files make up a folder, their syntax from the open
 * document or from disk (cached, refreshed by watched-file events), and the last findings per file.
 */
import * as fs from 'fs';
import * as path from 'path';
import { fileKind, type SourceFile } from '../core/model/module';
import { makeSourceFile, mayBePolicyJson } from '../core/source';
import { worthReading } from '../scan/plan';
import { readTextSync } from '../scan/fs';
import type { OpenDocument } from './documents';

/** Files that belong to a module for the analysis: `.tf`, `.tf.json`, auto-loaded `.tfvars`, JSON files that may be policies. */
export function isModuleFile(name: string): boolean {
  const n = name.toLowerCase();
  if (n.endsWith('.tpl') || n.endsWith('.tftpl')) return true;
  if (n.endsWith('.yaml') || n.endsWith('.yml') || n.endsWith('.template')) return true; // CloudFormation templates and the OpenAPI files they include (by content)
  const k = fileKind(name);
  if (k === 'tf' || k === 'tfjson' || k === 'json') return true;
  if (k === 'tfvars') return name === 'terraform.tfvars' || name.endsWith('.auto.tfvars');
  return false;
}

/**
 * The most the language server analyses per file, whatever lpg.maxFileSizeMB says: the analysis of
 * a file is one synchronous parse (tree-sitter, ~3-5 s per MB), and the server must keep answering
 * requests (a hostile repository's 4 MB file would block it for 15-20 s).
 */
export const EDITOR_MAX_FILE_BYTES = 1024 * 1024;

interface DiskEntry { mtimeMs: number; size: number; rel: string; file?: SourceFile; skipped?: string }

export interface FileFilter {
  /** true when the file must be left out (excluded by settings). */
  excluded(absPath: string): boolean;
  maxBytes(absPath: string): number;
  /** Told about an open document left out because of its size. */
  skipped?(absPath: string, why: string): void;
}

/** Reads module files from disk with a cache keyed on mtime and size. */
export class DiskCache {
  private readonly entries = new Map<string, DiskEntry>();
  /** Called once per file that is skipped because of its size or an error. */
  onSkip: (absPath: string, why: string) => void = () => {};
  /** May a file's real path be read? (workspace confinement: symbolic links out of the workspace folders are not followed). */
  allowed: ((real: string) => boolean) | undefined;
  outsideMessage = 'symbolic link to outside the workspace folders (not followed)';

  /** Files known (the bench-only memory probe). */
  get size(): number { return this.entries.size; }
  invalidate(absPath: string): void { this.entries.delete(absPath); }
  invalidateDir(dir: string): void { for (const k of this.entries.keys()) if (path.dirname(k) === dir) this.entries.delete(k); }
  clear(): void { this.entries.clear(); }

  /** The source file of a disk file, or undefined when it is not analysed (too big, unreadable, not a policy). */
  read(absPath: string, maxBytes: number, relPath = path.basename(absPath), stat?: fs.Stats): SourceFile | undefined {
    let st = stat;
    try { st ??= fs.statSync(absPath); } catch { this.entries.delete(absPath); return undefined; }
    if (!st.isFile()) {
      if (!this.entries.get(absPath)?.skipped) this.onSkip(absPath, `skipped ${absPath}: not a regular file`);
      this.entries.set(absPath, { mtimeMs: st.mtimeMs, size: st.size, rel: relPath, skipped: 'not a regular file' });
      return undefined;
    }
    const hit = this.entries.get(absPath);
    if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size && hit.rel === relPath && !(hit.skipped && st.size <= maxBytes && hit.skipped.includes('maxFileSizeMB'))) return hit.file;
    const entry: DiskEntry = { mtimeMs: st.mtimeMs, size: st.size, rel: relPath };
    this.entries.set(absPath, entry);
    if (st.size > maxBytes) {
      entry.skipped = tooBig(absPath, st.size, maxBytes);
      this.onSkip(absPath, entry.skipped);
      return undefined;
    }
    // Read as the CLI reads (scan/fs.ts): non-blocking, the type checked on the descriptor, binary
    // (NUL bytes), UTF-16 and non-UTF-8 files skipped, links out of the workspace not followed.
    const r = readTextSync(absPath, relPath, { maxBytes, allowed: this.allowed, outsideMessage: this.outsideMessage, tooBig: (size) => tooBig(absPath, size, maxBytes) });
    if ('message' in r) {
      entry.skipped = r.message.startsWith('skipped ') ? r.message : `skipped ${absPath}: ${r.message.replace(/^skipped: /, '')}`;
      this.onSkip(absPath, entry.skipped);
      return undefined;
    }
    const text = r.text;
    if (!worthReading(relPath, text)) return undefined;
    entry.file = makeSourceFile(relPath, text);
    return entry.file;
  }
}

export function tooBig(absPath: string, size: number, maxBytes: number): string {
  const mb = (n: number) => String(+(n / 1048576).toPrecision(3));
  const human = size >= 1048576 ? `${mb(size)} MB` : `${Math.ceil(size / 1024)} KB`;
  if (maxBytes >= EDITOR_MAX_FILE_BYTES) return `skipped ${path.basename(absPath)}: ${human} is over the ${mb(EDITOR_MAX_FILE_BYTES)} MB the editor analyses per file to stay responsive (the cap of lpg.maxFileSizeMB here; lpg scan checks it)`;
  return `skipped ${path.basename(absPath)}: ${human} is over lpg.maxFileSizeMB (${mb(maxBytes)})`;
}

/**
 * Assembles the files of the module in `dir`: its own files, plus `extra` module-relative paths
 * (files of sub-folders without Terraform that a workspace scan grouped into it). Open documents win over disk.
 */
export function moduleFiles(dir: string, open: Map<string, OpenDocument>, disk: DiskCache, filter: FileFilter, extra: string[] = []): { files: SourceFile[]; abs: Map<string, string> } {
  const files: SourceFile[] = [];
  const abs = new Map<string, string>();
  const names = new Set<string>(extra);
  let entries: fs.Dirent[] = [];
  try { entries = fs.readdirSync(dir, { withFileTypes: true }); } catch { /* folder gone or unsaved file: open documents only */ }
  for (const e of entries) if (!e.isDirectory() && isModuleFile(e.name)) names.add(e.name); // FIFOs and devices too: DiskCache.read skips them with a message
  for (const d of open.values()) if (path.dirname(d.fsPath) === dir && isModuleFile(path.basename(d.fsPath))) names.add(path.basename(d.fsPath));
  for (const name of [...names].sort()) {
    const p = path.join(dir, ...name.split('/'));
    if (filter.excluded(p)) continue;
    const doc = open.get(p);
    let f: SourceFile | undefined;
    if (doc) {
      if (doc.text.length > filter.maxBytes(p)) { filter.skipped?.(p, tooBig(p, doc.text.length, filter.maxBytes(p))); continue; }
      if (doc.text.includes('\0')) { filter.skipped?.(p, `skipped ${path.basename(p)}: binary file (contains NUL bytes)`); continue; }
      f = doc.sourceFile(name);
      if (!worthReading(name, f.text)) continue;
    } else f = disk.read(p, filter.maxBytes(p), name);
    if (!f) continue;
    files.push(f);
    abs.set(name, p);
  }
  return { files, abs };
}
