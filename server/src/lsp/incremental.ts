/**
 * The incremental path of configurations (configs.ts): after a keystroke in one file, a
 * configuration's previous findings still hold when the edit cannot change them. That is when the
 * edit lies inside the body of one top-level `resource` or `data` block and changes only attributes
 * that no rule read in that block at the last full analysis (core/model/ast.ts recordReads: every
 * attribute read goes through attr()); its labels, nested blocks and comments, and the rest of the
 * file, are unchanged. An analysis is deterministic: it reads the same values, takes the same
 * decisions and reports the same findings, at positions that move with the edit. The typical case:
 * typing a new attribute, or in `tags`, `description`, `memory_size`..., which no rule reads.
 *
 * Fixes are the exception: their text may depend on the layout of the block they edit (the `=`
 * column, the attribute after which they insert). The fixes of findings in or at the edited block
 * are left out until the next full analysis (the server runs one when typing pauses, and before it
 * answers a code action).
 */
import { recordReads, type Block, type Span } from '../core/model/ast';
import type { SourceFile } from '../core/model/module';
import type { Finding, Position, Range } from '../core/types';
import type { InstanceFinding } from '../core/configuration';
import { parseSuppression } from '../core/suppress';

/** One contiguous edit of a file inside one top-level block's body: old text [lo, hiA) became [lo, hiA + delta). */
export interface BlockEdit {
  lo: number;
  hiA: number;
  delta: number;
  /** The edited block before and after. */
  before: Block;
  after: Block;
  /** Top-level attributes of the block whose text changed, appeared or disappeared. */
  changed: string[];
  /** The edit adds or removes lines. */
  lines: boolean;
}

const text = (f: SourceFile, s: Span): string => f.text.slice(s.start, s.end);
const inside = (inner: Span, outer: Span): boolean => inner.start >= outer.start && inner.end <= outer.end;

/** An expression without its positions: the same text can be modelled differently next to a syntax error. */
const shape = (e: unknown): string => JSON.stringify(e, (k, v) => (k === 'span' || k === 'nameSpan' || k === 'contentSpan' ? undefined : v));

/** Attribute name -> its texts and models (several when recovery made duplicates). */
function attrTexts(f: SourceFile, b: Block): Map<string, string> {
  const m = new Map<string, string>();
  for (const a of b.attrs) { const t = text(f, a.span) + '\u0001' + shape(a.value); const cur = m.get(a.name); m.set(a.name, cur === undefined ? t : cur + '\u0000' + t); }
  return m;
}

/**
 * The edit from `a` to `b` (same path, both Terraform with a syntax model) when it lies inside one
 * top-level resource/data block's body and leaves everything but that block's own attributes as it
 * was; undefined otherwise.
 */
export function blockEdit(a: SourceFile, b: SourceFile): BlockEdit | undefined {
  const s0 = a.syntax, s1 = b.syntax;
  if (!s0 || !s1 || a.kind !== 'tf' || b.kind !== 'tf' || a.text === b.text) return undefined;
  if (s0.attrs.length || s1.attrs.length || s0.blocks.length !== s1.blocks.length) return undefined;
  const x = a.text, y = b.text;
  const max = Math.min(x.length, y.length);
  let lo = 0;
  while (lo < max && x.charCodeAt(lo) === y.charCodeAt(lo)) lo++;
  let suf = 0;
  while (suf < max - lo && x.charCodeAt(x.length - 1 - suf) === y.charCodeAt(y.length - 1 - suf)) suf++;
  const hiA = x.length - suf, delta = y.length - x.length;
  const k = s0.blocks.findIndex((bl) => bl.bodyStart <= lo && hiA <= bl.bodyEnd && bl.bodyEnd < bl.span.end);
  if (k < 0) return undefined;
  const B0 = s0.blocks[k], B1 = s1.blocks[k];
  if ((B0.type !== 'resource' && B0.type !== 'data') || B1.type !== B0.type) return undefined;
  if (B0.labels.length !== B1.labels.length || B0.labels.some((l, i) => l.value !== B1.labels[i].value)) return undefined;
  // every other top-level block where it was (moved by the edit), the edited one grown or shrunk by it
  for (let j = 0; j < s0.blocks.length; j++) {
    const o = s0.blocks[j], n = s1.blocks[j];
    const d = j < k ? 0 : delta;
    if (n.span.start !== o.span.start + (j === k ? 0 : d) || n.span.end !== o.span.end + d) return undefined;
    if (j === k && (n.bodyStart !== o.bodyStart || n.bodyEnd !== o.bodyEnd + delta)) return undefined;
  }
  // syntax errors only inside the edited block (the rest of the file parsed as before, from the same text)
  if (!s0.errors.every((e) => inside(e.span, B0.span)) || !s1.errors.every((e) => inside(e.span, B1.span))) return undefined;
  // comments unchanged, and none in the block that could suppress (their reach depends on the attributes' places)
  if (s0.comments.length !== s1.comments.length || s0.comments.some((c, i) => c.text !== s1.comments[i].text)) return undefined;
  if (s1.comments.some((c) => inside(c.span, B1.span) && parseSuppression(c.text) !== undefined)) return undefined;
  // nested blocks untouched: outside the edit, same text, no syntax error in them
  if (B0.blocks.length !== B1.blocks.length) return undefined;
  for (let j = 0; j < B0.blocks.length; j++) {
    const o = B0.blocks[j], n = B1.blocks[j];
    if (!(o.span.end <= lo || o.span.start >= hiA)) return undefined;
    const d = o.span.start >= hiA ? delta : 0;
    if (n.span.start !== o.span.start + d || n.span.end !== o.span.end + d || n.type !== o.type) return undefined;
    if (s1.errors.some((e) => e.span.end > n.span.start && e.span.start < n.span.end)) return undefined;
  }
  const t0 = attrTexts(a, B0), t1 = attrTexts(b, B1);
  const changed = new Set<string>();
  for (const [name, t] of t0) if (t1.get(name) !== t) changed.add(name);
  for (const name of t1.keys()) if (!t0.has(name)) changed.add(name);
  if (B0.hasError !== B1.hasError) changed.add('#error'); // core/model/ast.ts brokenBlock
  let nl = 0;
  for (let i = lo; i < hiA; i++) if (x.charCodeAt(i) === 10) nl--;
  for (let i = lo; i < hiA + delta; i++) if (y.charCodeAt(i) === 10) nl++;
  return { lo, hiA, delta, before: B0, after: B1, changed: [...changed], lines: nl !== 0 };
}

/** Maps ranges of the old text of `file` to the new one (undefined: a range ends inside the replaced text). */
export function rangeMover(file: string, a: SourceFile, b: SourceFile, e: BlockEdit): (f: string, r: Range) => Range | undefined {
  const start = (p: Position): number | undefined => {
    const o = a.lines.offsetAt(p);
    if (o >= e.hiA) return o + e.delta;
    return o < e.lo ? o : undefined;
  };
  const end = (p: Position): number | undefined => {
    const o = a.lines.offsetAt(p);
    if (o <= e.lo) return o;
    return o >= e.hiA ? o + e.delta : undefined;
  };
  return (f, r) => {
    if (f !== file) return r;
    const s = start(r.start), t = end(r.end);
    if (s === undefined || t === undefined || t < s) return undefined;
    return { start: b.lines.positionAt(s), end: b.lines.positionAt(t) };
  };
}

/** Moves one finding through the edit (undefined: a range cannot be moved); its fixes left out when they touch the edited block or with `noFixes`. */
function mover(file: string, a: SourceFile, b: SourceFile, e: BlockEdit, noFixes: boolean): { range: (f: string, r: Range) => Range | undefined; finding: (f: Finding) => Finding | undefined } {
  const mv = rangeMover(file, a, b, e);
  const blk = e.before.span;
  const touches = (f: string, r: Range): boolean => {
    if (f !== file) return false;
    const s = a.lines.offsetAt(r.start), t = a.lines.offsetAt(r.end);
    return t >= blk.start && s <= blk.end;
  };
  const finding = (f: Finding): Finding | undefined => {
    const range = mv(f.file, f.range);
    if (!range) return undefined;
    const related = [];
    for (const r of f.related) { const m = mv(r.file, r.range); if (!m) return undefined; related.push({ ...r, range: m }); }
    let fixes = f.fixes;
    if (noFixes || touches(f.file, f.range) || fixes.some((x) => x.edits.some((d) => touches(d.file, d.range)))) fixes = [];
    else if (fixes.length) {
      const moved = [];
      for (const x of fixes) {
        const edits = [];
        for (const d of x.edits) { const m = mv(d.file, d.range); if (!m) return undefined; edits.push({ ...d, range: m }); }
        const snip = x.snippet && mv(x.snippet.file, x.snippet.range);
        if (x.snippet && !snip) return undefined;
        moved.push({ ...x, edits, ...(x.snippet ? { snippet: { ...x.snippet, range: snip! } } : {}) });
      }
      fixes = moved;
    }
    return { ...f, range, related, fixes };
  };
  return { range: mv, finding };
}

/** A folder's findings (paths relative to it) moved through the edit of `file`; undefined when one cannot be moved. */
export function moveFindingList(findings: Finding[], file: string, a: SourceFile, b: SourceFile, e: BlockEdit, noFixes = false): Finding[] | undefined {
  const m = mover(file, a, b, e, noFixes);
  const out: Finding[] = [];
  for (const f of findings) { const x = m.finding(f); if (!x) return undefined; out.push(x); }
  return out;
}

/**
 * A configuration's findings moved through the edit of `file` (workspace-relative real path), the
 * fixes that touch the edited block left out (all fixes with `noFixes`); undefined when a range cannot be moved.
 */
export function moveFindings(items: InstanceFinding[], file: string, a: SourceFile, b: SourceFile, e: BlockEdit, noFixes = false): InstanceFinding[] | undefined {
  const m = mover(file, a, b, e, noFixes);
  const out: InstanceFinding[] = [];
  for (const it of items) {
    const finding = m.finding(it.finding);
    if (!finding) return undefined;
    const chain = [];
    for (const r of it.chain) { const x = m.range(r.file, r.range); if (!x) return undefined; chain.push({ ...r, range: x }); }
    const vars: InstanceFinding['vars'] = [];
    for (const v of it.vars) {
      const arg = v.arg && m.range(v.arg.file, v.arg.range);
      const val = v.argValue && m.range(v.argValue.file, v.argValue.range);
      if ((v.arg && !arg) || (v.argValue && !val)) return undefined;
      vars.push({ ...v, ...(v.arg ? { arg: { ...v.arg, range: arg! } } : {}), ...(v.argValue ? { argValue: { ...v.argValue, range: val! } } : {}) });
    }
    out.push({ ...it, finding, chain, vars });
  }
  return out;
}

/**
 * What full analyses read, by block (core/model/ast.ts recordReads), and the edits that change none of it.
 * A union over every analysis recorded: a superset of what any one of them read.
 */
export class ReadLog {
  private readonly reads = new WeakMap<Block, Set<string>>();
  /** Read only for the text of fixes (an edit of them carries the findings, without any fix). */
  private readonly fixReads = new WeakMap<Block, Set<string>>();
  /**
   * The last edit looked at (the configurations of one validation share it). One slot: a map from each
   * version to the previous one would keep every version of the file alive through the chain.
   */
  private lastEdit: { from: SourceFile; to: SourceFile; edit: { edit: BlockEdit; fixText: boolean } | undefined } | undefined;

  /** Runs a full analysis, recording what it reads. */
  record<T>(f: () => T): T {
    const note = (m: WeakMap<Block, Set<string>>) => (b: Block, name: string): void => { let l = m.get(b); if (!l) m.set(b, (l = new Set())); l.add(name); };
    const prev = recordReads({ value: note(this.reads), fix: note(this.fixReads) });
    try { return f(); } finally { recordReads(prev); }
  }

  /**
   * The edit from `a` to `b` when it cannot change a finding (blockEdit, and nothing it changed was
   * read), with `fixText` when a fix's text read something it changed; what was read of `a`'s blocks is
   * then known of `b`'s. Undefined: analyse again.
   */
  edit(a: SourceFile, b: SourceFile): { edit: BlockEdit; fixText: boolean } | undefined {
    const seen = this.lastEdit;
    if (seen && seen.from === a && seen.to === b) return seen.edit;
    let e = blockEdit(a, b);
    if (e && e.changed.some((n) => this.reads.get(e!.before)?.has(n))) e = undefined;
    // a module call's line is in messages (`module.x in main.tf:12`): an edit that moves it analyses again
    if (e && e.lines && b.syntax!.blocks.some((x) => x.type === 'module')) e = undefined;
    let out: { edit: BlockEdit; fixText: boolean } | undefined;
    if (e) {
      const o = a.syntax!.blocks, n = b.syntax!.blocks;
      for (let j = 0; j < o.length; j++) {
        const l = this.reads.get(o[j]); if (l) this.reads.set(n[j], l);
        const x = this.fixReads.get(o[j]); if (x) this.fixReads.set(n[j], x);
      }
      out = { edit: e, fixText: e.changed.some((name) => this.fixReads.get(e!.after)?.has(name)) };
    }
    this.lastEdit = { from: a, to: b, edit: out };
    return out;
  }
}
