/**
 * A small, parser-neutral syntax model of Terraform. `.tf` files (tree-sitter) and `.tf.json`
 * files (jsonc-parser) both become this model; every node keeps its exact source span as UTF-16
 * offsets [start, end) into its file's text.
 */

export interface Span { start: number; end: number }

export type Expr =
  | { t: 'lit'; value: string | number | boolean | null; span: Span }
  /** A string template: literal parts (unescaped text with their source span) and interpolations. */
  | { t: 'tmpl'; parts: TmplPart[]; span: Span; heredoc?: { contentSpan: Span; indented: boolean } }
  /** A traversal such as `aws_lambda_function.x[each.key].arn`. */
  | { t: 'trav'; root: string; steps: TravStep[]; span: Span }
  | { t: 'call'; name: string; args: Expr[]; span: Span }
  | { t: 'obj'; items: ObjItem[]; span: Span }
  | { t: 'tuple'; items: Expr[]; span: Span }
  /** Anything the core does not evaluate (conditionals, operators, for expressions, splats). */
  | { t: 'other'; span: Span; text: string };

export type TmplPart =
  | { k: 'text'; text: string; span: Span }
  | { k: 'expr'; expr: Expr; span: Span }
  | { k: 'directive'; span: Span };

export type TravStep =
  | { k: 'attr'; name: string; span: Span }
  | { k: 'index'; expr: Expr; span: Span }
  | { k: 'splat'; span: Span };

export interface ObjItem {
  /** The key as a name when it is an identifier or a literal string. */
  keyName: string | undefined;
  key: Expr;
  value: Expr;
  span: Span;
}

export interface Attribute {
  name: string;
  nameSpan: Span;
  value: Expr;
  /** The whole `name = value` span. */
  span: Span;
}

export interface Block {
  type: string;
  labels: { value: string; span: Span }[];
  attrs: Attribute[];
  blocks: Block[];
  span: Span;
  /** Offset just after `{`, and the offset of `}` (equal to span.end when the block is unterminated). */
  bodyStart: number;
  bodyEnd: number;
  /** True when the parser had to recover inside this block. */
  hasError: boolean;
  /** For `.tf.json`, the JSON object that holds the body (fixes edit JSON). */
  json?: boolean;
}

export interface Comment { text: string; span: Span }

export interface FileSyntax {
  /** Top-level blocks. */
  blocks: Block[];
  /** Top-level attributes (`.tfvars` files). */
  attrs: Attribute[];
  comments: Comment[];
  /** First syntax error noticed by the structural parser (tree-sitter / jsonc), if any. */
  errors: { span: Span; message: string }[];
}

/** What an analysis read, by block and attribute name: for its findings, and only for the text of fixes. */
export interface ReadRecorder { value(b: Block, name: string): void; fix(b: Block, name: string): void }
let recorder: ReadRecorder | undefined;
let onRead: ((b: Block, name: string) => void) | undefined;
/**
 * Records the attributes read by name while set (the language server's incremental path,
 * lsp/configs.ts: an edit that only changes attributes no rule read cannot change a finding).
 * Every read of an attribute by the analysis goes through attr(); returns the previous recorder.
 */
export function recordReads(r: ReadRecorder | undefined): ReadRecorder | undefined {
  const prev = recorder;
  recorder = r;
  onRead = r && ((b, name) => r.value(b, name));
  return prev;
}
/** Runs `f`, whose reads only shape the text of fixes (a statement id kept unique), recorded as such. */
export function forFixText<T>(f: () => T): T {
  if (!recorder) return f();
  const prev = onRead;
  const r = recorder;
  onRead = (b, name) => r.fix(b, name);
  try { return f(); } finally { onRead = prev; }
}

/** Whether the parser recovered from an error inside the block (read as the pseudo-attribute `#error`). */
export function brokenBlock(b: Block): boolean {
  if (onRead) onRead(b, '#error');
  return b.hasError;
}

export function attr(b: Block, name: string): Attribute | undefined {
  if (onRead) onRead(b, name);
  for (const a of b.attrs) if (a.name === name) return a;
  return undefined;
}
export function blocksOf(b: Block, type: string): Block[] {
  return b.blocks.filter((x) => x.type === type);
}
export function traversalText(e: Expr): string | undefined {
  if (e.t !== 'trav') return undefined;
  let s = e.root;
  for (const st of e.steps) {
    if (st.k === 'attr') s += '.' + st.name;
    else if (st.k === 'splat') s += '[*]';
    else s += '[' + (st.expr.t === 'lit' ? JSON.stringify(st.expr.value) : st.expr.t === 'trav' ? traversalText(st.expr) ?? '?' : '?') + ']';
  }
  return s;
}
