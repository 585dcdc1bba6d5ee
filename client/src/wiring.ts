/**
 * The "Lambda wiring" view in the Explorer (functions -> their triggers, with a verdict icon) and the
 * `lpg.showWiring` command of the server's CodeLens (a quick pick of a function's triggers). Data
 * come from the server's `lpg/wiring` request (server/src/lsp/wiring.ts); the view refreshes on
 * `lpg/wiringChanged` and when diagnostics change.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';

export const VIEW_ID = 'lpgWiring';
export const SHOW_WIRING = 'lpg.showWiring';

interface WireLocation { uri: string; range: { start: { line: number; character: number }; end: { line: number; character: number } } }
export interface WireTrigger {
  id: string; kind: string; service: string; principal: string; label: string; resource: string; invoker?: string; qualifier?: string;
  verdict: 'permitted' | 'cannot-invoke' | 'undecided'; rule?: string; reason: string; permissions: string[]; role?: string; effect: string;
  location: WireLocation; reference: WireLocation;
}
export interface WireFunction { id: string; name?: string; lens: string; summary: { triggers: number; permitted: number; cannotInvoke: number; undecided: number }; location: WireLocation; triggers: WireTrigger[] }
export interface WireFolder { dir: string; uri: string; functions: WireFunction[] }

type Node =
  | { k: 'folder'; folder: WireFolder }
  | { k: 'function'; fn: WireFunction }
  | { k: 'trigger'; t: WireTrigger; fn: WireFunction };

/** A tree item as the tests see it. */
export interface WiringItem { label: string; description?: string; icon?: string; tooltip?: string; children?: WiringItem[] }

function toRange(r: WireLocation['range']): vscode.Range { return new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character); }

export async function reveal(loc: WireLocation): Promise<void> {
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(loc.uri));
  const range = toRange(loc.range);
  await vscode.window.showTextDocument(doc, { selection: range, preview: true });
}

/** `permitted by aws_lambda_permission.api`, `cannot invoke: ...`, `undecided: ...` (short form for the tree). */
export function verdictText(t: WireTrigger): string {
  if (t.verdict === 'permitted') return t.reason;
  if (t.verdict === 'cannot-invoke') return `cannot invoke: ${t.reason}`;
  return `undecided: ${t.reason}`;
}

function triggerIcon(t: WireTrigger): vscode.ThemeIcon {
  if (t.verdict === 'permitted') return new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed'));
  if (t.verdict === 'cannot-invoke') return new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
  return new vscode.ThemeIcon('question', new vscode.ThemeColor('editorWarning.foreground'));
}

function functionIcon(f: WireFunction): vscode.ThemeIcon {
  if (f.summary.cannotInvoke) return new vscode.ThemeIcon('symbol-function', new vscode.ThemeColor('errorForeground'));
  if (f.summary.undecided) return new vscode.ThemeIcon('symbol-function', new vscode.ThemeColor('editorWarning.foreground'));
  return new vscode.ThemeIcon('symbol-function');
}

export class WiringTree implements vscode.TreeDataProvider<Node> {
  private folders: WireFolder[] = [];
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private loading: Promise<void> | undefined;
  private again = false;

  /** Whether the view is visible (a hidden view asks the server nothing; it refreshes when shown). */
  visible: () => boolean = () => true;
  private stale = false;

  constructor(private readonly client: () => LanguageClient | undefined, private readonly log: (s: string) => void) {}

  /** Asks the server again (coalesced: bursts of diagnostics give one request); only while the view is visible. */
  schedule(delayMs = 150): void {
    if (!this.visible()) { this.stale = true; return; }
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => { this.timer = undefined; void this.refresh(); }, delayMs);
  }

  /** The view became visible: catch up on what changed meanwhile. */
  shown(): void { if (this.stale) { this.stale = false; this.schedule(0); } }

  async refresh(): Promise<void> {
    this.stale = false;
    if (this.loading) { this.again = true; return this.loading; }
    this.loading = (async () => {
      do {
        this.again = false;
        const c = this.client();
        if (!c || !c.isRunning()) { this.folders = []; break; }
        try {
          const r = await c.sendRequest<{ folders: WireFolder[] }>('lpg/wiring', {});
          this.folders = Array.isArray(r?.folders) ? r.folders : [];
        } catch (e) {
          this.log(`lpg/wiring failed: ${e instanceof Error ? e.message : String(e)}`);
        }
      } while (this.again);
      this.changed.fire(undefined);
    })();
    try { await this.loading; } finally { this.loading = undefined; }
  }

  getChildren(node?: Node): Node[] {
    if (!node) {
      if (this.folders.length === 1) return this.folders[0].functions.map((fn) => ({ k: 'function', fn }));
      return this.folders.map((folder) => ({ k: 'folder', folder }));
    }
    if (node.k === 'folder') return node.folder.functions.map((fn) => ({ k: 'function', fn }));
    if (node.k === 'function') return node.fn.triggers.map((t) => ({ k: 'trigger', t, fn: node.fn }));
    return [];
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.k === 'folder') {
      const item = new vscode.TreeItem(vscode.workspace.asRelativePath(vscode.Uri.parse(node.folder.uri), false) || node.folder.dir, vscode.TreeItemCollapsibleState.Expanded);
      item.iconPath = vscode.ThemeIcon.Folder;
      item.resourceUri = vscode.Uri.parse(node.folder.uri);
      return item;
    }
    if (node.k === 'function') {
      const f = node.fn;
      const item = new vscode.TreeItem(f.id, f.triggers.length ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
      item.description = f.lens;
      item.iconPath = functionIcon(f);
      item.tooltip = `${f.id}${f.name ? ` (${f.name})` : ''}: ${f.lens}`;
      item.command = { title: 'Reveal', command: 'lambdaPermissionGuard.revealWiring', arguments: [f.location] };
      item.contextValue = 'lpgFunction';
      return item;
    }
    const t = node.t;
    const item = new vscode.TreeItem(`${t.service}: ${t.label}`, vscode.TreeItemCollapsibleState.None);
    item.description = verdictText(t);
    item.iconPath = triggerIcon(t);
    const md = new vscode.MarkdownString();
    md.appendMarkdown(`**${t.service}** \`${t.label}\` → \`${node.fn.id}\`${t.qualifier ? ` (${t.qualifier})` : ''}\n\n`);
    md.appendText(`${verdictText(t)}${t.rule ? ` (${t.rule})` : ''}`);
    if (t.verdict === 'cannot-invoke') md.appendText(`; ${t.effect}`);
    item.tooltip = md;
    item.command = { title: 'Reveal', command: 'lambdaPermissionGuard.revealWiring', arguments: [t.reference] };
    item.contextValue = `lpgTrigger.${t.verdict}`;
    return item;
  }

  /** The whole tree as plain data (the extension-host tests read it through the extension's API). */
  items(node?: Node): WiringItem[] {
    return this.getChildren(node).map((n) => {
      const ti = this.getTreeItem(n);
      const icon = ti.iconPath instanceof vscode.ThemeIcon ? ti.iconPath.id + (ti.iconPath.color ? `@${(ti.iconPath.color as unknown as { id: string }).id}` : '') : undefined;
      const label = typeof ti.label === 'string' ? ti.label : ti.label?.label ?? '';
      const tooltip = typeof ti.tooltip === 'string' ? ti.tooltip : ti.tooltip?.value;
      const children = this.getChildren(n).length ? this.items(n) : undefined;
      return { label, ...(ti.description !== undefined ? { description: String(ti.description) } : {}), ...(icon ? { icon } : {}), ...(tooltip ? { tooltip } : {}), ...(children ? { children } : {}) };
    });
  }
}

/** The CodeLens command: a quick pick of the function's triggers with verdict and permission; picking one opens it. */
export async function showWiring(arg: { uri?: string; function?: string; triggers?: WireTrigger[] } | undefined): Promise<WireTrigger | undefined> {
  const triggers = Array.isArray(arg?.triggers) ? arg!.triggers : [];
  if (!triggers.length) return undefined;
  const icon = (t: WireTrigger): string => (t.verdict === 'permitted' ? '$(pass)' : t.verdict === 'cannot-invoke' ? '$(error)' : '$(question)');
  const picks = triggers.map((t) => ({
    label: `${icon(t)} ${t.service}: ${t.label}`,
    description: t.verdict === 'permitted' ? (t.permissions.join(', ') || t.reason) : t.verdict === 'cannot-invoke' ? `cannot invoke${t.rule ? ` (${t.rule})` : ''}` : 'undecided',
    detail: t.verdict === 'permitted' ? `${t.resource}: ${t.reason}` : `${t.resource}: ${t.reason}`,
    t,
  }));
  const picked = await vscode.window.showQuickPick(picks, { title: `Triggers of ${arg?.function ?? 'the function'}`, placeHolder: 'Open a trigger', matchOnDescription: true, matchOnDetail: true });
  if (picked) await reveal(picked.t.reference);
  return picked?.t;
}
