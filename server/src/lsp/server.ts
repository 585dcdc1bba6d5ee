/**
 * The language server: LSP glue over the analysis core. State lives in small modules
 * (documents.ts, modules.ts, settings.ts, scheduler.ts); this file wires them to the connection.
 */
import * as fs from 'fs';
import * as path from 'path';
import {
  CodeActionKind, DidChangeConfigurationNotification, DidChangeWatchedFilesNotification, FileChangeType,
  TextDocumentSyncKind, ShowMessageNotification, ResponseError, ErrorCodes, MessageType, ExecuteCommandRequest, WorkDoneProgress,
  type CancellationToken, type ClientCapabilities, type CodeAction, type CodeActionParams, type Connection, type Diagnostic,
  type ExecuteCommandParams, type InitializeParams, type InitializeResult, type WorkDoneProgressReporter, type WorkspaceEdit, type ProgressToken,
} from 'vscode-languageserver';
import { initParser } from '../host/node-wasm';
import { analyzeModule, analyzeTemplates, factsOf, type AnalyzeOptions, type SyntaxError } from '../core/analyze';
import type { Finding, Fix } from '../core/types';
import type { Rule } from '../core/rules/rule';
import { ModuleIndex, type SourceFile } from '../core/model/module';
import { LineIndex } from '../core/text';
import { carryError } from './carry';
import { OpenDocument, isTerraformPath } from './documents';
import { DiskCache, EDITOR_MAX_FILE_BYTES, moduleFiles, type FileFilter } from './modules';
import { LspConfigs } from './configs';
import { LspFolders } from './folders';
import { DEFAULT_SETTINGS, excludeMatcher, mergeSettings, normalizeSettings, readProjectConfig, type Settings } from './settings';
import { Debouncer } from './scheduler';
import { FIX_ALL_KIND, fixToCodeAction, pathToUri, toDiagnostic, toWorkspaceEdit, uriToPath, type DiagnosticData, type EditOptions } from './convert';
import { fixAll, minimalEdit } from './fixall';
import { FixCheckCache, unsafeFixReason } from './hostile';
import { walk as walkFiles, isInside, realOr } from '../scan/fs';
import { mayBeRelevant, planModules, relativeTo, isTerraformFile } from '../scan/plan';
import { WiringService } from './wiring';
import type { Facts } from '../core/model/facts';

/** Pause in typing after which findings carried over edits are re-analysed in full (their fixes come back). */
const SETTLE_MS = 300;

export const COMMANDS = { scan: 'lpg.scanWorkspace', clear: 'lpg.clearScanResults', fixAll: 'lpg.fixAll' } as const;

/** Authoritative syntax checker (HashiCorp's HCL in a worker); undefined answer = none. */
export type SyntaxChecker = (file: string, text: string) => Promise<SyntaxError | null | undefined>;

interface Folder { uri: string; path: string }
interface FileResult { version: number | null; findings: Finding[]; dir: string }
interface FolderSettings { settings: Settings; exclude: (rel: string) => boolean }

export interface ServerOptions {
  checkSyntax?: SyntaxChecker;
  /** Rules to run (default: all); tests inject a failing rule here. */
  ruleSet?: Rule[];
}

export class LpgServer {
  private folders: Folder[] = [];
  private readonly docs = new Map<string, OpenDocument>();
  private readonly disk = new DiskCache();
  private readonly settingsCache = new Map<string, Promise<FolderSettings>>();
  private readonly results = new Map<string, FileResult>();
  private readonly published = new Map<string, { version: number | null; key: string }>();
  /** Unopened files that got diagnostics from a workspace scan. */
  private readonly scanned = new Set<string>();
  /** Module folders of the last workspace scan -> their module-relative files (sub-folders included). */
  private readonly scanPlans = new Map<string, string[]>();
  private readonly syntaxCache = new Map<string, { text: string; err: SyntaxError | null | undefined }>();
  private readonly warned = new Set<string>();
  /** Configurations (module calls) across folders: configs.ts. */
  private readonly configs = new LspConfigs(this.docs, this.disk, (abs) => this.moduleDirOf(abs));
  /** Folders analysed alone with an open document: their last analysis, carried over edits no rule reads. */
  private readonly alone = new LspFolders();
  private readonly lastSettings = new Map<string, FolderSettings>();
  private caps: ClientCapabilities = {};
  private ready: Promise<void> = Promise.resolve();
  private readonly scheduler: Debouncer;
  private scanning: { cancel: () => void } | undefined;
  /** Unopened files skipped so far (too big, unreadable). */
  private skippedFiles = 0;
  /** Counters for tests and the status item: validations run, last analysis time. */
  readonly stats = { validations: 0, lastMs: 0 };
  /** Sizes of the per-document and per-folder state (the bench-only memory probe, memprobe.ts). */
  memoryStats(): Record<string, number> {
    let blockCache = 0;
    for (const d of this.docs.values()) blockCache += d.blocks.entries.size;
    return { docs: this.docs.size, blockCache, results: this.results.size, syntaxCache: this.syntaxCache.size, scanned: this.scanned.size, disk: this.disk.size, ...this.configs.sizes() };
  }

  /** CodeLens, hovers and `lpg/wiring` (wiring.ts), from the facts of each validation. */
  private readonly wiring: WiringService;

  constructor(private readonly conn: Connection, private readonly opts: ServerOptions = {}) {
    this.wiring = new WiringService(conn, {
      moduleDirOf: (p) => this.moduleDirOf(p), uriOf: (p) => this.uriOf(p), logError: (w, e) => this.logError(w, e),
      hasOpenDocument: (dir) => [...this.docs.values()].some((d) => this.moduleDirOf(d.fsPath) === dir),
      codeLensEnabled: (p) => this.codeLensEnabled(p),
    });
    this.scheduler = new Debouncer((dir) => this.validateModule(dir), (dir, e) => this.logError(`validation of ${dir}`, e));
    // unopened files: a log line (a scan may skip many); open documents get a message (filterOf)
    this.disk.onSkip = (_p, why) => { this.skippedFiles++; this.conn.console.warn('lpg: ' + why); };
    // workspace confinement: no file reached through a symbolic link out of the workspace folders is read
    this.disk.allowed = (real) => !this.folders.length || this.folders.some((f) => isInside(this.realFolder(f.path), real));
  }

  // ---------------------------------------------------------------- wiring

  listen(): void {
    const c = this.conn;
    c.onInitialize((p) => this.initialize(p));
    c.onInitialized(() => this.guard('initialized', () => this.initialized()));
    c.onDidOpenTextDocument((p) => this.guard('didOpen', () => {
      const fsPath = uriToPath(p.textDocument.uri);
      if (!fsPath || !isTerraformPath(fsPath)) return;
      this.docs.get(fsPath)?.dispose();
      const doc = new OpenDocument(p.textDocument.uri, fsPath, p.textDocument.languageId, p.textDocument.version, p.textDocument.text);
      doc.onError = (e) => this.logError(`syntax model of ${fsPath}`, e);
      this.docs.set(fsPath, doc);
      this.tfDirs.delete(path.dirname(fsPath));
      const dir = this.moduleDirOf(fsPath);
      this.lastEdited.set(dir, p.textDocument.uri);
      this.scheduler.schedule(dir, 0);
    }));
    c.onDidChangeTextDocument((p) => this.guard('didChange', async () => {
      const fsPath = uriToPath(p.textDocument.uri);
      const doc = fsPath && this.docs.get(fsPath);
      if (!doc) return;
      doc.update(p.contentChanges, p.textDocument.version);
      this.lastEdited.set(this.moduleDirOf(doc.fsPath), doc.uri);
      const s = await this.settingsFor(doc.fsPath);
      if (s.settings.run === 'onType') this.scheduler.schedule(this.moduleDirOf(doc.fsPath), s.settings.debounceMs);
    }));
    c.onDidSaveTextDocument((p) => this.guard('didSave', async () => {
      const fsPath = uriToPath(p.textDocument.uri);
      if (!fsPath || !this.docs.has(fsPath)) return;
      this.disk.invalidate(fsPath);
      const s = await this.settingsFor(fsPath);
      if (s.settings.run === 'onSave') this.scheduler.schedule(this.moduleDirOf(fsPath), 0);
    }));
    c.onDidCloseTextDocument((p) => this.guard('didClose', () => {
      const fsPath = uriToPath(p.textDocument.uri);
      const doc = fsPath && this.docs.get(fsPath);
      if (!doc) return;
      doc.dispose();
      this.docs.delete(doc.fsPath);
      this.disk.invalidate(doc.fsPath);
      if (!this.scanned.has(doc.fsPath)) { this.results.delete(doc.fsPath); this.publish(doc.uri, null, []); }
      // the other files of the folder now see the file as it is on disk
      this.tfDirs.delete(path.dirname(doc.fsPath));
      this.scheduler.schedule(this.moduleDirOf(doc.fsPath), 0);
    }));
    c.onDidChangeWatchedFiles((p) => this.guard('didChangeWatchedFiles', () => this.watchedFilesChanged(p.changes)));
    c.onDidChangeConfiguration((p) => this.guard('didChangeConfiguration', () => {
      if (!this.caps.workspace?.configuration) this.pushedSettings = p.settings?.lpg;
      this.settingsCache.clear();
      this.lensSetting.clear();
      this.wiring.configChanged();
      this.revalidateAll();
    }));
    c.onCodeAction((p, token) => this.guarded('codeAction', () => this.codeActions(p, token), [] as CodeAction[]));
    // not onExecuteCommand: it hides params.workDoneToken, which decides who creates the progress
    c.onRequest(ExecuteCommandRequest.type, (p, token) => this.guarded('executeCommand', () => this.executeCommand(p, token), null));
    this.wiring.listen();
    c.onShutdown(() => { this.scheduler.dispose(); for (const t of this.settling.values()) clearTimeout(t); this.settling.clear(); this.scanning?.cancel(); });
  }

  /** Quick fixes re-parsed per document version (code actions are asked on every cursor move). */
  private readonly fixChecks = new FixCheckCache();
  private readonly realFolders = new Map<string, string>();
  private realFolder(p: string): string {
    let r = this.realFolders.get(p);
    if (r === undefined) { r = realOr(p); this.realFolders.set(p, r); }
    return r;
  }

  private pushedSettings: unknown;
  /** Send `lpg/status` notifications (the VS Code client's status item; off for other clients unless asked). */
  private statusNotifications = false;
  private readonly lastEdited = new Map<string, string>();

  private status(s: { state: string; uri?: string; durationMs?: number; slow?: boolean; findings?: number; files?: number; message?: string }): void {
    if (this.statusNotifications) void this.conn.sendNotification('lpg/status', s).catch(() => undefined);
  }

  private initialize(p: InitializeParams): InitializeResult {
    this.caps = p.capabilities ?? {};
    if (p.workspaceFolders?.length) this.folders = p.workspaceFolders.flatMap((f) => { const fp = uriToPath(f.uri); return fp ? [{ uri: f.uri, path: fp }] : []; });
    else if (p.rootUri) { const fp = uriToPath(p.rootUri); if (fp) this.folders = [{ uri: p.rootUri, path: fp }]; }
    else if (p.rootPath) this.folders = [{ uri: pathToUri(p.rootPath), path: path.normalize(p.rootPath) }];
    const io = p.initializationOptions as { settings?: unknown; client?: string; status?: boolean; wiring?: boolean } | undefined;
    this.wiring.initialize(this.caps, io);
    this.pushedSettings = io?.settings;
    this.statusNotifications = io?.status ?? io?.client === 'vscode';
    this.ready = initParser().catch((e) => this.logError('tree-sitter init', e));
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, CodeActionKind.SourceFixAll, FIX_ALL_KIND] },
        executeCommandProvider: { commands: [COMMANDS.scan, COMMANDS.clear, COMMANDS.fixAll] },
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
        ...this.wiring.capabilities(),
      },
      serverInfo: { name: 'lpg', version: '0.1.0' },
    };
  }

  private async initialized(): Promise<void> {
    const ws = this.caps.workspace;
    // subscribe before the first await: a folder change may follow `initialized` at once
    if (ws?.workspaceFolders) {
      this.conn.workspace.onDidChangeWorkspaceFolders((e) => this.guard('workspaceFolders', () => {
        const removed = new Set(e.removed.map((f) => f.uri));
        this.folders = this.folders.filter((f) => !removed.has(f.uri));
        for (const f of e.added) { const fp = uriToPath(f.uri); if (fp) this.folders.push({ uri: f.uri, path: fp }); }
        this.settingsCache.clear();
        this.revalidateAll();
      }));
    }
    if (ws?.didChangeWatchedFiles?.dynamicRegistration) {
      await this.conn.client.register(DidChangeWatchedFilesNotification.type, {
        watchers: [{ globPattern: '**/*.{tf,tf.json,tfvars,json,yaml,yml,template}' }, { globPattern: '**/.lpg.json' }],
      });
    }
    if (ws?.didChangeConfiguration?.dynamicRegistration) await this.conn.client.register(DidChangeConfigurationNotification.type, { section: 'lpg' });
  }

  // ---------------------------------------------------------------- settings

  /** The workspace folder holding a path (longest match), or the file's own folder. */
  private folderOf(p: string): Folder {
    let best: Folder | undefined;
    for (const f of this.folders) {
      const rel = path.relative(f.path, p);
      if (!rel.startsWith('..') && !path.isAbsolute(rel) && (!best || f.path.length > best.path.length)) best = f;
    }
    return best ?? { uri: pathToUri(path.dirname(p)), path: path.dirname(p) };
  }

  private settingsFor(p: string): Promise<FolderSettings> {
    const folder = this.folderOf(p);
    let s = this.settingsCache.get(folder.path);
    if (!s) {
      s = this.loadSettings(folder);
      this.settingsCache.set(folder.path, s);
    }
    return s;
  }

  private async loadSettings(folder: Folder): Promise<FolderSettings> {
    let raw: unknown = this.pushedSettings;
    if (this.caps.workspace?.configuration) {
      try { raw = await this.conn.workspace.getConfiguration({ scopeUri: folder.uri, section: 'lpg' }); } catch (e) { this.logError('workspace/configuration', e); }
    }
    const project = readProjectConfig(folder.path);
    if (project.error) this.warnOnce(project.error, project.whole ? `lpg: ignoring ${project.error}` : `lpg: entries left out (the others apply): ${project.error}`);
    const settings = mergeSettings(raw == null ? { ...DEFAULT_SETTINGS } : normalizeSettings(raw), project);
    const m = excludeMatcher(settings.exclude);
    return { settings, exclude: (abs) => m(path.relative(folder.path, abs).split(path.sep).join('/')) };
  }

  /** One filter per settings object: the configurations' folder cache (configs.ts) is valid for the filter it was made with. */
  private readonly filters = new WeakMap<FolderSettings, FileFilter>();
  private filterOf(s: FolderSettings): FileFilter {
    let f = this.filters.get(s);
    if (!f) {
      f = { excluded: (abs) => s.exclude(abs), maxBytes: () => Math.min(s.settings.maxFileSizeMB * 1048576, EDITOR_MAX_FILE_BYTES), skipped: (abs, why) => this.warnOnce(abs + why, why) };
      this.filters.set(s, f);
    }
    return f;
  }

  /** `lpg.codeLens.enabled` per workspace folder (default true). */
  private readonly lensSetting = new Map<string, Promise<boolean>>();
  private codeLensEnabled(p: string): Promise<boolean> {
    const folder = this.folderOf(p);
    let v = this.lensSetting.get(folder.path);
    if (!v) {
      v = (async () => {
        let raw: unknown = (this.pushedSettings as { codeLens?: unknown } | undefined)?.codeLens;
        if (this.caps.workspace?.configuration) {
          try { raw = await this.conn.workspace.getConfiguration({ scopeUri: folder.uri, section: 'lpg.codeLens' }); } catch (e) { this.logError('workspace/configuration', e); }
        }
        return (raw as { enabled?: unknown } | null | undefined)?.enabled !== false;
      })();
      this.lensSetting.set(folder.path, v);
    }
    return v;
  }

  // ---------------------------------------------------------------- validation

  private revalidateAll(): void {
    const dirs = new Set<string>([...this.scanPlans.keys()]);
    for (const d of this.docs.values()) dirs.add(this.moduleDirOf(d.fsPath));
    for (const d of dirs) this.scheduler.schedule(d, 0);
  }

  /** Files and analysis options of a module folder, with the syntax errors known so far (null hides the structural parser's error until the authority answered). */
  private async prepare(dir: string): Promise<{ files: SourceFile[]; abs: Map<string, string>; opts: AnalyzeOptions; pending: SourceFile[]; fs: FolderSettings }> {
    await this.ready;
    const fset = await this.settingsFor(path.join(dir, '_'));
    this.lastSettings.set(dir, fset);
    const extra = [...(this.scanPlans.get(dir) ?? [])];
    for (const d of this.docs.values()) if (path.dirname(d.fsPath) !== dir && this.moduleDirOf(d.fsPath) === dir) extra.push(relPath(dir, d.fsPath));
    const { files, abs } = moduleFiles(dir, this.docs, this.disk, this.filterOf(fset), extra);
    const syntaxErrors = new Map<string, SyntaxError | null>();
    const pending: SourceFile[] = [];
    if (this.opts.checkSyntax) {
      for (const f of files) {
        // HashiCorp's parser (slow, serial) is asked only about files tree-sitter finds an error in.
        if (f.kind !== 'tf' || !f.syntax?.errors.length) continue;
        const c = this.syntaxCache.get(abs.get(f.path)!);
        if (c && c.text === f.text) { if (c.err !== undefined) syntaxErrors.set(f.path, c.err); }
        else {
          pending.push(f);
          // until HashiCorp answers about this text, its answer about the previous text holds where the edit did not touch it
          // (the parse-error does not blink off and on at every keystroke of a broken file); otherwise nothing is shown
          // (and only while tree-sitter still sees an error on that line: a string just closed drops it)
          const carried = c?.err ? carryError(c.text, f.text, c.err, f.lines) : undefined;
          const own = f.syntax?.errors[0];
          syntaxErrors.set(f.path, carried && own && f.lines.positionAt(own.span.start).line === carried.line ? carried : null);
        }
      }
    }
    const opts: AnalyzeOptions = {
      rules: fset.settings.rules, syntaxErrors, ruleSet: this.opts.ruleSet,
      onRuleError: (id, e) => this.logError(`rule ${id} failed`, e),
    };
    return { files, abs, opts, pending, fs: fset };
  }

  private async validateModule(dir: string): Promise<void> {
    const t0 = performance.now();
    const m = await this.prepare(dir);
    this.analyzeAndPublish(dir, m.files, m.abs, m.opts, this.scanPlans.has(dir));
    this.stats.validations++;
    this.stats.lastMs = performance.now() - t0;
    const uri = this.lastEdited.get(dir);
    if (uri) this.status({ state: 'idle', uri, durationMs: Math.round(this.stats.lastMs), slow: this.stats.lastMs > 2000 });
    // Detached: the next keystroke's validation does not wait for HashiCorp's parser (~50 ms per KB).
    if (m.pending.length && this.opts.checkSyntax) this.requestAuthority(dir);
  }

  /** Folders with an authority check running -> whether another one was asked for meanwhile. */
  private readonly authority = new Map<string, boolean>();

  /** Asks HashiCorp's parser about the folder's pending files and republishes with its verdicts; at most one check per folder runs, the last request is served once it ends. */
  private requestAuthority(dir: string): void {
    if (this.authority.has(dir)) { this.authority.set(dir, true); return; }
    this.authority.set(dir, false);
    void (async () => {
      try {
        for (;;) {
          const m = await this.prepare(dir);
          const check = this.opts.checkSyntax;
          if (m.pending.length && check) {
            await Promise.all(m.pending.map(async (f) => {
              const p = m.abs.get(f.path)!;
              let err: SyntaxError | null | undefined;
              try { err = await check(f.path, f.text); } catch (e) { this.logError('hcl2json', e); }
              this.syntaxCache.set(p, { text: f.text, err });
            }));
            // publish the authoritative syntax errors (unless the text changed meanwhile: the next round does it)
            const again = await this.prepare(dir);
            if (again.pending.length === 0) this.analyzeAndPublish(dir, again.files, again.abs, again.opts, this.scanPlans.has(dir));
          }
          if (!this.authority.get(dir)) break;
          this.authority.set(dir, false);
        }
      } catch (e) {
        this.logError('hcl2json', e);
      } finally {
        this.authority.delete(dir);
      }
    })();
  }

  /** Analyses a module and publishes diagnostics for its open files (and files of a workspace scan). */
  private analyzeAndPublish(dir: string, files: SourceFile[], abs: Map<string, string>, opts: AnalyzeOptions, forceUnopened = false): Finding[] {
    const incremental = !this.full.delete(dir);
    const view = this.configView(dir, opts, incremental);
    const facts: Facts[] = []; // one per stack: each template, and the folder's other files
    let findings: Finding[];
    let own: Facts | undefined;
    let folderFacts: (() => Facts) | undefined;
    let provisional = false;
    const tf = files.filter((f) => f.kind !== 'cfn');
    if (view) {
      // Terraform: within its configurations (configs.ts); the wiring view still gets the folder's own facts,
      // built when it asks (not on every keystroke)
      if (tf.length) folderFacts = () => (own ??= factsOf(new ModuleIndex(tf)));
      findings = [...files.flatMap((f) => view.byFile.get(abs.get(f.path)!) ?? []), ...analyzeTemplates(files, { ...opts, onFacts: (f) => facts.push(f) })];
      provisional = view.provisional;
    } else {
      // alone: carried over edits no rule reads too (folders.ts); templates analysed at every keystroke
      // (only folders with an open document keep their last analysis: a Scan Workspace does not keep them all)
      const open = [...this.docs.values()].some((d) => this.moduleDirOf(d.fsPath) === dir);
      if (!open) this.alone.forget(dir);
      const r = open ? this.alone.analyze(dir, files, opts, incremental) : undefined;
      if (r) {
        findings = r.findings;
        provisional = r.provisional;
        if (r.facts) facts.push(...r.facts);
        else if (tf.length) folderFacts = () => (own ??= factsOf(new ModuleIndex(tf)));
      } else findings = analyzeModule(files, { ...opts, onFacts: (f) => facts.push(f) });
    }
    // findings carried over an edit lack the fixes of the edited block: a full analysis follows when typing pauses
    const t = this.settling.get(dir);
    if (t) clearTimeout(t);
    if (provisional) {
      const timer = setTimeout(() => { if (this.settling.get(dir) === timer) { this.full.add(dir); this.scheduler.schedule(dir, 0); } }, SETTLE_MS);
      this.settling.set(dir, timer);
    } else this.settling.delete(dir);
    // carried findings: nothing a lens says changed (the edited document's own lenses are asked again by the client)
    this.wiring.record(dir, folderFacts ? () => [folderFacts!(), ...facts] : () => facts, abs, provisional);
    const byFile = new Map<string, Finding[]>();
    for (const f of findings) { const l = byFile.get(f.file); if (l) l.push(f); else byFile.set(f.file, [f]); }
    if (view) { this.publishOthers(dir, view); for (const m of view.problems) this.warnOnce(m, 'lpg: ' + m); }
    const seen = new Set<string>();
    for (const f of files) {
      const p = abs.get(f.path)!;
      seen.add(p);
      const doc = this.docs.get(p);
      if (!doc && !forceUnopened && !this.scanned.has(p)) { this.results.delete(p); continue; }
      if (!doc) this.scanned.add(p);
      const version = doc ? doc.version : null;
      const list = byFile.get(f.path) ?? [];
      this.results.set(p, { version, findings: list, dir });
      this.publish(doc ? doc.uri : pathToUri(p), version, list.map((x) => toDiagnostic(x, dir, version, (a) => this.uriOf(a))));
    }
    // open documents of this folder left out of the analysis (excluded, too big, not a policy): no diagnostics
    for (const d of this.docs.values()) {
      if (this.moduleDirOf(d.fsPath) !== dir || seen.has(d.fsPath)) continue;
      this.results.set(d.fsPath, { version: d.version, findings: [], dir });
      this.publish(d.uri, d.version, []);
    }
    for (const p of [...this.scanned]) if (this.results.get(p)?.dir === dir && !seen.has(p)) { this.scanned.delete(p); this.results.delete(p); this.publish(pathToUri(p), null, []); }
    return findings;
  }

  /** The folder within the configurations that contain it (undefined: no module call links it to another folder). */
  private configView(dir: string, opts: AnalyzeOptions, incremental = false): ReturnType<LspConfigs['analyze']> {
    const fset = this.lastSettings.get(dir);
    if (!fset) return undefined;
    return this.configs.analyze(this.folderOf(path.join(dir, '_')).path, dir, this.filterOf(fset), opts, fset.settings.varFiles, incremental);
  }

  /** Folders whose last findings were carried over an edit (configs.ts, folders.ts), with the timer of their full analysis. */
  private readonly settling = new Map<string, ReturnType<typeof setTimeout>>();
  /** Folders whose next validation analyses in full (every configuration, or the folder alone). */
  private readonly full = new Set<string>();

  /** Open documents (and scanned files) of the other folders of the configurations: their findings changed too. */
  private publishOthers(dir: string, view: NonNullable<ReturnType<LspConfigs['analyze']>>): void {
    for (const [p, list] of view.byFile) {
      const mdir = this.moduleDirOf(p);
      if (mdir === dir) continue;
      const doc = this.docs.get(p);
      if (!doc && !this.scanned.has(p)) continue;
      const version = doc ? doc.version : null;
      this.results.set(p, { version, findings: list, dir: mdir });
      this.publish(doc ? doc.uri : pathToUri(p), version, list.map((x) => toDiagnostic(x, mdir, version, (a) => this.uriOf(a))));
    }
  }

  /** Folders known to hold `.tf`/`.tf.json` files (cleared when files are created or deleted). */
  private readonly tfDirs = new Map<string, boolean>();

  private hasTerraform(dir: string): boolean {
    let v = this.tfDirs.get(dir);
    if (v === undefined) {
      try { v = fs.readdirSync(dir).some((n) => isTerraformFile(n)); } catch { v = false; }
      if (!v) for (const d of this.docs.values()) if (path.dirname(d.fsPath) === dir && isTerraformFile(d.fsPath)) v = true;
      this.tfDirs.set(dir, v);
    }
    return v;
  }

  /**
   * The module folder of a file, as the scan's module plan groups files: its own folder when that
   * holds Terraform, else the nearest folder above it (inside its workspace folder) that does
   * (policy JSON in `policies/` belongs to the module above), else its own folder.
   */
  private moduleDirOf(p: string): string {
    const own = path.dirname(p);
    if (isTerraformFile(p)) return own;
    for (const [m, files] of this.scanPlans) if (p.startsWith(m + path.sep) && files.includes(relPath(m, p))) return m;
    if (this.hasTerraform(own)) return own;
    const root = this.folderOf(p).path;
    for (let d = own; d.startsWith(root + path.sep);) {
      d = path.dirname(d);
      if (this.hasTerraform(d)) return d;
    }
    return own;
  }

  private uriOf(abs: string): string { return this.docs.get(abs)?.uri ?? pathToUri(abs); }

  /** Publishes unless the same diagnostics were already published for the same version. */
  private publish(uri: string, version: number | null, diagnostics: Diagnostic[]): void {
    const key = JSON.stringify(diagnostics);
    const last = this.published.get(uri);
    if (last && last.version === version && last.key === key) return;
    this.published.set(uri, { version, key });
    void this.conn.sendDiagnostics(version === null ? { uri, diagnostics } : { uri, version, diagnostics });
  }

  private watchedFilesChanged(changes: { uri: string; type: FileChangeType }[]): void {
    const dirs = new Set<string>();
    let config = false;
    for (const ch of changes) {
      const p = uriToPath(ch.uri);
      if (!p) continue;
      if (path.basename(p) === '.lpg.json') { config = true; continue; }
      this.disk.invalidate(p);
      this.syntaxCache.delete(p);
      if (ch.type === FileChangeType.Deleted && this.scanned.has(p)) { this.scanned.delete(p); this.results.delete(p); this.publish(pathToUri(p), null, []); }
      if (ch.type !== FileChangeType.Changed) this.tfDirs.clear();
      this.configs.invalidate();
      const dir = this.moduleDirOf(p);
      if ([...this.docs.values()].some((d) => this.moduleDirOf(d.fsPath) === dir)) dirs.add(dir);
      for (const [m, files] of this.scanPlans) {
        const rel = path.relative(m, p).split(path.sep).join('/');
        if (m === dir || files.includes(rel)) {
          dirs.add(m);
          if (ch.type === FileChangeType.Created && !files.includes(rel) && !rel.includes('/')) files.push(rel);
        }
      }
    }
    if (config) { this.settingsCache.clear(); this.revalidateAll(); return; }
    for (const d of dirs) this.scheduler.schedule(d, 0);
  }

  // ---------------------------------------------------------------- code actions

  private editOptions(): EditOptions {
    const we = this.caps.workspace?.workspaceEdit as ({ documentChanges?: boolean; snippetEditSupport?: boolean } | undefined);
    return {
      documentChanges: !!we?.documentChanges,
      snippets: !!we?.documentChanges && !!we?.snippetEditSupport,
      target: (abs) => { const d = this.docs.get(abs); return d ? { uri: d.uri, version: d.version } : { uri: pathToUri(abs), version: null }; },
    };
  }

  /** Findings of an open document at its current version (analysed now if the last run is older). */
  private async currentFindings(doc: OpenDocument): Promise<FileResult> {
    const dir = this.moduleDirOf(doc.fsPath);
    // findings carried over edits: analyse in full first (the fixes of the edited block)
    for (const d of [...this.settling.keys()]) { this.full.add(d); await this.scheduler.now(d); }
    const r = this.results.get(doc.fsPath);
    if (r && r.version === doc.version) return r;
    const m = await this.prepare(dir);
    const name = relPath(dir, doc.fsPath);
    const view = this.configView(dir, m.opts);
    const findings = view ? [...(view.byFile.get(doc.fsPath) ?? []), ...analyzeTemplates(m.files, { ...m.opts, only: new Set([name]) })] : analyzeModule(m.files, { ...m.opts, only: new Set([name]) });
    return { version: doc.version, findings, dir };
  }

  private async codeActions(p: CodeActionParams, token: CancellationToken): Promise<CodeAction[]> {
    const fsPath = uriToPath(p.textDocument.uri);
    const doc = fsPath && this.docs.get(fsPath);
    if (!doc) return [];
    const only = p.context.only;
    const wants = (kind: string) => !only || only.some((k) => kind === k || kind.startsWith(k + '.'));
    const eo = this.editOptions();
    const r = await this.currentFindings(doc);
    if (token.isCancellationRequested || r.version !== doc.version) return [];
    const actions: CodeAction[] = [];
    if (wants(CodeActionKind.QuickFix)) {
      const mine = p.context.diagnostics.filter((d) => d.source === 'lpg');
      const used = new Set<Finding>();
      const pairs: { fixes: Fix[]; diag?: Diagnostic }[] = [];
      if (mine.length) {
        for (const d of mine) {
          const f = r.findings.find((x) => x.ruleId === d.code && sameRange(x.range, d.range) && !used.has(x));
          if (f) { used.add(f); pairs.push({ fixes: f.fixes, diag: d }); continue; }
          const data = d.data as DiagnosticData | undefined;
          if (data && data.version === doc.version && Array.isArray(data.fixes)) pairs.push({ fixes: data.fixes, diag: d });
        }
      } else {
        for (const f of r.findings) if (intersects(f.range, p.range)) pairs.push({ fixes: f.fixes, diag: toDiagnostic(f, r.dir, doc.version, (a) => this.uriOf(a)) });
      }
      for (const { fixes, diag } of pairs) for (const fix of fixes) {
        const why = this.fixChecks.check(fix, doc.uri, doc.version, () => unsafeFixReason(fix, doc.sourceFile(relPath(r.dir, doc.fsPath)), (p) => this.docs.get(path.join(r.dir, ...p.split('/')))?.text ?? this.disk.read(path.join(r.dir, ...p.split('/')), EDITOR_MAX_FILE_BYTES, p)?.text), doc.text.length);
        if (why) { this.conn.console.warn(`lpg: quick fix "${fix.title}" left out: ${why}`); continue; }
        actions.push(fixToCodeAction(fix, r.dir, diag, eo));
      }
    }
    if ((wants(FIX_ALL_KIND) || (only && only.includes(CodeActionKind.Source))) && r.findings.some((f) => f.fixes.some((x) => x.preferred))) {
      const edit = await this.fixAllEdit(doc, token);
      if (edit) actions.push({ title: 'Fix all auto-fixable lpg problems', kind: FIX_ALL_KIND, edit });
    }
    return actions;
  }

  /** One edit applying every preferred fix of the document (see fixall.ts), or undefined when nothing changes. */
  private async fixAllEdit(doc: OpenDocument, token?: CancellationToken): Promise<WorkspaceEdit | undefined> {
    const dir = this.moduleDirOf(doc.fsPath);
    const m = await this.prepare(dir);
    if (token?.isCancellationRequested) return undefined;
    const name = relPath(dir, doc.fsPath);
    if (!m.abs.has(name)) return undefined;
    const { texts, dropped } = fixAll(m.files, name, m.opts, () => !!token?.isCancellationRequested);
    for (const d of dropped) this.conn.console.warn(`lpg: fix all in ${doc.fsPath}: left out "${d.title}" [${d.ruleId}]: ${d.reason}`);
    if (!texts.size) return undefined;
    const byPath = new Map(m.files.map((f) => [f.path, f]));
    const edits = [...texts].map(([file, text]) => {
      const old = byPath.get(file)!;
      const e = minimalEdit(old.text, text);
      const li = old.lines ?? new LineIndex(old.text);
      return { abs: m.abs.get(file)!, edit: { range: li.range(e.start, e.end), newText: e.newText } };
    });
    return toWorkspaceEdit(edits, this.editOptions());
  }

  // ---------------------------------------------------------------- commands

  private async executeCommand(p: ExecuteCommandParams, token: CancellationToken): Promise<unknown> {
    switch (p.command) {
      case COMMANDS.scan: return this.scanWorkspace(token, p.workDoneToken);
      case COMMANDS.clear: return this.clearScanResults();
      case COMMANDS.fixAll: {
        const arg = p.arguments?.[0] as string | { uri?: string; textDocument?: { uri: string } } | undefined;
        const uri = typeof arg === 'string' ? arg : arg?.uri ?? arg?.textDocument?.uri;
        const fsPath = uri && uriToPath(uri);
        const doc = fsPath && this.docs.get(fsPath);
        if (!doc) return { applied: false, reason: 'document is not open' };
        const edit = await this.fixAllEdit(doc, token);
        if (!edit) return { applied: false, reason: 'nothing to fix' };
        const r = await this.conn.workspace.applyEdit({ label: 'lpg: fix all', edit });
        return { applied: r.applied };
      }
      default: return new ResponseError(ErrorCodes.InvalidParams, `lpg: unknown command ${JSON.stringify(p.command)} (known: ${Object.values(COMMANDS).join(', ')})`);
    }
  }

  private clearScanResults(): { cleared: number } {
    const n = this.scanned.size;
    for (const p of this.scanned) { this.results.delete(p); this.publish(pathToUri(p), null, []); }
    this.scanned.clear();
    this.scanPlans.clear();
    const open = new Set([...this.docs.values()].map((d) => this.moduleDirOf(d.fsPath)));
    this.wiring.retain((dir) => open.has(dir));
    return { cleared: n };
  }

  private async scanWorkspace(token: CancellationToken, clientToken: ProgressToken | undefined): Promise<unknown> {
    this.scanning?.cancel();
    let cancelled = false;
    const mine = { cancel: () => { cancelled = true; } };
    this.scanning = mine;
    let reporter: Progress = new NoProgress();
    if (clientToken !== undefined) reporter = new ClientProgress(this.conn, clientToken);
    else if (this.caps.window?.workDoneProgress) {
      try { reporter = await this.conn.window.createWorkDoneProgress(); } catch (e) { this.logError('workDoneProgress/create', e); }
    }
    const isCancelled = () => cancelled || token.isCancellationRequested || !!reporter.token?.isCancellationRequested;
    await this.ready;
    reporter.begin('lpg: Scan Workspace', 0, 'listing files', true);
    this.status({ state: 'scanning' });
    const t0 = performance.now();
    let files = 0, modules = 0, findings = 0, done = 0, total = 0;
    const skipped0 = this.skippedFiles;
    try {
      const roots = this.folders.length ? this.folders : [...new Set([...this.docs.values()].map((d) => path.dirname(d.fsPath)))].map((p) => ({ uri: pathToUri(p), path: p }));
      const plan: { dir: string; files: string[] }[] = [];
      for (const root of roots) {
        const fset = await this.settingsFor(path.join(root.path, '_'));
        const w = await walkFiles(root.path, (rel) => fset.exclude(path.join(root.path, rel)), { allowed: (real) => this.disk.allowed?.(real) ?? true, outsideMessage: 'skipped: ' + this.disk.outsideMessage });
        for (const issue of w.issues) this.conn.console.warn(`lpg: ${issue.file}: ${issue.message}`);
        for (const m of planModules(w.files.filter((f) => path.posix.basename(f) !== '.lpg.json'))) {
          const dir = path.join(root.path, ...(m.dir ? m.dir.split('/') : []));
          if (plan.some((p) => p.dir === dir)) continue; // nested workspace folders: each folder once
          plan.push({ dir, files: m.files.map((f) => relativeTo(m.dir, f)) });
          total += m.files.length;
        }
        if (isCancelled()) break;
      }
      reporter.report(0, `0/${total} files`);
      for (const { dir, files: rels } of plan) {
        if (isCancelled()) break;
        // Pre-filter (as `lpg scan`): a folder none of whose files mentions Lambda or IAM is not parsed.
        if (!this.mayMatter(dir, rels)) { done += rels.length; continue; }
        this.scanPlans.set(dir, rels);
        const m = await this.prepare(dir);
        if (m.pending.length && this.opts.checkSyntax) {
          const check = this.opts.checkSyntax;
          await Promise.all(m.pending.map(async (f) => {
            const a = m.abs.get(f.path)!;
            let err: SyntaxError | null | undefined;
            try { err = await check(f.path, f.text); } catch (e) { this.logError('hcl2json', e); }
            this.syntaxCache.set(a, { text: f.text, err });
            if (err !== undefined) m.opts.syntaxErrors!.set(f.path, err); else m.opts.syntaxErrors!.delete(f.path);
          }));
        }
        findings += this.analyzeAndPublish(dir, m.files, m.abs, m.opts, true).length;
        if (m.files.length) modules++;
        files += m.files.length;
        done += rels.length;
        reporter.report(total ? Math.round((done / total) * 100) : 100, `${done}/${total} files, ${findings} findings`);
        await new Promise((r) => setImmediate(r));
      }
    } finally {
      reporter.done();
      if (this.scanning === mine) this.scanning = undefined;
    }
    cancelled = isCancelled();
    const ms = Math.round(performance.now() - t0);
    const skipped = this.skippedFiles - skipped0;
    this.status({ state: 'scanned', findings, files, message: cancelled ? 'cancelled' : undefined });
    this.conn.console.info(`lpg: scan ${cancelled ? 'cancelled' : 'done'}: ${modules} folders, ${files} files, ${findings} findings${skipped ? `, ${skipped} files skipped (see the log)` : ''} in ${ms} ms`);
    if (skipped) void this.conn.sendNotification(ShowMessageNotification.type, { type: MessageType.Warning, message: `lpg: the scan skipped ${skipped} file${skipped === 1 ? '' : 's'} (over lpg.maxFileSizeMB or unreadable): see the log` }).catch(() => undefined);
    return { cancelled, folders: modules, files, total, findings, skipped, ms };
  }

  /** Scan pre-filter: does any file of the folder (or an open document in it) mention Lambda or IAM? Cheap text test, no parse. */
  private mayMatter(dir: string, rels: string[]): boolean {
    for (const d of this.docs.values()) if (path.dirname(d.fsPath) === dir) return true;
    return rels.some((rel) => {
      const p = path.join(dir, ...rel.split('/'));
      try { return fs.statSync(p).size > 64 * 1048576 || mayBeRelevant(fs.readFileSync(p, 'latin1')); } catch { return true; }
    });
  }

  // ---------------------------------------------------------------- never down

  private logError(what: string, e: unknown): void {
    const msg = e instanceof Error ? (e.stack ?? e.message) : String(e);
    try { this.conn.console.error(`lpg: ${what}: ${msg}`); } catch { /* connection gone */ }
  }

  private warnOnce(key: string, message: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.conn.console.warn(message);
    void this.conn.sendNotification(ShowMessageNotification.type, { type: MessageType.Warning, message }).catch(() => undefined);
  }

  private guard(what: string, fn: () => unknown): void {
    try {
      const r = fn();
      if (r instanceof Promise) r.catch((e) => this.logError(what, e));
    } catch (e) { this.logError(what, e); }
  }

  private async guarded<T>(what: string, fn: () => Promise<T> | T, fallback: T): Promise<T> {
    try { return await fn(); } catch (e) { this.logError(what, e); return fallback; }
  }
}

function sameRange(a: { start: { line: number; character: number }; end: { line: number; character: number } }, b: typeof a): boolean {
  return a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;
}
function intersects(a: { start: { line: number; character: number }; end: { line: number; character: number } }, b: typeof a): boolean {
  const le = (x: typeof a.start, y: typeof a.start) => x.line < y.line || (x.line === y.line && x.character <= y.character);
  return le(a.start, b.end) && le(b.start, a.end);
}

type Progress = Pick<WorkDoneProgressReporter, 'begin' | 'report' | 'done'> & { token?: CancellationToken };

class NoProgress implements Progress {
  begin(): void { /* no progress UI */ }
  report(): void { /* no progress UI */ }
  done(): void { /* no progress UI */ }
}

/** Progress on a token the client sent with the request (cancellation then comes as $/cancelRequest). */
class ClientProgress implements Progress {
  constructor(private readonly conn: Connection, private readonly progressToken: ProgressToken) {}
  begin(title: string, percentage?: number, message?: string, cancellable?: boolean): void {
    void this.conn.sendProgress(WorkDoneProgress.type, this.progressToken, { kind: 'begin', title, percentage, message, cancellable });
  }
  report(a: number | string, b?: string): void {
    const v = typeof a === 'number' ? { kind: 'report' as const, percentage: a, message: b } : { kind: 'report' as const, message: a };
    void this.conn.sendProgress(WorkDoneProgress.type, this.progressToken, v);
  }
  done(): void { void this.conn.sendProgress(WorkDoneProgress.type, this.progressToken, { kind: 'end' }); }
}

/** `/`-separated path of `p` relative to the module folder `dir`. */
function relPath(dir: string, p: string): string { return path.relative(dir, p).split(path.sep).join('/'); }
