import type { Node, Tree } from '../parse/treesitter';
import type { Block, Attribute, Expr, FileSyntax, ObjItem, Span, TmplPart, TravStep, Comment } from './ast';

/**
 * A node's type (and end), asked of tree-sitter once per node object: every `type` or `endIndex`
 * read is a call into WASM with its arguments copied through memory, and the model reads a node's
 * type several times (filter, then dispatch).
 */
const TYPE = Symbol('type');
const END = Symbol('end');
type Cached = Node & { [TYPE]?: string; [END]?: number };
function ty(n: Node): string {
  const c = n as Cached;
  const t = c[TYPE];
  return t !== undefined ? t : (c[TYPE] = n.type);
}
function end(n: Node): number {
  const c = n as Cached;
  const e = c[END];
  return e !== undefined ? e : (c[END] = n.endIndex);
}
const sp = (n: Node): Span => ({ start: n.startIndex, end: end(n) });
/** A node's text: the slice of the parsed text (what `node.text` returns, without asking tree-sitter for the end again). */
const txt = (n: Node, text: string): string => text.slice(n.startIndex, end(n));

/** Unescapes the text of a quoted-template literal (HCL escapes) or a heredoc literal. */
export function unescapeHcl(raw: string, heredoc: boolean): string {
  let s = raw.replace(/\$\$\{/g, '${').replace(/%%\{/g, '%{');
  if (heredoc) return s;
  return s.replace(/\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)/g, (_m, c: string) => {
    switch (c[0]) {
      case 'n': return '\n';
      case 'r': return '\r';
      case 't': return '\t';
      case '"': return '"';
      case '\\': return '\\';
      case 'u': case 'U': { const cp = parseInt(c.slice(1), 16); return cp <= 0x10ffff ? String.fromCodePoint(cp) : '\\' + c; } // `\u` without hex digits: NaN, kept as written
      default: return '\\' + c;
    }
  });
}

function named(n: Node): Node[] {
  const out: Node[] = [];
  for (const c of n.namedChildren) if (c && ty(c) !== 'comment') out.push(c);
  return out;
}

/**
 * Per-document cache of top-level block models, keyed by the block's text: an unchanged block
 * (error-free) is not rebuilt from the tree, only copied with its offsets shifted. The language
 * server keeps one per open document; each build keeps only the entries it used.
 */
export class BlockCache {
  entries = new Map<string, { start: number; block: Block; comments: Comment[] }>();
  hits = 0;
  misses = 0;
}

/**
 * The tree being read has no error anywhere: a string literal is then `"`, at most one
 * template_literal, `"` (the grammar makes a string with an interpolation a template_expr), and its
 * text is read from the source without visiting those three nodes (a third of a file's nodes).
 */
let clean = false;

/**
 * The literal text of an error-free string_lit node (see `clean`): null for `""`, undefined when the
 * nodes must be read. The scanner skips whitespace (iswspace) before each chunk, so the template_literal
 * starts and ends at non-blank characters: read from the source only when the first and last characters
 * between the quotes are printable ASCII other than a space.
 */
function quotedLiteral(n: Node, text: string): { value: string; span: Span } | null | undefined {
  const s = n.startIndex, e = end(n);
  if (e - s === 2) return null;
  const a = text.charCodeAt(s + 1), b = text.charCodeAt(e - 2);
  if (!(a > 0x20 && a < 0x7f && b > 0x20 && b < 0x7f)) return undefined;
  return { value: unescapeHcl(text.slice(s + 1, e - 1), false), span: { start: s + 1, end: e - 1 } };
}

/** Builds the syntax model of one `.tf` file from its tree-sitter tree (reusing unchanged top-level blocks from `cache`). */
export function syntaxFromTree(tree: Tree, text: string, cache?: BlockCache): FileSyntax {
  const outer = clean;
  clean = !tree.rootNode.hasError;
  try { return buildSyntax(tree, text, cache); } finally { clean = outer; }
}

function buildSyntax(tree: Tree, text: string, cache?: BlockCache): FileSyntax {
  const root = tree.rootNode;
  const comments: Comment[] = [];
  const errors: FileSyntax['errors'] = [];
  const blocks: Block[] = [];
  const attrs: Attribute[] = [];
  const done = new Map<number, number>(); // cached top-level blocks: start -> end
  const next = cache ? new Map<string, { start: number; block: Block; comments: Comment[] }>() : undefined;
  const body = root.namedChildren.find((c) => (c ? ty(c) : undefined) === 'body');
  if (body) for (const c of named(body)) {
    if (ty(c) === 'block') {
      if (cache && next && !c.hasError) {
        const key = text.slice(c.startIndex, c.endIndex);
        const hit = cache.entries.get(key) ?? next.get(key);
        let entry = hit;
        if (!entry) {
          const b = toBlock(c, text);
          if (!b) continue;
          const cs: Comment[] = [];
          collectComments(c, cs, text);
          entry = { start: c.startIndex, block: b, comments: cs };
          cache.misses++;
        } else cache.hits++;
        const delta = c.startIndex - entry.start;
        next.set(key, entry);
        // models are never mutated once built (only blocks with errors are, and those are not cached): share when unmoved
        blocks.push(delta === 0 ? entry.block : shiftedBlock(entry.block, delta));
        comments.push(...(delta === 0 ? entry.comments : shifted(entry.comments, delta)));
        done.set(c.startIndex, c.endIndex);
        continue;
      }
      const b = toBlock(c, text); if (b) blocks.push(b);
    }
    else if (ty(c) === 'attribute') { const a = toAttr(c, text); if (a) attrs.push(a); }
  }
  collectComments(root, comments, text, done);
  if (done.size) comments.sort((a, b) => a.span.start - b.span.start);
  if (cache && next) cache.entries = next;
  // Blocks that tree-sitter could only recover as ERROR nodes at top level.
  for (const c of root.namedChildren) if (c && ty(c) === 'ERROR') recoverBlocks(c, text, blocks);
  // An unclosed block swallows the blocks after it (typing a new block above existing ones): lift them back.
  for (const b of blocks.slice()) liftStrayBlocks(b, blocks);
  if (root.hasError) {
    const e = firstError(root);
    if (e) errors.push({ span: sp(e), message: e.isMissing ? `missing ${ty(e)}` : 'syntax error' });
  }
  blocks.sort((a, b) => a.span.start - b.span.start);
  return { blocks, attrs, comments, errors };
}

/** Block types that only exist at the top level of a file (`check` holds scoped `data` blocks: only lifted from broken blocks). */
const TOP_LEVEL = new Set(['resource', 'data', 'module', 'locals', 'variable', 'output', 'provider', 'terraform', 'moved', 'import', 'removed', 'check']);

function liftStrayBlocks(b: Block, out: Block[]): void {
  if (!b.hasError) return;
  const keep: Block[] = [];
  for (const c of b.blocks) {
    if (TOP_LEVEL.has(c.type)) { out.push(c); liftStrayBlocks(c, out); } else keep.push(c);
  }
  b.blocks = keep;
}

function recoverBlocks(n: Node, text: string, out: Block[]): void {
  for (const c of n.namedChildren) {
    if (!c) continue;
    if (ty(c) === 'block') { const b = toBlock(c, text); if (b) out.push(b); }
    else if (ty(c) === 'body') for (const d of named(c)) if (ty(d) === 'block') { const b = toBlock(d, text); if (b) out.push(b); }
  }
}

/** A deep copy of a model value with every offset moved by `delta` (spans, bodyStart, bodyEnd). */
export function shifted<T>(v: T, delta: number): T {
  // hot (every block after an edit, on every keystroke): one Object.keys per object, plain loops
  const go = (x: unknown): unknown => {
    if (x === null || typeof x !== 'object') return x;
    if (Array.isArray(x)) {
      const n = x.length, arr = new Array<unknown>(n);
      for (let i = 0; i < n; i++) arr[i] = go(x[i]);
      return arr;
    }
    const o = x as Record<string, unknown>;
    const keys = Object.keys(o);
    if (keys.length === 2 && typeof o.start === 'number' && typeof o.end === 'number') return { start: o.start + delta, end: o.end + delta };
    const out: Record<string, unknown> = {};
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i], val = o[k];
      out[k] = (k === 'bodyStart' || k === 'bodyEnd') && typeof val === 'number' ? val + delta : go(val);
    }
    return out;
  };
  return go(v) as T;
}

/**
 * `shifted` for a block of the `.tf` model built here (toBlock): the same copy (same keys in the same
 * order), written for the model's shapes instead of walking keys (it runs for every block after an
 * edit, on every keystroke). Anything else (other shapes, `.tf.json` blocks) goes to `shifted`.
 */
export function shiftedBlock(b: Block, d: number): Block {
  if (b.json !== undefined || Object.keys(b).length !== 8) return shifted(b, d);
  const labels = new Array<Block['labels'][number]>(b.labels.length);
  for (let i = 0; i < labels.length; i++) { const l = b.labels[i]; labels[i] = { value: l.value, span: { start: l.span.start + d, end: l.span.end + d } }; }
  const attrs = new Array<Attribute>(b.attrs.length);
  for (let i = 0; i < attrs.length; i++) {
    const a = b.attrs[i];
    attrs[i] = { name: a.name, nameSpan: { start: a.nameSpan.start + d, end: a.nameSpan.end + d }, value: shiftExpr(a.value, d), span: { start: a.span.start + d, end: a.span.end + d } };
  }
  const blocks = new Array<Block>(b.blocks.length);
  for (let i = 0; i < blocks.length; i++) blocks[i] = shiftedBlock(b.blocks[i], d);
  return { type: b.type, labels, attrs, blocks, span: { start: b.span.start + d, end: b.span.end + d }, bodyStart: b.bodyStart + d, bodyEnd: b.bodyEnd + d, hasError: b.hasError };
}

function shiftExpr(e: Expr, d: number): Expr {
  const span = { start: e.span.start + d, end: e.span.end + d };
  switch (e.t) {
    case 'lit': return { t: 'lit', value: e.value, span };
    case 'other': return { t: 'other', span, text: e.text };
    case 'trav': {
      const steps = new Array<TravStep>(e.steps.length);
      for (let i = 0; i < steps.length; i++) {
        const st = e.steps[i], ss = { start: st.span.start + d, end: st.span.end + d };
        steps[i] = st.k === 'attr' ? { k: 'attr', name: st.name, span: ss } : st.k === 'index' ? { k: 'index', expr: shiftExpr(st.expr, d), span: ss } : { k: 'splat', span: ss };
      }
      return { t: 'trav', root: e.root, steps, span };
    }
    case 'call': return { t: 'call', name: e.name, args: e.args.map((x) => shiftExpr(x, d)), span };
    case 'tuple': return { t: 'tuple', items: e.items.map((x) => shiftExpr(x, d)), span };
    case 'obj': return { t: 'obj', items: e.items.map((it) => ({ keyName: it.keyName, key: shiftExpr(it.key, d), value: shiftExpr(it.value, d), span: { start: it.span.start + d, end: it.span.end + d } })), span };
    case 'tmpl': {
      const parts = new Array<TmplPart>(e.parts.length);
      for (let i = 0; i < parts.length; i++) {
        const p = e.parts[i], ps = { start: p.span.start + d, end: p.span.end + d };
        parts[i] = p.k === 'text' ? { k: 'text', text: p.text, span: ps } : p.k === 'expr' ? { k: 'expr', expr: shiftExpr(p.expr, d), span: ps } : { k: 'directive', span: ps };
      }
      if (!('heredoc' in e)) return { t: 'tmpl', parts, span };
      const h = e.heredoc;
      return { t: 'tmpl', parts, span, heredoc: h && { contentSpan: { start: h.contentSpan.start + d, end: h.contentSpan.end + d }, indented: h.indented } };
    }
  }
}

/**
 * Collects comments under `n` in text order; those inside the top-level blocks of `skip` (start -> end:
 * cached blocks, their comments are known) are left out. A comment starts with `#`, `//` or `/*`: each
 * such place of the text is asked of the tree (the smallest node there: is it a comment starting
 * there?), a handful of calls into tree-sitter instead of a walk of every node of the tree (which
 * cost a fifth of the model's build).
 */
export function collectComments(n: Node, out: Comment[], text: string, skip?: Map<number, number>): void {
  const ranges = skip ? [...skip].sort((a, b) => a[0] - b[0]) : [];
  let r = 0;
  const from = n.startIndex, to = end(n);
  let hash = text.indexOf('#', from), slash = text.indexOf('/', from);
  for (let at = from; at < to;) {
    if (hash >= 0 && hash < at) hash = text.indexOf('#', at);
    while (slash >= 0 && (slash < at || (text[slash + 1] !== '/' && text[slash + 1] !== '*'))) slash = text.indexOf('/', Math.max(at, slash + 1));
    const o = hash < 0 ? slash : slash < 0 ? hash : Math.min(hash, slash);
    if (o < 0 || o >= to) break;
    while (r < ranges.length && ranges[r][1] <= o) r++;
    if (r < ranges.length && ranges[r][0] <= o) { at = ranges[r][1]; continue; } // inside a cached block
    const node = n.descendantForIndex(o, o + 1);
    if (node && node.startIndex === o && ty(node) === 'comment') {
      const e = end(node);
      out.push({ text: text.slice(o, e), span: { start: o, end: e } });
      at = Math.max(e, o + 1);
    } else at = o + 1;
  }
}

function firstError(n: Node): Node | undefined {
  if (n.isError || n.isMissing) return n;
  for (const c of n.children) if (c && (c.hasError || c.isMissing || c.isError)) { const e = firstError(c); if (e) return e; }
  return undefined;
}

function toBlock(n: Node, text: string): Block | undefined {
  const kids = named(n);
  const id = kids[0];
  if (!id || ty(id) !== 'identifier') return undefined;
  const labels: Block['labels'] = [];
  let body: Node | undefined;
  let bodyStart = n.endIndex, bodyEnd = n.endIndex;
  for (const c of n.children) {
    if (!c) continue;
    if (ty(c) === 'string_lit') {
      const q = clean ? quotedLiteral(c, text) : undefined;
      if (q !== undefined) { labels.push({ value: q ? q.value : '', span: sp(c) }); continue; }
      const lit = c.namedChildren.find((x) => (x ? ty(x) : undefined) === 'template_literal');
      labels.push({ value: lit ? unescapeHcl(txt(lit, text), false) : '', span: sp(c) });
    } else if (ty(c) === 'identifier' && c.startIndex !== id.startIndex && !body) labels.push({ value: txt(c, text), span: sp(c) });
    else if (ty(c) === 'block_start') bodyStart = c.endIndex;
    else if (ty(c) === 'body') body = c;
    else if (ty(c) === 'block_end' && !c.isMissing) bodyEnd = c.startIndex;
  }
  if (bodyEnd === n.endIndex && bodyStart < n.endIndex) {
    const close = text.lastIndexOf('}', n.endIndex - 1);
    if (close >= bodyStart) bodyEnd = close;
  }
  const attrs: Attribute[] = [];
  const blocks: Block[] = [];
  if (body) for (const c of named(body)) {
    if (ty(c) === 'attribute') { const a = toAttr(c, text); if (a) attrs.push(a); }
    else if (ty(c) === 'block') { const b = toBlock(c, text); if (b) blocks.push(b); }
  }
  return { type: txt(id, text), labels, attrs, blocks, span: sp(n), bodyStart, bodyEnd, hasError: n.hasError };
}

function toAttr(n: Node, text: string): Attribute | undefined {
  const kids = named(n);
  const id = kids[0];
  const ex = kids.find((k) => ty(k) === 'expression');
  if (!id || ty(id) !== 'identifier' || !ex) return undefined;
  return { name: txt(id, text), nameSpan: sp(id), value: toExpr(ex, text), span: sp(n) };
}

export function toExpr(n: Node, text: string): Expr {
  const span = sp(n);
  const other = (): Expr => ({ t: 'other', span, text: text.slice(span.start, span.end) });
  switch (ty(n)) {
    case 'expression': {
      const kids = named(n);
      if (kids.length === 0) return other();
      const head = kids[0];
      if (ty(head) === 'variable_expr' || (kids.length > 1 && kids.slice(1).every((k) => ty(k) === 'get_attr' || ty(k) === 'index' || ty(k) === 'splat'))) {
        return toTraversal(head, kids.slice(1), span, text) ?? other();
      }
      if (kids.length === 1) return toExpr(head, text);
      return other();
    }
    case 'literal_value': {
      const c = named(n)[0];
      if (!c) return other();
      if (ty(c) === 'string_lit') return toTemplate(c, text);
      if (ty(c) === 'numeric_lit') return { t: 'lit', value: Number(txt(c, text)), span };
      if (ty(c) === 'bool_lit') return { t: 'lit', value: txt(c, text) === 'true', span };
      if (ty(c) === 'null_lit') return { t: 'lit', value: null, span };
      return other();
    }
    case 'template_expr': {
      const c = named(n)[0];
      return c ? toTemplate(c, text) : other();
    }
    case 'collection_value': {
      const c = named(n)[0];
      if (!c) return other();
      if (ty(c) === 'tuple') return { t: 'tuple', items: named(c).filter((k) => ty(k) === 'expression').map((k) => toExpr(k, text)), span };
      if (ty(c) === 'object') {
        const items: ObjItem[] = [];
        for (const el of named(c)) {
          if (ty(el) !== 'object_elem') continue;
          const k = el.childForFieldName('key');
          const v = el.childForFieldName('val');
          if (!k || !v) continue;
          const key = toExpr(k, text);
          let keyName: string | undefined;
          if (key.t === 'trav' && key.steps.length === 0) keyName = key.root;
          else if (key.t === 'tmpl' && key.parts.every((p) => p.k === 'text')) keyName = key.parts.map((p) => (p.k === 'text' ? p.text : '')).join('');
          else if (key.t === 'other' && /^\(\s*"?[\w:-]+"?\s*\)$/.test(key.text)) keyName = undefined;
          items.push({ keyName, key, value: toExpr(v, text), span: sp(el) });
        }
        return { t: 'obj', items, span };
      }
      return other();
    }
    case 'function_call': {
      const kids = named(n);
      const name = (kids[0] ? ty(kids[0]) : undefined) === 'identifier' ? txt(kids[0], text) : '';
      const args = kids.find((k) => ty(k) === 'function_arguments');
      return { t: 'call', name, args: args ? named(args).filter((k) => ty(k) === 'expression').map((k) => toExpr(k, text)) : [], span };
    }
    case 'variable_expr':
      return toTraversal(n, [], span, text) ?? other();
    default:
      return other();
  }
}

function toTraversal(head: Node, rest: Node[], span: Span, text: string): Expr | undefined {
  if (ty(head) !== 'variable_expr') return undefined;
  const root = txt(head, text);
  const steps: TravStep[] = [];
  for (const r of rest) {
    if (ty(r) === 'get_attr') {
      const id = named(r).find((k) => ty(k) === 'identifier');
      if (!id) return undefined;
      steps.push({ k: 'attr', name: txt(id, text), span: sp(r) });
    } else if (ty(r) === 'index') {
      const c = named(r)[0];
      if ((c ? ty(c) : undefined) === 'new_index') {
        const e = named(c).find((k) => ty(k) === 'expression');
        if (!e) return undefined;
        steps.push({ k: 'index', expr: toExpr(e, text), span: sp(r) });
      } else if ((c ? ty(c) : undefined) === 'legacy_index') {
        const num = Number(txt(c, text).replace(/^\./, ''));
        steps.push({ k: 'index', expr: { t: 'lit', value: num, span: sp(c) }, span: sp(r) });
      } else return undefined;
    } else if (ty(r) === 'splat') {
      steps.push({ k: 'splat', span: sp(r) });
    } else return undefined;
  }
  return { t: 'trav', root, steps, span };
}

function toTemplate(n: Node, text: string): Expr {
  const span = sp(n);
  const lit = clean && ty(n) === 'string_lit' ? quotedLiteral(n, text) : undefined;
  if (lit !== undefined) return { t: 'tmpl', parts: lit ? [{ k: 'text', text: lit.value, span: lit.span }] : [], span };
  const parts: TmplPart[] = [];
  let heredoc: { contentSpan: Span; indented: boolean } | undefined;
  if (ty(n) === 'heredoc_template') {
    const startTok = n.children.find((c) => (c ? ty(c) : undefined) === 'heredoc_start');
    const ids = n.children.filter((c) => (c ? ty(c) : undefined) === 'heredoc_identifier') as Node[];
    const open = ids[0];
    const close = ids.length > 1 ? ids[ids.length - 1] : undefined;
    let cs = open ? open.endIndex : span.start;
    if (text[cs] === '\r') cs++;
    if (text[cs] === '\n') cs++;
    let ce = close ? close.startIndex : span.end;
    // the content ends before the indentation of the closing identifier
    while (ce > cs && (text[ce - 1] === ' ' || text[ce - 1] === '\t')) ce--;
    heredoc = { contentSpan: { start: cs, end: ce }, indented: !!startTok && txt(startTok, text).startsWith('<<-') };
  }
  const isHeredoc = !!heredoc;
  for (const c of n.namedChildren) {
    if (!c) continue;
    if (ty(c) === 'template_literal') parts.push({ k: 'text', text: unescapeHcl(txt(c, text), isHeredoc), span: sp(c) });
    else if (ty(c) === 'template_interpolation') {
      const e = named(c).find((k) => ty(k) === 'expression');
      if (e) parts.push({ k: 'expr', expr: toExpr(e, text), span: sp(c) });
      else parts.push({ k: 'directive', span: sp(c) });
    } else if (ty(c) === 'template_directive') parts.push({ k: 'directive', span: sp(c) });
  }
  if (isHeredoc) {
    // tree-sitter leaves out the newlines between literal chunks of a heredoc: rebuild text parts from the source.
    const out: TmplPart[] = [];
    let pos = heredoc!.contentSpan.start;
    for (const p of parts) {
      if (p.k === 'text') continue;
      if (p.span.start > pos) out.push({ k: 'text', text: unescapeHcl(text.slice(pos, p.span.start), true), span: { start: pos, end: p.span.start } });
      out.push(p);
      pos = p.span.end;
    }
    if (heredoc!.contentSpan.end > pos) out.push({ k: 'text', text: unescapeHcl(text.slice(pos, heredoc!.contentSpan.end), true), span: { start: pos, end: heredoc!.contentSpan.end } });
    return { t: 'tmpl', parts: out, span, heredoc };
  }
  return { t: 'tmpl', parts, span };
}
