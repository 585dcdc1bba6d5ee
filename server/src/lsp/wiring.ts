/**
 * The wiring graph in the editor: CodeLens above each Lambda function ("3 triggers · 1 cannot
 * invoke"), hovers on permissions, triggers and functions, and the `lpg/wiring` request (the VS Code
 * "Lambda wiring" view). Reads the facts of the analysis the server already ran for each folder
 * (`record`, called after each validation): no analysis of its own; the graph is computed once per
 * analysis, when first asked.
 *
 * Protocol additions:
 * - CodeLens command `lpg.showWiring` (a client command: VS Code shows a quick pick), arguments
 *   `[{ uri, function, triggers: WireTrigger[] }]`.
 * - Request `lpg/wiring` `{ uri?: string }` -> `{ folders: WireFolder[] }` (every analysed folder, or
 *   the folder of `uri`); notification `lpg/wiringChanged` `{ dir }` after each analysis (clients
 *   that set `initializationOptions.wiring` or `client: "vscode"`).
 * - Setting `lpg.codeLens.enabled` (default true).
 */
import * as path from 'path';
import {
  CodeLensRefreshRequest, MarkupKind,
  type CodeLens, type CodeLensParams, type Connection, type Hover, type HoverParams, type Range, type ServerCapabilities,
} from 'vscode-languageserver';
import type { Facts } from '../core/model/facts';
import { graphOf, mergeGraphs, summaryText, type GraphFunction, type GraphLocation, type GraphPermission, type GraphTrigger, type WiringGraph } from '../core/graph';
import { pathToUri, uriToPath } from './convert';
import { headerSpan } from '../core/rules/outage';

export const SHOW_WIRING_COMMAND = 'lpg.showWiring';

export interface WireLocation { uri: string; range: Range }
export type WireTrigger = Omit<GraphTrigger, 'location' | 'reference'> & { location: WireLocation; reference: WireLocation };
export type WireFunction = Omit<GraphFunction, 'location' | 'triggers'> & { location: WireLocation; triggers: WireTrigger[]; lens: string };
export type WirePermission = Omit<GraphPermission, 'location'> & { location: WireLocation };
export interface WireFolder { dir: string; uri: string; functions: WireFunction[]; permissions: WirePermission[] }

interface Entry {
  /** The facts of the folder's analysis: one per stack (each CloudFormation template, the other files); built on first use. */
  facts?: () => Facts[];
  graph?: WiringGraph;
  /** Module-relative path -> absolute path. */
  abs: Map<string, string>;
  wire?: WireFolder;
  lensKey?: string;
}

export interface WiringHost {
  /** The module folder of an absolute path (as the server groups files). */
  moduleDirOf(fsPath: string): string;
  /** The URI of an absolute path (the open document's URI when it is open). */
  uriOf(fsPath: string): string;
  /** Is a document of the folder open? */
  hasOpenDocument(dir: string): boolean;
  /** `lpg.codeLens.enabled` for a path (pushed settings when the client has no workspace/configuration). */
  codeLensEnabled(fsPath: string): Promise<boolean>;
  logError(what: string, e: unknown): void;
}

export class WiringService {
  private readonly byDir = new Map<string, Entry>();
  private refreshSupported = false;
  private notify = false;

  constructor(private readonly conn: Connection, private readonly host: WiringHost) {}

  capabilities(): Partial<ServerCapabilities> {
    return { codeLensProvider: { resolveProvider: false }, hoverProvider: true };
  }

  initialize(caps: { workspace?: { codeLens?: { refreshSupport?: boolean } } }, init: { client?: string; wiring?: boolean } | undefined): void {
    this.refreshSupported = !!caps.workspace?.codeLens?.refreshSupport;
    this.notify = init?.wiring ?? init?.client === 'vscode';
  }

  listen(): void {
    this.conn.onCodeLens((p) => this.guarded('codeLens', () => this.codeLenses(p), [] as CodeLens[]));
    this.conn.onHover((p) => this.guarded('hover', () => this.hover(p), null));
    this.conn.onRequest('lpg/wiring', (p: { uri?: string } | undefined) => this.guarded('lpg/wiring', () => this.folders(p?.uri), { folders: [] as WireFolder[] }));
  }

  /**
   * After each analysis of a folder: keeps its facts (folders with an open document: CodeLens and
   * hovers ask again and again) or its graph only (folders of a workspace scan: the tree view).
   */
  record(dir: string, facts: () => Facts[], abs: Map<string, string>, carried = false): void {
    const prev = this.byDir.get(dir);
    let made: Facts[] | undefined;
    const e: Entry = { facts: () => (made ??= facts()), abs, lensKey: prev?.lensKey };
    this.byDir.set(dir, e);
    // never in the way of the diagnostics: a failure here loses the wiring of the folder, not its findings
    if (!this.host.hasOpenDocument(dir)) {
      try { this.graph(e); } catch (err) { this.host.logError('wiring graph', err); e.graph = { functions: [], permissions: [] }; }
      e.facts = undefined;
    }
    // carried findings (lsp/incremental.ts): the view is told when typing pauses (the full analysis that follows)
    if (this.notify && !carried) void this.conn.sendNotification('lpg/wiringChanged', { dir }).catch(() => undefined);
    if (this.refreshSupported && !carried && this.host.hasOpenDocument(dir)) {
      // after the diagnostics went out; ask the client for new lenses only when what they say changed
      // (the client re-asks after edits of the document itself)
      setImmediate(() => {
        if (this.byDir.get(dir) !== e) return;
        try {
          const key = JSON.stringify(this.graph(e).functions.map((f) => [f.location.file, f.location.range.start.line, summaryText(f.summary)]));
          if (key !== e.lensKey) { e.lensKey = key; void this.conn.sendRequest(CodeLensRefreshRequest.type).catch(() => undefined); }
        } catch (err) { this.host.logError('codeLens refresh', err); }
      });
    }
  }

  /** Drops folders that are neither open nor wanted (after "Clear Scan Results"). */
  retain(keep: (dir: string) => boolean): void {
    for (const d of [...this.byDir.keys()]) {
      if (keep(d)) continue;
      this.byDir.delete(d);
      if (this.notify) void this.conn.sendNotification('lpg/wiringChanged', { dir: d }).catch(() => undefined);
    }
  }

  /** After a configuration change (`lpg.codeLens.enabled`). */
  configChanged(): void {
    if (this.refreshSupported) void this.conn.sendRequest(CodeLensRefreshRequest.type).catch(() => undefined);
  }

  private graph(e: Entry): WiringGraph {
    if (!e.graph) e.graph = mergeGraphs(e.facts!().map((f) => graphOf(f)));
    return e.graph;
  }

  private wire(dir: string, e: Entry): WireFolder {
    if (e.wire) return e.wire;
    const g = this.graph(e);
    const l = (x: GraphLocation): WireLocation => ({ uri: this.host.uriOf(e.abs.get(x.file) ?? path.join(dir, ...x.file.split('/'))), range: x.range });
    e.wire = {
      dir, uri: pathToUri(dir),
      functions: g.functions.map((f) => ({
        ...f, location: l(f.location), lens: summaryText(f.summary),
        triggers: f.triggers.map((t) => ({ ...t, location: l(t.location), reference: l(t.reference) })),
      })),
      permissions: g.permissions.map((p) => ({ ...p, location: l(p.location) })),
    };
    return e.wire;
  }

  /** The folder entry and module-relative path of a document. */
  private at(uri: string): { dir: string; e: Entry; rel: string } | undefined {
    const fsPath = uriToPath(uri);
    if (!fsPath) return undefined;
    const dir = this.host.moduleDirOf(fsPath);
    const e = this.byDir.get(dir);
    if (!e) return undefined;
    for (const [rel, a] of e.abs) if (a === fsPath) return { dir, e, rel };
    return undefined;
  }

  folders(uri?: string): { folders: WireFolder[] } {
    if (uri) {
      const fsPath = uriToPath(uri);
      const dir = fsPath && this.host.moduleDirOf(fsPath);
      const e = dir ? this.byDir.get(dir) : undefined;
      return { folders: e && dir ? [this.wire(dir, e)] : [] };
    }
    return { folders: [...this.byDir].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([d, e]) => this.wire(d, e)).filter((f) => f.functions.length > 0) };
  }

  private async codeLenses(p: CodeLensParams): Promise<CodeLens[]> {
    const at = this.at(p.textDocument.uri);
    if (!at) return [];
    if (!(await this.host.codeLensEnabled(at.e.abs.get(at.rel)!))) return [];
    const w = this.wire(at.dir, at.e);
    const g = this.graph(at.e);
    const out: CodeLens[] = [];
    g.functions.forEach((f, i) => {
      if (f.location.file !== at.rel) return;
      const wf = w.functions[i];
      out.push({
        range: f.location.range,
        command: f.triggers.length
          ? { title: wf.lens, command: SHOW_WIRING_COMMAND, arguments: [{ uri: wf.location.uri, function: f.id, triggers: wf.triggers }] }
          : { title: wf.lens, command: '' },
      });
    });
    return out;
  }

  private hover(p: HoverParams): Hover | null {
    const at = this.at(p.textDocument.uri);
    if (!at) return null;
    const g = this.graph(at.e);
    const inside = (l: GraphLocation): boolean => l.file === at.rel && contains(l.range, p.position);
    const trigById = new Map(g.functions.flatMap((f) => f.triggers.map((t) => [t.id, { t, f }] as const)));
    // a trigger's function reference, then the trigger's header
    for (const f of g.functions) for (const t of f.triggers) if (inside(t.reference) || inside(t.location)) return { contents: { kind: MarkupKind.Markdown, value: triggerHover(t, f) }, range: inside(t.reference) ? t.reference.range : t.location.range };
    for (const perm of g.permissions) if (inside(perm.location)) return { contents: { kind: MarkupKind.Markdown, value: permissionHover(perm, trigById) }, range: perm.location.range };
    // the attributes of a permission that decide whom it lets in (function_name, principal, source_arn, ...)
    for (const facts of at.e.facts?.() ?? []) for (const fp of facts.permissions) {
      const file = fp.file === at.rel ? facts.module.file(fp.file) : undefined;
      if (!file) continue;
      for (const f of [fp.functionName, fp.principal, fp.sourceArn, fp.sourceAccount, fp.qualifier, fp.action]) {
        if (!f || f.file !== at.rel) continue;
        const r = file.lines.range(f.span.start, f.span.end);
        if (!contains(r, p.position)) continue;
        const head = file.lines.range(...spanOf(fp.resource ? headerSpan(fp.resource.block) : fp.span));
        const perm = g.permissions.find((x) => x.location.file === fp.file && sameRange(x.location.range, head));
        if (perm) return { contents: { kind: MarkupKind.Markdown, value: permissionHover(perm, trigById) }, range: r };
      }
    }
    for (const f of g.functions) if (inside(f.location)) return { contents: { kind: MarkupKind.Markdown, value: functionHover(f) }, range: f.location.range };
    return null;
  }

  private async guarded<T>(what: string, fn: () => Promise<T> | T, fallback: T): Promise<T> {
    try { return await fn(); } catch (e) { this.host.logError(what, e); return fallback; }
  }
}

function spanOf(s: { start: number; end: number }): [number, number] { return [s.start, s.end]; }
function sameRange(a: Range, b: Range): boolean {
  return a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;
}

function contains(r: Range, p: { line: number; character: number }): boolean {
  const le = (a: { line: number; character: number }, b: { line: number; character: number }) => a.line < b.line || (a.line === b.line && a.character <= b.character);
  return le(r.start, p) && le(p, r.end);
}

const code = (s: string): string => '`' + s.replace(/`/g, "'") + '`';
const ICON: Record<GraphTrigger['verdict'], string> = { permitted: '✓', 'cannot-invoke': '✗', undecided: '?' };

/** `✓ API Gateway POST /orders` and its verdict line. */
function verdictLine(t: GraphTrigger): string {
  if (t.verdict === 'permitted') return `${ICON.permitted} permitted by ${t.permissions.length ? t.permissions.map(code).join(', ') : t.role ? `the credentials role ${code(t.role)}` : t.reason}`;
  if (t.verdict === 'cannot-invoke') return `${ICON['cannot-invoke']} **cannot invoke**: ${t.reason} (${code(t.rule!)}); ${t.effect}`;
  return `${ICON.undecided} undecided: ${t.reason}`;
}

export function triggerHover(t: GraphTrigger, f: GraphFunction): string {
  return [`**${t.service}** ${code(t.label)} → ${code(f.id)}${t.qualifier ? ` (${t.qualifier})` : ''}`, '', verdictLine(t)].join('\n');
}

export function permissionHover(p: GraphPermission, trig: Map<string, { t: GraphTrigger; f: GraphFunction }>): string {
  const name = (id: string): string => { const x = trig.get(id); return x ? `${x.t.service} ${code(x.t.label)} (${code(id)}) → ${code(x.f.id)}` : code(id); };
  const out = [`**${p.id}**${p.principal ? ` · ${code(p.principal)}` : ''}${p.function ? ` on ${code(p.function)}` : ''}`, ''];
  if (p.serves.length) out.push('Lets in:', ...p.serves.map((id) => `- ${name(id)}`));
  if (p.mismatches.length) out.push(...(p.serves.length ? [''] : []), 'Meant for, but does not match:', ...p.mismatches.map((m) => `- ${name(m.trigger)}: ${m.why}`));
  if (p.undecided.length) out.push(...(p.serves.length || p.mismatches.length ? [''] : []), 'May or may not let in:', ...p.undecided.map((m) => `- ${name(m.trigger)}: ${m.why}`));
  if (!p.serves.length && !p.mismatches.length && !p.undecided.length) out.push('Serves no trigger of this folder.');
  return out.join('\n');
}

export function functionHover(f: GraphFunction): string {
  const out = [`**${f.id}**: ${summaryText(f.summary)}`];
  if (f.triggers.length) out.push('', ...f.triggers.map((t) => `- ${t.service} ${code(t.label)}: ${verdictLine(t)}`));
  return out.join('\n');
}
