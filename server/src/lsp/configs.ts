/**
 * The language server's view of configurations: when the folder being validated calls modules or is
 * called by other folders of its workspace folder, it is analysed within every configuration that
 * contains it (core/model/config.ts), and the open files of every folder of those configurations get
 * their findings: editing a child re-validates its callers, editing a caller updates the child.
 * Folders that neither call nor are called keep the per-folder analysis (nothing changes for them).
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Finding } from '../core/types';
import { analyzeIndex, type AnalyzeOptions, type SyntaxError } from '../core/analyze';
import { ModuleIndex } from '../core/model/module';
import { moveFindings, ReadLog } from './incremental';
import { allRules } from '../core/rules';
import type { SourceFile } from '../core/model/module';
import { buildConfig, isLocalSource, joinDir, type ConfigHost, type Configuration } from '../core/model/config';
import { analyzeConfiguration, instanceCounts, mergeConfigFindings, type InstanceFinding } from '../core/configuration';
import { reachable } from '../core/workspace';
import { makeSourceFile } from '../core/source';
import { SKIP_DIRS, isTerraformFile } from '../scan/plan';
import { readTextSync } from '../scan/fs';
import { moduleFiles, type DiskCache, type FileFilter } from './modules';
import type { OpenDocument } from './documents';
import { pushAll } from '../core/fix/apply';

const SOURCE = /(?:\bsource\s*=\s*|"source"\s*:\s*)"([^"\n]*)"/g;
/** Folders listed per workspace folder at most (a huge tree keeps the per-folder analysis beyond). */
const MAX_DIRS = 5000;

export interface ConfigAnalysis {
  /** Findings per absolute file path, paths (file, related, edits) relative to that file's module folder. */
  byFile: Map<string, Finding[]>;
  /** Absolute folders whose files got findings here (every folder of the configurations). */
  dirs: Set<string>;
  /** Configuration problems (a cycle, a missing module folder), `file:line: message` with absolute paths. */
  problems: string[];
  /**
   * Some findings were carried over an edit from the last analysis (incremental.ts): right, but the fixes
   * of findings in the edited block are missing until a full analysis (`analyze(..., false)`).
   */
  provisional: boolean;
}

/** The last findings of a configuration; `carried`: moved over edits from a full analysis (incremental.ts), fixes of the edited block missing. */
type ConfigResult = { files: SourceFile[]; key: string; items: InstanceFinding[]; counts: Map<string, number>; cfg: Configuration; carried?: boolean };

export class LspConfigs {
  /** Workspace folder -> root-relative folders holding Terraform. */
  private readonly dirs = new Map<string, string[]>();

  /** `moduleDirOf`: the server's module folder of a file (finding paths are made relative to it). */
  constructor(private readonly docs: Map<string, OpenDocument>, private readonly disk: DiskCache, private readonly moduleDirOf: (abs: string) => string) {}

  /**
   * Root -> the analysis of its configuration, valid while every file of it is the same object (the
   * disk cache and the open documents keep a file's object until its text changes) and the options
   * are the same: a workspace scan validates each folder, and folders share configurations.
   */
  private readonly results = new Map<string, ConfigResult>();

  /** What the full analyses read, per block: what an edit may change freely (incremental.ts). */
  private readonly log = new ReadLog();

  /** Folder -> module sources of its files on disk (open documents are read each time). */
  private readonly diskSources = new Map<string, { names: string[]; sources: Map<string, string[]> }>();

  /**
   * Folder -> its files as the configuration builder sees them (paths relative to the workspace
   * folder), for folders with no open document: the same objects from one validation to the next
   * (no directory listing or stat per keystroke; the results cache compares them by identity).
   */
  private readonly folders = new Map<string, { files: SourceFile[]; made: SourceFile[] | undefined; filter: FileFilter }>();
  /** Folder -> its `.terraform/modules/modules.json` text (null: none). */
  private readonly manifests = new Map<string, string | null>();

  /** Entries kept (the bench-only memory probe). */
  sizes(): { configResults: number; configDiskSources: number } { return { configResults: this.results.size, configDiskSources: this.diskSources.size }; }

  /** Files were created, changed or deleted: list the folders and read their module sources again. */
  invalidate(): void { this.dirs.clear(); this.diskSources.clear(); this.results.clear(); this.folders.clear(); this.manifests.clear(); }

  /** Does an open document live in the folder (its files then change without file events)? */
  private hasOpen(absDir: string): boolean {
    for (const d of this.docs.values()) if (path.dirname(d.fsPath) === absDir) return true;
    return false;
  }

  private listDirs(ws: string): string[] {
    let l = this.dirs.get(ws);
    if (l) return l;
    const out: string[] = [];
    const visit = (abs: string, rel: string): void => {
      if (out.length >= MAX_DIRS) return;
      let entries: fs.Dirent[];
      try { entries = fs.readdirSync(abs, { withFileTypes: true }); } catch { return; }
      if (entries.some((e) => e.isFile() && isTerraformFile(e.name))) out.push(rel);
      for (const e of entries) if (e.isDirectory() && !SKIP_DIRS.has(e.name) && !e.name.startsWith('.')) visit(path.join(abs, e.name), rel ? rel + '/' + e.name : e.name);
    };
    visit(ws, '');
    l = out;
    this.dirs.set(ws, l);
    return l;
  }

  /** Literal module sources of a folder's Terraform files (open documents first), by text; disk files cached until invalidate(). */
  private sources(absDir: string): string[] {
    let disk = this.diskSources.get(absDir);
    if (!disk) {
      let names: string[] = [];
      try { names = fs.readdirSync(absDir).filter((n) => isTerraformFile(n)); } catch { /* gone */ }
      const sources = new Map<string, string[]>();
      for (const n of names) {
        // non-blocking, regular files only (a FIFO named x.tf never blocks the server)
        const r = readTextSync(path.join(absDir, n), n);
        const text = 'message' in r ? '' : r.text;
        sources.set(n, [...text.matchAll(SOURCE)].map((m) => m[1]));
      }
      disk = { names, sources };
      this.diskSources.set(absDir, disk);
    }
    const out: string[] = [];
    const open = new Set<string>();
    for (const d of this.docs.values()) {
      if (path.dirname(d.fsPath) !== absDir || !isTerraformFile(d.fsPath)) continue;
      open.add(path.basename(d.fsPath));
      for (const m of d.text.matchAll(SOURCE)) out.push(m[1]);
    }
    for (const n of disk.names) if (!open.has(n)) pushAll(out, disk.sources.get(n) ?? []);
    return out;
  }

  /**
   * The findings of every configuration that contains `absDir`, or undefined when the folder is in
   * no configuration with another folder (then the per-folder analysis applies).
   */
  analyze(ws: string, absDir: string, filter: FileFilter, opts: AnalyzeOptions, varFiles: string[] = [], incremental = false): ConfigAnalysis | undefined {
    const relOf = (abs: string): string | undefined => {
      const r = path.relative(ws, abs);
      if (r.startsWith('..') || path.isAbsolute(r)) return undefined;
      return r.split(path.sep).join('/');
    };
    const rel = relOf(absDir);
    if (rel === undefined) return undefined;
    const absOf = (d: string): string => (d === '' ? ws : path.join(ws, ...d.split('/')));
    const dirs = new Set(this.listDirs(ws));
    dirs.add(rel);
    const made = new Map<string, SourceFile[] | undefined>();
    const orig = new Map<string, SourceFile[]>();
    const host: ConfigHost = {
      folder: (d) => {
        if (made.has(d)) return made.get(d);
        const abs = absOf(d);
        const cached = this.folders.get(abs);
        if (cached && cached.filter === filter && !this.hasOpen(abs)) { orig.set(d, cached.files); made.set(d, cached.made); return cached.made; }
        const { files } = moduleFiles(abs, this.docs, this.disk, filter);
        orig.set(d, files);
        const v = files.some((f) => f.kind === 'tf' || f.kind === 'tfjson') ? files.map((f) => ({ ...f, path: d === '' ? f.path : d + '/' + f.path })) : undefined;
        made.set(d, v);
        if (!this.hasOpen(abs)) this.folders.set(abs, { files, made: v, filter });
        return v;
      },
      manifest: (d) => {
        const abs = absOf(d);
        let m = this.manifests.get(abs);
        if (m === undefined) {
          const r = readTextSync(path.join(abs, '.terraform', 'modules', 'modules.json'), 'modules.json');
          m = 'message' in r ? null : r.text;
          this.manifests.set(abs, m);
        }
        return m ?? undefined;
      },
      sources: (d) => this.sources(absOf(d)),
    };
    // callers by text: folder -> the folders that call it
    const callers = new Map<string, string[]>();
    for (const d of dirs) for (const s of host.sources!(d)) {
      if (!isLocalSource(s)) continue;
      const to = joinDir(d, s);
      if (to === undefined || to === d || !dirs.has(to)) continue;
      const l = callers.get(to);
      if (l) l.push(d); else callers.set(to, [d]);
    }
    const own = host.sources!(rel);
    const calls = own.some((s) => !isLocalSource(s)) || own.some((s) => { const to = joinDir(rel, s); return to !== undefined && to !== rel && dirs.has(to); });
    // a folder alone keeps the per-folder analysis, unless variable files apply to it as a root
    if (!calls && !callers.has(rel) && !varFiles.length) return undefined;
    const rootsOf = (d: string): string[] => {
      const seen = new Set([d]);
      const todo = [d];
      const roots: string[] = [];
      while (todo.length) {
        const x = todo.pop()!;
        const up = callers.get(x) ?? [];
        if (!up.length) roots.push(x);
        for (const u of up) if (!seen.has(u)) { seen.add(u); todo.push(u); }
      }
      return roots.length ? roots : [d]; // a cycle with no root: the folder itself
    };
    // the configurations of the folder, and of every folder they hold (so each gets all its callers)
    const roots = new Set(rootsOf(rel));
    for (const r of [...roots]) for (const d of reachable(host, r, dirs)) for (const x of rootsOf(d)) roots.add(x);
    const vf: SourceFile[] = [];
    for (const v of varFiles) {
      const abs = path.resolve(ws, v);
      const doc = this.docs.get(abs);
      let text: string | undefined = doc?.text;
      if (text === undefined) { const r = readTextSync(abs, v); text = 'message' in r ? undefined : r.text; }
      if (text !== undefined) vf.push(makeSourceFile(relOf(abs) ?? path.basename(abs), text));
    }
    // the validated folder's syntax verdicts are module-relative
    let syntaxErrors: Map<string, SyntaxError | null> | undefined;
    if (opts.syntaxErrors) {
      syntaxErrors = new Map();
      for (const [k, v] of opts.syntaxErrors) syntaxErrors.set(rel === '' ? k : rel + '/' + k, v);
    }
    // the syntax verdicts only decide parse-errors: those are found per file apart (below), so that HashiCorp's answer
    // about a keystroke's text (a second validation) reuses the configurations' analysis instead of redoing it
    const ruleSet = (opts.ruleSet ?? allRules).filter((r) => r.meta.id !== 'parse-error');
    const parseRule = (opts.ruleSet ?? allRules).find((r) => r.meta.id === 'parse-error');
    const key = JSON.stringify([opts.rules ?? {}, vf.map((f) => [f.path, f.text]), ruleSet.map((r) => r.meta.id)]);
    const configs: Configuration[] = [];
    const items: InstanceFinding[] = [];
    const counts = new Map<string, number>();
    let provisional = false;
    const reuse = (hit: ConfigResult, its: InstanceFinding[]): void => {
      pushAll(items, its);
      for (const [d, n] of hit.counts) counts.set(d, (counts.get(d) ?? 0) + n);
      configs.push(hit.cfg);
    };
    for (const r of roots) {
      const hit = this.results.get(r);
      if (hit && hit.key === key) {
        // the files of the configuration as it was: the same objects, nothing to analyse
        const dirOf = new Map<SourceFile, string>();
        const files = [...new Set(hit.cfg.instances.map((i) => i.dir))].flatMap((d) => { host.folder(d); const l = orig.get(d) ?? []; for (const f of l) dirOf.set(f, d); return l; });
        if (hit.files.length === files.length && hit.files.every((f, i) => f === files[i]) && (incremental || !hit.carried)) {
          reuse(hit, hit.items);
          provisional ||= !!hit.carried;
          continue;
        }
        const moved = incremental ? this.carry(hit, files, dirOf) : undefined;
        if (moved) {
          this.results.set(r, { ...hit, files, items: moved, carried: true });
          reuse(hit, moved);
          provisional = true;
          continue;
        }
      }
      const done = this.log.record(() => {
        const c = buildConfig(r, host, { varFiles: vf });
        if (!c) return undefined;
        const files = [...new Set(c.instances.map((i) => i.dir))].flatMap((d) => orig.get(d) ?? []);
        return { c, files, mine: analyzeConfiguration(c, { ...opts, ruleSet, syntaxErrors: undefined, only: undefined }) };
      });
      if (!done) continue;
      const { c, files, mine } = done;
      configs.push(c);
      const cnt = instanceCounts([c]);
      this.results.set(r, { files, key, items: mine, counts: cnt, cfg: c });
      pushAll(items, mine);
      for (const [d, n] of cnt) counts.set(d, (counts.get(d) ?? 0) + n);
    }
    const merged = mergeConfigFindings(items, counts);
    if (parseRule) {
      // each folder's files once, whatever the number of its instances (as a configuration's analysis reports them)
      const folders = new Set<string>();
      for (const c of configs) for (const i of c.instances) folders.add(i.dir);
      for (const d of folders) {
        const files = made.get(d);
        if (files?.length) pushAll(merged, analyzeIndex(NO_MODULE, files, { ...opts, ruleSet: [parseRule], syntaxErrors, only: undefined }));
      }
    }
    const byFile = new Map<string, Finding[]>();
    const outDirs = new Set<string>();
    for (const c of configs) for (const i of c.instances) { outDirs.add(absOf(i.dir)); for (const f of i.files) byFile.set(path.join(ws, ...realOf(f.path).split('/')), []); }
    for (const f of merged) {
      const abs = path.join(ws, ...f.file.split('/'));
      const dir = this.moduleDirOf(abs);
      const r = (p: string): string => path.relative(dir, path.join(ws, ...p.split('/'))).split(path.sep).join('/');
      const local: Finding = {
        ...f, file: r(f.file),
        related: f.related.map((x) => ({ ...x, file: r(x.file) })),
        fixes: f.fixes.map((x) => ({ ...x, edits: x.edits.map((e) => ({ ...e, file: r(e.file) })), ...(x.snippet ? { snippet: { ...x.snippet, file: r(x.snippet.file) } } : {}) })),
      };
      const l = byFile.get(abs);
      if (l) l.push(local); else byFile.set(abs, [local]);
    }
    for (const l of byFile.values()) l.sort(byPosition);
    const problems: string[] = [];
    for (const c of configs) for (const p of c.problems) {
      const f = c.files.find((x) => realOf(x.path) === p.file);
      problems.push(`${path.join(ws, ...p.file.split('/'))}:${f ? f.lines.positionAt(p.span.start).line + 1 : 0}: ${p.message}`);
    }
    return { byFile, dirs: outDirs, problems, provisional };
  }

  /**
   * A configuration's findings after an edit of one of its files, from its last analysis, when the edit
   * cannot change them (incremental.ts); undefined: analyse it again. `edits` shares the comparison of
   * two versions of a file between the configurations that contain it.
   */
  private carry(hit: ConfigResult, files: SourceFile[], dirOf: Map<SourceFile, string>): InstanceFinding[] | undefined {
    if (hit.files.length !== files.length) return undefined;
    let at = -1;
    for (let i = 0; i < files.length; i++) {
      if (hit.files[i] === files[i]) continue;
      if (at >= 0) return undefined;
      at = i;
    }
    const a = hit.files[at], b = files[at];
    if (at < 0 || a.path !== b.path || !a.syntax) return undefined;
    // a folder instantiated more than once: the other instances evaluate clones of its model, whose reads are not its own
    const dir = dirOf.get(b) ?? '';
    if (hit.cfg.instances.filter((i) => i.dir === dir).length > 1 || hit.cfg.cloned.has(a.syntax)) return undefined;
    const e = this.log.edit(a, b);
    return e && moveFindings(hit.items, dir === '' ? b.path : dir + '/' + b.path, a, b, e.edit, e.fixText);
  }
}

/** An empty index: the parse-error rule reads files only. */
export const NO_MODULE = new ModuleIndex([]);

/** Findings of a file in position order (stable: the merged order stays among findings at one place). */
export function byPosition(a: Finding, b: Finding): number {
  return a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character;
}

function realOf(p: string): string { const i = p.indexOf('\u0000'); return i < 0 ? p : p.slice(0, i); }
