/** Workspace walk for "Scan Workspace": module folders and their candidate files, asynchronously and cancellably. */
import * as fs from 'fs';
import * as path from 'path';
import { isModuleFile } from './modules';

export const SKIP_DIRS = new Set(['.terraform', 'node_modules', '.git', '.hg', '.svn', '.terragrunt-cache']);

export interface WalkResult {
  /** Module folder -> absolute paths of its candidate files. */
  modules: Map<string, string[]>;
  files: number;
}

/** Walks `root` breadth-first; `excluded` gets absolute paths of files and folders. Symlinked folders are not followed (no loops). */
export async function walk(root: string, excluded: (abs: string) => boolean, isCancelled: () => boolean): Promise<WalkResult> {
  const modules = new Map<string, string[]>();
  let files = 0;
  const queue = [root];
  let n = 0;
  while (queue.length && !isCancelled()) {
    const dir = queue.shift()!;
    let entries: fs.Dirent[];
    try { entries = await fs.promises.readdir(dir, { withFileTypes: true }); } catch { continue; }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name) && !excluded(p)) queue.push(p);
      } else if ((e.isFile() || e.isSymbolicLink()) && isModuleFile(e.name) && !excluded(p)) {
        const l = modules.get(dir);
        if (l) l.push(p); else modules.set(dir, [p]);
        files++;
      }
    }
    if (++n % 50 === 0) await new Promise((r) => setImmediate(r));
  }
  return { modules, files };
}
