/** Core findings and fixes -> LSP diagnostics, code actions and workspace edits. */
import * as fs from 'fs';
import * as path from 'path';
import { fileURLToPath, pathToFileURL } from 'url';
import {
  CodeAction, CodeActionKind, DiagnosticSeverity,
  type Diagnostic, type TextDocumentEdit, type TextEdit, type WorkspaceEdit,
} from 'vscode-languageserver';
import type { Finding, Fix, Severity } from '../core/types';

export const FIX_ALL_KIND = CodeActionKind.SourceFixAll + '.lpg';

/**
 * The rule pages shipped with the server (`docs/rules/` beside `dist/` in the .vsix, or in the
 * repository): found once by walking up from this file. No network, no invented URL: undefined when absent.
 */
let docsDir: string | null | undefined;
/** Where the rule pages are when they are not files beside the server (the web extension: its own URI, set by lsp/browser/main.ts). */
export const docsLocation: { base?: string } = {};
export function rulesDocsDir(): string | undefined {
  if (docsDir === undefined) {
    docsDir = null;
    if (typeof __dirname === 'undefined') return undefined; // a Web Worker: no files beside the server
    for (let d = __dirname, i = 0; i < 5; i++, d = path.dirname(d)) {
      const c = path.join(d, 'docs', 'rules');
      if (fs.existsSync(path.join(c, 'parse-error.md'))) { docsDir = c; break; }
    }
  }
  return docsDir ?? undefined;
}

/** The `file:` URI of a rule's local documentation page; undefined when the pages are not installed. */
export function ruleDocsUrl(ruleId: string): string | undefined {
  if (docsLocation.base) return docsLocation.base + ruleId + '.md';
  const dir = rulesDocsDir();
  const p = dir ? path.join(dir, ruleId + '.md') : undefined;
  return p && fs.existsSync(p) ? pathToFileURL(p).href : undefined;
}

/** How the server's paths and the client's URIs map: `file:` URIs on Node; the browser host (lsp/browser/main.ts) maps any scheme. */
export const uriMapping = {
  toPath(uri: string): string | undefined {
    if (!uri.startsWith('file:')) return undefined;
    try { return path.normalize(fileURLToPath(uri)); } catch { return undefined; }
  },
  toUri(p: string): string { return pathToFileURL(p).href; },
};

export function uriToPath(uri: string): string | undefined { return uriMapping.toPath(uri); }
export function pathToUri(p: string): string { return uriMapping.toUri(p); }

const SEV: Record<Severity, DiagnosticSeverity> = { error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning, info: DiagnosticSeverity.Information };

/** What a code action needs, carried in `Diagnostic.data`. */
export interface DiagnosticData { version: number | null; fixes: Fix[] }

/** `dir` is the module folder; `uriOf` maps an absolute path to the URI the client knows. */
export function toDiagnostic(f: Finding, dir: string, version: number | null, uriOf: (abs: string) => string): Diagnostic {
  const d: Diagnostic = {
    range: f.range,
    severity: SEV[f.severity],
    code: f.ruleId,
    source: 'lpg',
    message: f.message,
    data: { version, fixes: f.fixes } satisfies DiagnosticData,
  };
  const href = ruleDocsUrl(f.ruleId);
  if (href) d.codeDescription = { href };
  if (f.related.length) d.relatedInformation = f.related.map((r) => ({ location: { uri: uriOf(path.join(dir, r.file)), range: r.range }, message: r.message }));
  return d;
}

export interface EditOptions {
  documentChanges: boolean;
  snippets: boolean;
  /** URI and version of the file at `abs` (version null when it is not open). */
  target(abs: string): { uri: string; version: number | null };
}

/** Groups file edits into a workspace edit; `snippetFor` marks an edit (by file) to be sent as a snippet. */
export function toWorkspaceEdit(edits: { abs: string; edit: TextEdit; snippet?: string }[], o: EditOptions): WorkspaceEdit {
  const byFile = new Map<string, { edit: TextEdit; snippet?: string }[]>();
  for (const e of edits) {
    const l = byFile.get(e.abs);
    if (l) l.push(e); else byFile.set(e.abs, [e]);
  }
  if (o.documentChanges) {
    const documentChanges: TextDocumentEdit[] = [];
    for (const [abs, list] of byFile) {
      const t = o.target(abs);
      documentChanges.push({
        textDocument: { uri: t.uri, version: t.version },
        // LSP 3.18 SnippetTextEdit, only when the client advertises workspaceEdit.snippetEditSupport
        edits: list.map((x) => (o.snippets && x.snippet !== undefined ? ({ range: x.edit.range, snippet: { kind: 'snippet', value: x.snippet } } as unknown as TextEdit) : x.edit)),
      });
    }
    return { documentChanges };
  }
  const changes: Record<string, TextEdit[]> = {};
  for (const [abs, list] of byFile) changes[o.target(abs).uri] = list.map((x) => x.edit);
  return { changes };
}

export function fixToWorkspaceEdit(fix: Fix, dir: string, o: EditOptions): WorkspaceEdit {
  return toWorkspaceEdit(fix.edits.map((e) => {
    const snippet = fix.snippet && fix.edits.length === 1 && fix.snippet.file === e.file ? fix.snippet.text : undefined;
    return { abs: path.join(dir, e.file), edit: { range: e.range, newText: e.newText }, snippet };
  }), o);
}

export function fixToCodeAction(fix: Fix, dir: string, diagnostic: Diagnostic | undefined, o: EditOptions): CodeAction {
  const a = CodeAction.create(fix.title, fixToWorkspaceEdit(fix, dir, o), CodeActionKind.QuickFix);
  if (diagnostic) a.diagnostics = [diagnostic];
  if (fix.preferred) a.isPreferred = true;
  return a;
}
