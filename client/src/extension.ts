/**
 * The VS Code extension: starts the bundled language server (dist/server.js) over Node IPC, and adds
 * the palette commands, a language status item and the output channel. All analysis happens in the
 * server; this file only wires the editor to it.
 *
 * Server contract (server/src/lsp/main.ts): diagnostics with `code` = rule id and source "lpg", quick
 * fixes and `source.fixAll.lpg` code actions, workspace/executeCommand `lpg.scanWorkspace`,
 * `lpg.clearScanResults`, `lpg.fixAll`, settings section `lpg`, and optionally an `lpg/status`
 * notification. The palette commands use their own ids (`lambdaPermissionGuard.*`) because
 * vscode-languageclient registers the server's `lpg.*` commands itself.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  CloseAction,
  type CloseHandlerResult,
  ErrorAction,
  type ErrorHandlerResult,
  ExecuteCommandRequest,
  LanguageClient,
  type LanguageClientOptions,
  type Message,
  RevealOutputChannelOn,
  type ServerOptions,
  State,
  TransportKind,
} from 'vscode-languageclient/node';
import { SHOW_WIRING, VIEW_ID, WiringTree, reveal, showWiring, type WiringItem } from './wiring';
import { SERVER_EXEC_ARGV } from './serverflags';

export const SOURCE = 'lpg';
export const FIX_ALL_KIND = vscode.CodeActionKind.SourceFixAll.append('lpg');

/** The documents the server analyses. JSON files that are not IAM policies are ignored by the server. */
export const documentSelector = [
  { scheme: 'file', language: 'terraform' },
  { scheme: 'file', language: 'terraform-vars' },
  { scheme: 'file', pattern: '**/*.tf' },
  { scheme: 'file', pattern: '**/*.tf.json' },
  { scheme: 'file', pattern: '**/*.tfvars' },
  { scheme: 'file', language: 'json' },
  // CloudFormation / SAM templates: the server reads YAML and .template files by content (other YAML gets no diagnostics);
  // no language or grammar is contributed, so YAML stays with the user's YAML extension
  { scheme: 'file', language: 'yaml' },
  { scheme: 'file', pattern: '**/*.template' },
];

/** Optional progress/status notification the server may send. Every field is optional. */
interface ServerStatus {
  state?: 'ready' | 'checking' | 'scanning' | 'idle' | string;
  uri?: string;
  /** Milliseconds the last validation of `uri` took. */
  durationMs?: number;
  slow?: boolean;
  findings?: number;
  files?: number;
  message?: string;
}

/** What the extension exports to other extensions and to the e2e tests. */
export interface LpgApi {
  client(): LanguageClient | undefined;
  /** Resolves when the server answered `initialize`. */
  ready(): Promise<void>;
  status(): { text: string; detail?: string; severity: vscode.LanguageStatusSeverity; busy: boolean };
  lastScan(): { findings: number; files: number } | undefined;
  /** The "Lambda wiring" view's items (after asking the server again). */
  wiringItems(): Promise<WiringItem[]>;
}

/** Validation slower than this (beyond the configured debounce) turns the status item into a warning. */
const SLOW_VALIDATION_MS = 2000;

let client: LanguageClient | undefined;
let output: vscode.OutputChannel;
let status: vscode.LanguageStatusItem;
let lastScan: { findings: number; files: number } | undefined;
let wiringTree: WiringTree | undefined;
let slow: { file: string; ms: number } | undefined;
/** Documents sent to the server and not yet answered with diagnostics: uri -> time sent. */
const pending = new Map<string, number>();
/** Closed documents whose diagnostics were cleared (lpg.scanResults = clearWhenClosed). */
const clearedOnClose = new Set<string>();
/** The last diagnostics the server published per document, to restore a cleared file when it is reopened. */
const lastDiagnostics = new Map<string, vscode.Diagnostic[]>();

/** The `lpg` settings; resource-scoped ones (`run`, `debounceMs`, ...) are read with their document (VS Code warns otherwise, on every keystroke). */
function config(scope?: vscode.Uri): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration('lpg', scope);
}

function log(msg: string): void {
  output?.appendLine(`[client ${new Date().toISOString()}] ${msg}`);
}

function serverModule(context: vscode.ExtensionContext): string {
  return context.asAbsolutePath(path.join('dist', 'server.js'));
}

function updateStatus(): void {
  if (!status) return;
  const state = client?.state;
  status.command = { title: 'Show Output', command: 'lambdaPermissionGuard.showOutput' };
  if (!client || state === State.Stopped) {
    status.text = '$(error) Lambda Permission Guard: stopped';
    status.detail = 'The language server is not running';
    status.severity = vscode.LanguageStatusSeverity.Error;
    status.command = { title: 'Restart Server', command: 'lambdaPermissionGuard.restartServer' };
    status.busy = false;
    return;
  }
  if (state === State.Starting) {
    status.text = 'Lambda Permission Guard: starting';
    status.detail = undefined;
    status.severity = vscode.LanguageStatusSeverity.Information;
    status.busy = true;
    return;
  }
  // a document the server chose not to answer (not part of any check) must not keep the item busy
  for (const [uri, sent] of pending) if (Date.now() - sent > 60_000) pending.delete(uri);
  status.busy = pending.size > 0 || scanning;
  if (slow) {
    status.severity = vscode.LanguageStatusSeverity.Warning;
    status.text = '$(warning) Lambda Permission Guard: slow validation';
    status.detail = `Checking ${slow.file} took ${(slow.ms / 1000).toFixed(1)} s`;
    return;
  }
  status.severity = vscode.LanguageStatusSeverity.Information;
  if (scanning) {
    status.text = 'Lambda Permission Guard: scanning workspace';
    status.detail = undefined;
  } else if (pending.size > 0) {
    status.text = 'Lambda Permission Guard: checking';
    status.detail = undefined;
  } else if (lastScan) {
    status.text = `Lambda Permission Guard: last scan: ${lastScan.findings} finding${lastScan.findings === 1 ? '' : 's'} in ${lastScan.files} file${lastScan.files === 1 ? '' : 's'}`;
    status.detail = undefined;
  } else {
    status.text = '$(check) Lambda Permission Guard: ready';
    status.detail = undefined;
  }
}

let scanning = false;
/** When the server stopped unexpectedly (for the restart limit). */
const restarts: number[] = [];

function noteSent(uri: vscode.Uri): void {
  pending.set(uri.toString(), Date.now());
  clearedOnClose.delete(uri.toString());
  updateStatus();
}

function noteDiagnostics(uri: vscode.Uri): void {
  const sent = pending.get(uri.toString());
  if (sent === undefined) return;
  pending.delete(uri.toString());
  const debounce = config(uri).get<number>('debounceMs', 150);
  const ms = Date.now() - sent - (config(uri).get<string>('run', 'onType') === 'onType' ? debounce : 0);
  if (ms > SLOW_VALIDATION_MS) {
    slow = { file: vscode.workspace.asRelativePath(uri), ms };
    log(`slow validation: ${slow.file} took ${ms} ms`);
  } else if (slow && slow.file === vscode.workspace.asRelativePath(uri)) {
    slow = undefined;
  }
  updateStatus();
}

function onServerStatus(s: ServerStatus): void {
  if (typeof s.durationMs === 'number' && s.uri) {
    const file = vscode.workspace.asRelativePath(vscode.Uri.parse(s.uri));
    if (s.slow || s.durationMs > SLOW_VALIDATION_MS) slow = { file, ms: s.durationMs };
    else if (slow?.file === file) slow = undefined;
  }
  if (typeof s.findings === 'number' && typeof s.files === 'number' && s.state === 'scanned') {
    lastScan = { findings: s.findings, files: s.files };
  }
  updateStatus();
}

function createClient(context: vscode.ExtensionContext): LanguageClient {
  const module = serverModule(context);
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc, options: { execArgv: [...SERVER_EXEC_ARGV] } },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: [...SERVER_EXEC_ARGV, '--nolazy', '--inspect=6019'] } },
  };
  const watcher = vscode.workspace.createFileSystemWatcher('**/*.{tf,tf.json,tfvars,json,yaml,yml,template}');
  context.subscriptions.push(watcher);
  const clientOptions: LanguageClientOptions = {
    documentSelector,
    diagnosticCollectionName: SOURCE,
    outputChannel: output,
    revealOutputChannelOn: RevealOutputChannelOn.Never,
    synchronize: { configurationSection: 'lpg', fileEvents: watcher },
    initializationOptions: { client: 'vscode', scanResults: config().get('scanResults') },
    errorHandler: {
      error: (error: Error, message: Message | undefined, count: number | undefined): ErrorHandlerResult => {
        log(`connection error ${count ?? ''}: ${error.message} ${message ? JSON.stringify(message).slice(0, 200) : ''}`);
        return { action: (count ?? 0) <= 3 ? ErrorAction.Continue : ErrorAction.Shutdown, handled: true };
      },
      closed: (): CloseHandlerResult => {
        // restart, but not forever: at most 4 times in 3 minutes (as vscode-languageclient's default)
        const now = Date.now();
        restarts.push(now);
        while (restarts.length && now - restarts[0] > 180_000) restarts.shift();
        if (restarts.length > 4) {
          log('the language server stopped 5 times in 3 minutes; not restarting it (use "Restart Server")');
          void vscode.window.showErrorMessage('Lambda Permission Guard: the language server keeps stopping. See "Lambda Permission Guard: Show Output".');
          return { action: CloseAction.DoNotRestart, handled: true };
        }
        log('the language server stopped; restarting');
        return { action: CloseAction.Restart, handled: true };
      },
    },
    middleware: {
      didOpen: async (doc, next) => { noteSent(doc.uri); return next(doc); },
      didChange: async (event, next) => {
        if (event.contentChanges.length > 0 && config(event.document.uri).get<string>('run', 'onType') === 'onType') noteSent(event.document.uri);
        return next(event);
      },
      didSave: async (doc, next) => {
        if (config(doc.uri).get<string>('run', 'onType') === 'onSave') noteSent(doc.uri);
        return next(doc);
      },
      handleDiagnostics: (uri, diagnostics, next) => {
        noteDiagnostics(uri);
        if (diagnostics.length) lastDiagnostics.set(uri.toString(), diagnostics); else lastDiagnostics.delete(uri.toString());
        // Keep a closed file's diagnostics cleared until it is opened again or a new scan runs.
        if (clearedOnClose.has(uri.toString()) && !scanning) return next(uri, []);
        next(uri, diagnostics);
        wiringTree?.schedule();
      },
    },
  };
  const c = new LanguageClient('lpg', 'Lambda Permission Guard', serverOptions, clientOptions);
  c.onDidChangeState(() => { if (c.state !== State.Running) pending.clear(); updateStatus(); });
  // Registered before start: vscode-languageclient re-installs it on every (re)connection.
  c.onNotification('lpg/status', onServerStatus);
  c.onNotification('lpg/wiringChanged', () => wiringTree?.schedule());
  return c;
}

async function startClient(context: vscode.ExtensionContext): Promise<void> {
  client = createClient(context);
  updateStatus();
  try {
    await client.start();
    log(`server started: ${serverModule(context)}`);
  } catch (e) {
    log(`server failed to start: ${e instanceof Error ? e.stack : String(e)}`);
    void vscode.window.showErrorMessage('Lambda Permission Guard: the language server failed to start. See "Lambda Permission Guard: Show Output".');
  }
  updateStatus();
}

function tabUri(tab: vscode.Tab): vscode.Uri | undefined {
  const input = tab.input;
  if (input instanceof vscode.TabInputText) return input.uri;
  if (input instanceof vscode.TabInputTextDiff) return input.modified;
  return undefined;
}

function countDiagnostics(): { findings: number; files: number } {
  let findings = 0;
  let files = 0;
  const c = client?.diagnostics;
  c?.forEach((_uri, diags) => {
    const n = diags.length;
    if (n > 0) { findings += n; files += 1; }
  });
  return { findings, files };
}

async function executeServerCommand<T = unknown>(command: string, args: unknown[] = []): Promise<T> {
  if (!client || client.state !== State.Running) throw new Error('The Lambda Permission Guard server is not running');
  return client.sendRequest(ExecuteCommandRequest.type, { command, arguments: args }) as Promise<T>;
}

/** The answer of the server's `lpg.scanWorkspace` command. */
interface ScanAnswer { cancelled?: boolean; folders?: number; files?: number; total?: number; findings?: number; ms?: number }

async function scanWorkspace(): Promise<ScanAnswer & { findings: number; files: number }> {
  scanning = true;
  clearedOnClose.clear();
  updateStatus();
  try {
    // The server reports progress itself (window/workDoneProgress/create).
    const r = ((await executeServerCommand<ScanAnswer | null>('lpg.scanWorkspace')) ?? {}) as ScanAnswer;
    const counted = countDiagnostics();
    lastScan = {
      findings: typeof r.findings === 'number' ? r.findings : counted.findings,
      files: typeof r.files === 'number' ? r.files : counted.files,
    };
    log(`scan${r.cancelled ? ' (cancelled)' : ''}: ${lastScan.findings} findings in ${lastScan.files} files, ${r.folders ?? '?'} folders, ${r.ms ?? '?'} ms`);
    return { ...r, ...lastScan };
  } finally {
    scanning = false;
    updateStatus();
  }
}

async function clearScanResults(): Promise<void> {
  await executeServerCommand('lpg.clearScanResults');
  // Files that are not open keep no diagnostics; open files keep theirs (the server re-checks them).
  const open = new Set(vscode.workspace.textDocuments.map((d) => d.uri.toString()));
  client?.diagnostics?.forEach((uri) => { if (!open.has(uri.toString())) client?.diagnostics?.delete(uri); });
  lastScan = undefined;
  for (const k of [...lastDiagnostics.keys()]) if (!open.has(k)) lastDiagnostics.delete(k);
  updateStatus();
}

/** Applies every preferred fix of the active file (the `source.fixAll.lpg` code action). */
async function fixAllInFile(uri?: vscode.Uri): Promise<boolean> {
  const target = uri ?? vscode.window.activeTextEditor?.document.uri;
  if (!target) { void vscode.window.showInformationMessage('Lambda Permission Guard: open a file first.'); return false; }
  const doc = await vscode.workspace.openTextDocument(target);
  const range = new vscode.Range(0, 0, doc.lineCount, 0);
  const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
    'vscode.executeCodeActionProvider', target, range, FIX_ALL_KIND.value,
  ) ?? [];
  const fixAll = actions.filter((a) => a.kind && FIX_ALL_KIND.contains(a.kind));
  let applied = false;
  for (const action of fixAll) {
    if (action.edit && action.edit.size > 0) applied = (await vscode.workspace.applyEdit(action.edit)) || applied;
    if (action.command) {
      await vscode.commands.executeCommand(action.command.command, ...(action.command.arguments ?? []));
      applied = true;
    }
  }
  if (!applied) {
    // Fall back to the server command (it computes and applies the edit through workspace/applyEdit).
    if (fixAll.length === 0) {
      const r = await executeServerCommand<unknown>('lpg.fixAll', [target.toString()]).catch((e: unknown) => { log(`lpg.fixAll: ${String(e)}`); return undefined; });
      applied = r !== undefined && r !== null && r !== false;
    }
    if (!applied) void vscode.window.showInformationMessage('Lambda Permission Guard: no automatic fixes in this file.');
  }
  return applied;
}

export async function activate(context: vscode.ExtensionContext): Promise<LpgApi> {
  output = vscode.window.createOutputChannel('Lambda Permission Guard');
  status = vscode.languages.createLanguageStatusItem('lpg.status', documentSelector);
  status.name = 'Lambda Permission Guard';
  context.subscriptions.push(output, status);

  const command = (id: string, fn: (...args: any[]) => unknown) =>
    context.subscriptions.push(vscode.commands.registerCommand(id, async (...args: any[]) => {
      try { return await fn(...args); } catch (e) {
        log(`${id} failed: ${e instanceof Error ? e.stack : String(e)}`);
        void vscode.window.showErrorMessage(`Lambda Permission Guard: ${e instanceof Error ? e.message : String(e)}`);
        return undefined;
      }
    }));
  command('lambdaPermissionGuard.scanWorkspace', scanWorkspace);
  command('lambdaPermissionGuard.fixAllInFile', fixAllInFile);
  command('lambdaPermissionGuard.clearScanResults', clearScanResults);
  command('lambdaPermissionGuard.showOutput', () => output.show(true));
  command('lambdaPermissionGuard.restartServer', async () => {
    pending.clear();
    slow = undefined;
    if (client && client.state !== State.Stopped) {
      await client.restart();
      log('server restarted');
    } else {
      await startClient(context);
    }
    updateStatus();
  });

  // lpg.scanResults = clearWhenClosed: drop a file's findings when its last editor tab closes (the document
  // itself may stay loaded for a while, so onDidCloseTextDocument alone comes late).
  const clearClosed = (uri: vscode.Uri) => {
    if (config().get<string>('scanResults', 'keepForClosedFiles') !== 'clearWhenClosed') return;
    clearedOnClose.add(uri.toString());
    client?.diagnostics?.delete(uri);
  };
  context.subscriptions.push(vscode.window.tabGroups.onDidChangeTabs((e) => {
    const open = new Set<string>();
    for (const g of vscode.window.tabGroups.all) for (const t of g.tabs) { const u = tabUri(t); if (u) open.add(u.toString()); }
    for (const t of e.closed) { const u = tabUri(t); if (u && !open.has(u.toString())) clearClosed(u); }
    for (const t of e.opened) {
      const u = tabUri(t);
      if (u && clearedOnClose.delete(u.toString())) client?.diagnostics?.set(u, lastDiagnostics.get(u.toString()) ?? []);
    }
    updateStatus();
  }));
  context.subscriptions.push(vscode.workspace.onDidCloseTextDocument((doc) => {
    pending.delete(doc.uri.toString());
    clearClosed(doc.uri);
    updateStatus();
  }));
  context.subscriptions.push(vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration('lpg.run') || e.affectsConfiguration('lpg.debounceMs')) { slow = undefined; updateStatus(); }
  }));

  // the "Lambda wiring" view and the CodeLens command
  wiringTree = new WiringTree(() => client, log);
  const treeView = vscode.window.createTreeView(VIEW_ID, { treeDataProvider: wiringTree, showCollapseAll: true });
  wiringTree.visible = () => treeView.visible;
  context.subscriptions.push(treeView, treeView.onDidChangeVisibility((e) => { if (e.visible) wiringTree?.shown(); }));
  command('lambdaPermissionGuard.refreshWiring', () => wiringTree?.refresh());
  command('lambdaPermissionGuard.revealWiring', (loc: Parameters<typeof reveal>[0]) => reveal(loc));
  command(SHOW_WIRING, showWiring);

  const started = startClient(context);
  void started.then(() => wiringTree?.schedule(0));
  context.subscriptions.push({ dispose: () => { void client?.stop(); } });
  return {
    client: () => client,
    ready: async () => { await started; },
    status: () => ({ text: status.text, detail: status.detail, severity: status.severity, busy: status.busy }),
    lastScan: () => lastScan,
    wiringItems: async () => { await wiringTree?.refresh(); return wiringTree?.items() ?? []; },
  };
}

export async function deactivate(): Promise<void> {
  if (client && client.state !== State.Stopped) await client.stop();
  client = undefined;
}
