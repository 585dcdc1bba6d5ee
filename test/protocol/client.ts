/**
 * A minimal LSP client for protocol tests: spawns the real built server (`node dist/server.js --stdio`)
 * and talks to it with vscode-languageserver-protocol over stdio. Waits are promises resolved by
 * notifications (with a generous failure timeout), never fixed sleeps.
 */
import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { createMessageConnection, type MessageConnection } from 'vscode-jsonrpc/node';
import {
  StreamMessageReader, StreamMessageWriter, CancellationTokenSource,
  InitializeRequest, InitializedNotification, DidOpenTextDocumentNotification, DidChangeTextDocumentNotification,
  DidCloseTextDocumentNotification, DidSaveTextDocumentNotification, PublishDiagnosticsNotification, CodeActionRequest,
  ExecuteCommandRequest, ConfigurationRequest, RegistrationRequest, ApplyWorkspaceEditRequest, WorkDoneProgressCreateRequest,
  DidChangeConfigurationNotification, DidChangeWatchedFilesNotification, ShutdownRequest, ExitNotification,
  LogMessageNotification, ShowMessageNotification, WorkDoneProgressCancelNotification,
  type Diagnostic, type CodeAction, type ClientCapabilities, type Range, type TextEdit,
  type WorkspaceEdit, type FileEvent, type Registration, type ProgressToken,
} from 'vscode-languageserver-protocol/node';

export const REPO = path.resolve(__dirname, '../..');
export const SERVER = path.join(REPO, 'dist/server.js');

export function uriOf(p: string): string { return pathToFileURL(p).href; }

/** A fresh temporary workspace with the given files (paths relative to it). */
export function makeWorkspace(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lpg-proto-'));
  for (const [rel, text] of Object.entries(files)) {
    const p = path.join(dir, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, text);
  }
  return dir;
}

export interface Published { uri: string; version?: number; diagnostics: Diagnostic[]; seq: number }

type Waiter = { test: () => boolean; resolve: () => void };

export interface ClientOptions {
  root: string;
  folders?: string[];
  /** Settings per scope URI (folder), or for all scopes under key '*'. */
  settings?: Record<string, unknown>;
  snippets?: boolean;
  documentChanges?: boolean;
  workDoneProgress?: boolean;
  watchedFiles?: boolean;
  /** Command and args (default: node dist/server.js --stdio). */
  command?: string[];
  env?: Record<string, string>;
  initializationOptions?: unknown;
  /** Advertise workspace.codeLens.refreshSupport (refresh requests are counted in `codeLensRefreshes`). */
  codeLensRefresh?: boolean;
}

export class TestClient {
  readonly conn: MessageConnection;
  readonly proc: ChildProcess;
  /** Every publishDiagnostics notification in arrival order. */
  readonly publications: Published[] = [];
  readonly latest = new Map<string, Published>();
  readonly logs: string[] = [];
  readonly messages: { type: number; message: string }[] = [];
  readonly progress: { token: ProgressToken; value: { kind: string; title?: string; message?: string; percentage?: number; cancellable?: boolean } }[] = [];
  readonly registrations: Registration[] = [];
  /** `lpg/status` notifications. */
  readonly statuses: { state: string; uri?: string; durationMs?: number; slow?: boolean; findings?: number; files?: number }[] = [];
  readonly configRequests: { scopeUri?: string; section?: string }[] = [];
  /** workspace/codeLens/refresh requests received. */
  codeLensRefreshes = 0;
  /** Other notifications by method (e.g. `lpg/wiringChanged`). */
  readonly notifications: { method: string; params: unknown }[] = [];
  readonly createdProgress: ProgressToken[] = [];
  /** Text of open documents as this client knows it. */
  readonly texts = new Map<string, { text: string; version: number }>();
  settings: Record<string, unknown>;
  stderr = '';
  private waiters: Waiter[] = [];
  private seq = 0;
  /** Called on each progress report (for cancellation tests). */
  onProgress: ((token: ProgressToken, value: { kind: string; message?: string }) => void) | undefined;

  constructor(readonly opts: ClientOptions) {
    this.settings = opts.settings ?? {};
    const cmd = opts.command ?? [process.execPath, SERVER, '--stdio'];
    this.proc = spawn(cmd[0], cmd.slice(1), { cwd: REPO, env: { ...process.env, ...opts.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    this.proc.stderr!.on('data', (d) => { this.stderr += String(d); });
    this.conn = createMessageConnection(new StreamMessageReader(this.proc.stdout!), new StreamMessageWriter(this.proc.stdin!));
    this.conn.onNotification(PublishDiagnosticsNotification.type, (p) => {
      const pub = { ...p, seq: ++this.seq };
      this.publications.push(pub);
      this.latest.set(p.uri, pub);
      this.wake();
    });
    this.conn.onNotification(LogMessageNotification.type, (p) => { this.logs.push(p.message); this.wake(); });
    this.conn.onNotification(ShowMessageNotification.type, (p) => { this.messages.push(p); this.wake(); });
    this.conn.onNotification('lpg/status', (p: TestClient['statuses'][number]) => { this.statuses.push(p); this.wake(); });
    this.conn.onRequest(ConfigurationRequest.type, (p) => p.items.map((it) => {
      this.configRequests.push(it);
      return (it.scopeUri && this.settings[it.scopeUri]) ?? this.settings['*'] ?? null;
    }));
    this.conn.onRequest('workspace/codeLens/refresh', () => { this.codeLensRefreshes++; this.wake(); return null; });
    this.conn.onNotification('lpg/wiringChanged', (p: unknown) => { this.notifications.push({ method: 'lpg/wiringChanged', params: p }); this.wake(); });
    this.conn.onRequest(RegistrationRequest.type, (p) => { this.registrations.push(...p.registrations); this.wake(); });
    this.conn.onRequest(WorkDoneProgressCreateRequest.type, (p) => { this.createdProgress.push(p.token); });
    this.conn.onUnhandledProgress((p: { token: ProgressToken; value: TestClient['progress'][number]['value'] }) => {
      this.progress.push(p);
      this.onProgress?.(p.token, p.value);
      this.wake();
    });
    this.conn.onRequest(ApplyWorkspaceEditRequest.type, (p) => {
      this.applyWorkspaceEdit(p.edit);
      return { applied: true };
    });
    this.conn.listen();
  }

  private wake(): void {
    for (const w of this.waiters.slice()) if (w.test()) { this.waiters.splice(this.waiters.indexOf(w), 1); w.resolve(); }
  }

  /** Resolves when `test` holds (checked now and on every message), rejects after `ms` with `what`. */
  until(what: string, test: () => boolean, ms = 20000): Promise<void> {
    if (test()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const w: Waiter = { test, resolve: () => { clearTimeout(t); resolve(); } };
      const t = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        reject(new Error(`timed out waiting for ${what}; last diagnostics: ${JSON.stringify([...this.latest.values()].map((p) => ({ uri: p.uri, v: p.version, d: p.diagnostics.map((d) => `${d.code}@${d.range.start.line}:${d.range.start.character}`) })))}\nstderr: ${this.stderr.slice(-2000)}\nlogs: ${this.logs.slice(-10).join('\n')}`));
      }, ms);
      this.waiters.push(w);
    });
  }

  async initialize(): Promise<void> {
    const o = this.opts;
    const capabilities: ClientCapabilities = {
      workspace: {
        configuration: true,
        workspaceFolders: true,
        didChangeConfiguration: { dynamicRegistration: true },
        didChangeWatchedFiles: { dynamicRegistration: o.watchedFiles !== false },
        applyEdit: true,
        ...(o.codeLensRefresh ? { codeLens: { refreshSupport: true } } : {}),
        workspaceEdit: { documentChanges: o.documentChanges !== false, ...(o.snippets ? { snippetEditSupport: true } : {}) } as never,
      },
      textDocument: {
        synchronization: { didSave: true },
        publishDiagnostics: { relatedInformation: true, versionSupport: true, codeDescriptionSupport: true, dataSupport: true },
        codeAction: { isPreferredSupport: true, dataSupport: true, codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'source', 'source.fixAll'] } } },
      },
      window: { workDoneProgress: o.workDoneProgress !== false },
    };
    const folders = (o.folders ?? [o.root]).map((f) => ({ uri: uriOf(f), name: path.basename(f) }));
    await this.conn.sendRequest(InitializeRequest.type, { processId: process.pid, rootUri: uriOf(o.root), capabilities, workspaceFolders: folders, initializationOptions: o.initializationOptions });
    await this.conn.sendNotification(InitializedNotification.type, {});
  }

  async open(p: string, text?: string): Promise<string> {
    const uri = uriOf(p);
    const t = text ?? fs.readFileSync(p, 'utf8');
    this.texts.set(uri, { text: t, version: 1 });
    await this.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: p.endsWith('.json') ? 'json' : /\.ya?ml$/.test(p) ? 'yaml' : 'terraform', version: 1, text: t } });
    return uri;
  }

  async close(uri: string): Promise<void> {
    this.texts.delete(uri);
    await this.conn.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  }

  async save(uri: string): Promise<void> {
    await this.conn.sendNotification(DidSaveTextDocumentNotification.type, { textDocument: { uri } });
  }

  text(uri: string): string { return this.texts.get(uri)!.text; }
  version(uri: string): number { return this.texts.get(uri)!.version; }

  /** Sends incremental changes (ranges in the text before each change, applied in order). Returns the new version. */
  async change(uri: string, changes: TextEdit[]): Promise<number> {
    const d = this.texts.get(uri)!;
    let text = d.text;
    for (const c of changes) text = applyEdits(text, [c]);
    d.text = text;
    d.version++;
    await this.conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version: d.version }, contentChanges: changes.map((c) => ({ range: c.range, text: c.newText })) });
    return d.version;
  }

  /** Inserts text at an offset of the current text. */
  insertAt(uri: string, offset: number, text: string): Promise<number> {
    const pos = positionAt(this.text(uri), offset);
    return this.change(uri, [{ range: { start: pos, end: pos }, newText: text }]);
  }

  /** Diagnostics published for a URI at a version (or after a publication sequence number), once `test` holds for them. */
  async diagnostics(uri: string, test: (d: Diagnostic[], p: Published) => boolean = () => true, what = 'diagnostics'): Promise<Diagnostic[]> {
    let hit: Diagnostic[] = [];
    await this.until(`${what} for ${uri}`, () => {
      const p = this.latest.get(uri);
      if (p && test(p.diagnostics, p)) { hit = p.diagnostics; return true; }
      return false;
    });
    return hit;
  }

  /** The diagnostics of the current version of an open document. */
  current(uri: string, test: (d: Diagnostic[]) => boolean = () => true, what?: string): Promise<Diagnostic[]> {
    const v = this.version(uri);
    return this.diagnostics(uri, (d, p) => p.version === v && test(d), what ?? `diagnostics of version ${v}`);
  }

  codeActions(uri: string, range: Range, diagnostics: Diagnostic[], only?: string[]): Promise<CodeAction[]> {
    return this.conn.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range, context: { diagnostics, only } }) as Promise<CodeAction[]>;
  }

  executeCommand(command: string, args: unknown[] = [], workDoneToken?: ProgressToken, token?: CancellationTokenSource): Promise<unknown> {
    return this.conn.sendRequest(ExecuteCommandRequest.type, { command, arguments: args, workDoneToken }, token?.token);
  }

  cancelProgress(token: ProgressToken): Promise<void> {
    return this.conn.sendNotification(WorkDoneProgressCancelNotification.type, { token });
  }

  async setSettings(settings: Record<string, unknown>): Promise<void> {
    this.settings = settings;
    await this.conn.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
  }

  watched(changes: FileEvent[]): Promise<void> {
    return this.conn.sendNotification(DidChangeWatchedFilesNotification.type, { changes });
  }

  /** Applies a workspace edit to open documents (sending didChange, full-text) and to files on disk; checks versions. */
  applyWorkspaceEdit(edit: WorkspaceEdit): void {
    const perFile: { uri: string; version: number | null | undefined; edits: TextEdit[] }[] = [];
    for (const dc of edit.documentChanges ?? []) if ('textDocument' in dc) perFile.push({ uri: dc.textDocument.uri, version: dc.textDocument.version, edits: dc.edits.map(plainEdit) });
    for (const [uri, edits] of Object.entries(edit.changes ?? {})) perFile.push({ uri, version: undefined, edits });
    for (const f of perFile) {
      const d = this.texts.get(f.uri);
      if (d) {
        if (f.version != null && f.version !== d.version) throw new Error(`edit for version ${f.version} of ${f.uri}, document is at ${d.version}`);
        d.text = applyEdits(d.text, f.edits);
        d.version++;
        void this.conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri: f.uri, version: d.version }, contentChanges: [{ text: d.text }] });
      } else {
        const p = new URL(f.uri).pathname;
        fs.writeFileSync(p, applyEdits(fs.readFileSync(p, 'utf8'), f.edits));
      }
    }
  }

  async stop(): Promise<void> {
    try {
      await Promise.race([this.conn.sendRequest(ShutdownRequest.type), new Promise((r) => setTimeout(r, 3000))]);
      await this.conn.sendNotification(ExitNotification.type);
    } catch { /* already gone */ }
    this.conn.dispose();
    if (this.proc.exitCode === null) {
      await Promise.race([new Promise((r) => this.proc.once('exit', r)), new Promise((r) => setTimeout(r, 3000))]);
      if (this.proc.exitCode === null) this.proc.kill();
    }
  }
}

/** A snippet edit (LSP 3.18) as the text it inserts with placeholders replaced by their defaults. */
export function plainEdit(e: TextEdit | { range: Range; snippet: { value: string } }): TextEdit {
  if ('snippet' in e) return { range: e.range, newText: snippetText(e.snippet.value) };
  return e;
}

export function snippetText(s: string): string {
  return s.replace(/\$\{\d+:([^}]*)\}/g, '$1').replace(/\$\{\d+\}|\$\d+/g, '').replace(/\\([$}\\])/g, '$1');
}

export function positionAt(text: string, offset: number): { line: number; character: number } {
  const before = text.slice(0, offset);
  const lines = before.split('\n');
  return { line: lines.length - 1, character: lines[lines.length - 1].length };
}
export function offsetAt(text: string, pos: { line: number; character: number }): number {
  const lines = text.split('\n');
  let o = 0;
  for (let i = 0; i < pos.line && i < lines.length; i++) o += lines[i].length + 1;
  return Math.min(o + pos.character, text.length);
}

export function applyEdits(text: string, edits: TextEdit[]): string {
  const sorted = edits.map((e, i) => ({ s: offsetAt(text, e.range.start), e: offsetAt(text, e.range.end), t: e.newText, i })).sort((a, b) => b.s - a.s || b.i - a.i);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.s) + e.t + out.slice(e.e);
  return out;
}

/** The text a range covers. */
export function covered(text: string, r: Range): string { return text.slice(offsetAt(text, r.start), offsetAt(text, r.end)); }

export { CancellationTokenSource };
