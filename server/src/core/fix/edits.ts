/**
 * Text edits that keep a file's style: indentation, `=` alignment, line endings, JSON layout.
 * Pure functions of the source text and the syntax model.
 */
import type { Attribute, Block, Span } from '../model/ast';
import type { SourceFile } from '../model/module';
import type { SpanEdit } from '../rules/rule';
import { eolOf } from '../text';
import { cfnInsertProperty, cfnReplace } from '../frontends/cfn/writer';

export function lineStartOf(text: string, offset: number): number {
  let i = offset;
  while (i > 0 && text[i - 1] !== '\n' && text[i - 1] !== '\r') i--;
  return i;
}
export function lineEndOf(text: string, offset: number): number {
  let i = offset;
  while (i < text.length && text[i] !== '\n' && text[i] !== '\r') i++;
  return i;
}
export function indentAt(text: string, offset: number): string {
  const s = lineStartOf(text, offset);
  const m = /^[ \t]*/.exec(text.slice(s, offset + 1));
  return m ? m[0] : '';
}
/** One indentation step of the file: a tab, or the smallest space indent (default two spaces). */
export function indentUnit(text: string): string {
  // cached for the last text: a rule calls it once per finding, and a file can have 100,000 findings
  if (text === unitCache.text) return unitCache.unit;
  const unit = computeIndentUnit(text);
  unitCache = { text, unit };
  return unit;
}
let unitCache = { text: '', unit: '  ' };
function computeIndentUnit(text: string): string {
  if (/^\t+\S/m.test(text)) return '\t';
  let min = 0;
  for (const m of text.matchAll(/^( +)\S/gm)) if (!min || m[1].length < min) min = m[1].length;
  return min >= 2 && min <= 8 ? ' '.repeat(min) : '  ';
}

export function replaceSpan(file: SourceFile, span: Span, newText: string): SpanEdit {
  if (file.kind === 'cfn') return cfnReplace(file, span, newText);
  return { file: file.path, start: span.start, end: span.end, newText };
}

/** Attributes of a block that sit on lines of their own (the ones `terraform fmt` aligns). */
function alignGroup(file: SourceFile, block: Block, anchor: Attribute | undefined): Attribute[] {
  // terraform fmt aligns runs of consecutive single-line attributes; take the run around the anchor.
  const attrs = [...block.attrs].sort((a, b) => a.span.start - b.span.start);
  if (!anchor) return [];
  const idx = attrs.indexOf(anchor);
  if (idx < 0) return [];
  const line = (o: number): number => file.lines.positionAt(o).line;
  const single = (a: Attribute): boolean => line(a.span.start) === line(a.span.end);
  if (!single(anchor)) return [anchor];
  let lo = idx, hi = idx;
  while (lo > 0 && single(attrs[lo - 1]) && line(attrs[lo - 1].span.end) === line(attrs[lo].span.start) - 1) lo--;
  while (hi < attrs.length - 1 && single(attrs[hi + 1]) && line(attrs[hi + 1].span.start) === line(attrs[hi].span.end) + 1) hi++;
  return attrs.slice(lo, hi + 1);
}

function eqColumn(file: SourceFile, a: Attribute): number {
  const ls = lineStartOf(file.text, a.span.start);
  return file.text.indexOf('=', a.nameSpan.end) - ls;
}

/**
 * Inserts `name = value` into a Terraform block (or `"name": json` into a `.tf.json` block),
 * after `after` (or the last attribute), with the block's indentation and `=` alignment.
 */
export function insertAttribute(file: SourceFile, block: Block, name: string, value: { hcl: string; json: string }, after?: Attribute): SpanEdit[] {
  if (file.kind === 'cfn') return cfnInsertProperty(file, block, name, value, after);
  const text = file.text;
  const eol = eolOf(text);
  if (block.json) return [jsonInsertIntoObject(file, block.bodyStart - 1, block.bodyEnd, `${JSON.stringify(name)}: ${value.json}`)];
  const attrs = [...block.attrs].sort((a, b) => a.span.start - b.span.start);
  const anchor = after ?? attrs.filter((a) => a.span.start < (block.blocks[0]?.span.start ?? Infinity)).pop() ?? attrs[attrs.length - 1];
  const blockIndent = indentAt(text, block.span.start);
  if (!anchor) {
    // empty block: `{}` or `{ }` or multi-line
    const inner = text.slice(block.bodyStart, block.bodyEnd);
    const indent = blockIndent + indentUnit(text);
    if (!inner.includes('\n')) return [{ file: file.path, start: block.bodyStart, end: block.bodyEnd, newText: `${eol}${indent}${name} = ${value.hcl}${eol}${blockIndent}` }];
    const at = lineEndOf(text, block.bodyStart);
    return [{ file: file.path, start: at, end: at, newText: `${eol}${indent}${name} = ${value.hcl}` }];
  }
  const lineOf = (o: number): number => file.lines.positionAt(o).line;
  // The block's `}` on the anchor's line (`resource "x" "y" { principal = "s3.amazonaws.com" }`):
  // the attribute goes inside, and the block is split over lines (never after the `}`).
  if (block.bodyEnd < block.span.end && lineOf(block.bodyEnd) === lineOf(anchor.span.end)) return splitOneLine(file, block, anchor, name, value.hcl, blockIndent, eol);
  const indent = indentAt(text, anchor.span.start);
  const group = alignGroup(file, block, anchor);
  const cols = group.map((a) => eqColumn(file, a));
  // terraform fmt style: the group's `=` share one column (a lone attribute with a single space
  // before `=` is fmt style too). Then the new attribute joins the column, and the group is
  // realigned when the new name is longer. Unaligned groups are left alone.
  const uniform = group.length >= 2 && cols.every((c) => c === cols[0]);
  const oneLine = file.lines.positionAt(anchor.span.start).line === file.lines.positionAt(anchor.span.end).line;
  const single = group.length === 1 && oneLine && text.slice(anchor.nameSpan.end, text.indexOf('=', anchor.nameSpan.end)) === ' ';
  const edits: SpanEdit[] = [];
  let pad = ' ';
  if (uniform || single) {
    const width = Math.max(...group.map((a) => a.nameSpan.end - a.nameSpan.start), name.length);
    const target = indent.length + width + 1;
    for (const a of group) {
      const ls = lineStartOf(text, a.span.start);
      const eq = text.indexOf('=', a.nameSpan.end);
      const want = target - (a.nameSpan.end - ls);
      const have = eq - a.nameSpan.end;
      if (want !== have) edits.push({ file: file.path, start: a.nameSpan.end, end: eq, newText: ' '.repeat(Math.max(1, want)) });
    }
    pad = ' '.repeat(Math.max(1, width - name.length + 1));
  }
  const at = anchor.span.end;
  const lineEnd = lineEndOf(text, at);
  edits.push({ file: file.path, start: lineEnd, end: lineEnd, newText: `${eol}${indent}${name}${pad}= ${value.hcl}` });
  return edits;
}

/**
 * insertAttribute for a block whose `}` shares the anchor's line: the attributes of that line each
 * get a line of their own, the new one after them (aligned as `terraform fmt` does), then the `}`.
 * Gives no edit when something else than attributes and blanks shares the line (a comment, a nested block).
 */
function splitOneLine(file: SourceFile, block: Block, anchor: Attribute, name: string, hcl: string, blockIndent: string, eol: string): SpanEdit[] {
  const text = file.text;
  const lineOf = (o: number): number => file.lines.positionAt(o).line;
  const line = lineOf(block.bodyEnd);
  const openOnLine = lineOf(block.bodyStart) === line;
  const from = openOnLine ? block.bodyStart : lineStartOf(text, anchor.span.start);
  const onLine = [...block.attrs].filter((a) => a.span.start >= from && a.span.end <= block.bodyEnd).sort((a, b) => a.span.start - b.span.start);
  if (!onLine.length || block.blocks.some((b) => b.span.end > from && b.span.start < block.bodyEnd)) return [];
  // only blanks (or `,` between one-line attributes) between them
  let at = from;
  for (const a of onLine) { if (text.slice(at, a.span.start).trim() !== '') return []; at = a.span.end; }
  if (text.slice(at, block.bodyEnd).trim() !== '') return [];
  const indent = openOnLine ? blockIndent + indentUnit(text) : indentAt(text, onLine[0].span.start);
  const width = Math.max(name.length, ...onLine.map((a) => a.name.length));
  const valueOf = (a: Attribute): string => text.slice(text.indexOf('=', a.nameSpan.end) + 1, a.span.end).trim();
  const lines = onLine.map((a) => `${indent}${text.slice(a.nameSpan.start, a.nameSpan.end)}${' '.repeat(width - a.name.length + 1)}= ${valueOf(a)}`);
  lines.push(`${indent}${name}${' '.repeat(width - name.length + 1)}= ${hcl}`);
  const head = openOnLine ? eol : '';
  return [{ file: file.path, start: from, end: block.bodyEnd, newText: `${head}${lines.join(eol)}${eol}${blockIndent}` }];
}

/** Inserts text as a new top-level block after `block`, separated by a blank line. */
export function insertBlockAfter(file: SourceFile, block: Block, blockText: string): SpanEdit {
  const eol = eolOf(file.text);
  const end = lineEndOf(file.text, block.span.end);
  const body = blockText.replace(/\r?\n/g, eol);
  return { file: file.path, start: end, end, newText: `${eol}${eol}${body}` };
}

/** Inserts a comment line above the line where `span` starts, with that line's indentation. */
export function insertLineAbove(file: SourceFile, span: Span, line: string): SpanEdit {
  const ls = lineStartOf(file.text, span.start);
  const indent = indentAt(file.text, span.start);
  return { file: file.path, start: ls, end: ls, newText: `${indent}${line}${eolOf(file.text)}` };
}

/**
 * Inserts `member` (a JSON `"key": value` text, or an array item) before the closing bracket at
 * `close` of the object or array opening at `open`, in the file's JSON layout (multi-line with the
 * members' indentation, or inline).
 */
export function jsonInsertIntoObject(file: SourceFile, open: number, close: number, member: string): SpanEdit {
  const text = file.text;
  const eol = eolOf(text);
  const inner = text.slice(open + 1, close);
  const hasMembers = inner.trim().length > 0;
  let lastEnd = close;
  while (lastEnd > open + 1 && /\s/.test(text[lastEnd - 1])) lastEnd--;
  if (!inner.includes('\n')) {
    // inline object: `{"a": 1}` -> `{"a": 1, "b": 2}`
    if (!hasMembers) return { file: file.path, start: open + 1, end: close, newText: member };
    const sep = /^\s/.test(inner) ? ' ' : '';
    return { file: file.path, start: lastEnd, end: lastEnd, newText: `, ${member}${sep && !/\s$/.test(inner) ? '' : ''}` };
  }
  const closeIndent = indentAt(text, close);
  // members' indentation: the indent of the first non-blank line inside
  const firstLine = inner.split(/\r?\n/).find((l, i) => i > 0 && l.trim().length > 0);
  const memberIndent = firstLine ? /^[ \t]*/.exec(firstLine)![0] : closeIndent + indentUnit(text);
  const multi = member.replace(/\n/g, eol + memberIndent);
  if (!hasMembers) return { file: file.path, start: open + 1, end: close, newText: `${eol}${memberIndent}${multi}${eol}${closeIndent}` };
  return { file: file.path, start: lastEnd, end: lastEnd, newText: `,${eol}${memberIndent}${multi}` };
}

/** Pretty JSON of a value with an indent unit, for members inserted into multi-line JSON. */
export function jsonText(v: unknown, unit: string): string {
  return JSON.stringify(v, null, unit.includes('\t') ? '\t' : unit.length);
}
