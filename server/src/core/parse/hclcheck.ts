/**
 * Cheap structural checks for the syntax errors tree-sitter accepts but HashiCorp's parser rejects
 * ("Invalid multi-line string", "Missing newline after argument", "Attribute redefined"), and the
 * recovery of a file broken by an unterminated quoted string.
 *
 * Messages are HashiCorp's (summary; detail), positions ours (an open string: at its opening quote).
 * A file these checks flag gets a syntax error: the scan then asks HashiCorp's parser (hcl2json)
 * about that file only, whose verdict and message win (a file it accepts gets no parse-error).
 */
import type { Attribute, Block, FileSyntax, Span } from '../model/ast';

/**
 * Offset of the opening quote of the first quoted string that runs past the end of its line
 * (outside comments and heredocs; newlines inside `${...}` are not counted), or -1.
 */
export function multiLineString(text: string, from = 0): number {
  const n = text.length;
  let i = from;
  const skipLine = (): void => { while (i < n && text[i] !== '\n') i++; };
  while (i < n) {
    const c = text[i];
    if (c === '#' || (c === '/' && text[i + 1] === '/')) { skipLine(); continue; }
    if (c === '/' && text[i + 1] === '*') { const e = text.indexOf('*/', i + 2); i = e < 0 ? n : e + 2; continue; }
    if (c === '<' && text[i + 1] === '<') {
      const m = /^<<-?([A-Za-z_][\w-]*)[ \t]*\r?\n/.exec(text.slice(i, i + 200));
      if (m) {
        i += m[0].length;
        // up to a line holding only the identifier
        const re = new RegExp('^[ \\t]*' + m[1] + '[ \\t]*\\r?$', 'm');
        const rest = text.slice(i);
        const hit = re.exec(rest);
        i = hit ? i + hit.index + hit[0].length : n;
        continue;
      }
    }
    if (c === '"') {
      const r = quoted(text, i);
      if (r.multiLine) return i;
      i = r.end;
      continue;
    }
    i++;
  }
  return -1;
}

/** Scans a quoted string from its opening quote: where it ends, and whether its literal text holds a newline first. */
function quoted(text: string, start: number): { end: number; multiLine: boolean } {
  const n = text.length;
  let i = start + 1;
  while (i < n) {
    const c = text[i];
    if (c === '\\') { i += 2; continue; }
    if (c === '"') return { end: i + 1, multiLine: false };
    if (c === '\n') return { end: i, multiLine: true };
    if ((c === '$' || c === '%') && text[i + 1] === '{') {
      if (text[i - 1] === c) { i += 2; continue; } // `$${`: literal
      // an interpolation: nested braces and strings, newlines allowed
      let depth = 0;
      i += 2;
      while (i < n) {
        const d = text[i];
        if (d === '"') { const r = quoted(text, i); if (r.multiLine) return { end: r.end, multiLine: true }; i = r.end; continue; }
        if (d === '{') depth++;
        else if (d === '}') { if (depth === 0) { i++; break; } depth--; }
        i++;
      }
      continue;
    }
    i++;
  }
  return { end: n, multiLine: true };
}

/** End of the line holding offset `at` (the offset of its `\n` or `\r\n`, or the text's end). */
function lineEnd(text: string, at: number): number {
  let e = text.indexOf('\n', at);
  if (e < 0) e = text.length;
  if (e > at && text[e - 1] === '\r') e--;
  return e;
}

/**
 * The text with each quoted string that runs past its line closed on that line, at the same length
 * (its text becomes blanks), and the spans of those strings in the original text. Up to `max` strings.
 */
export function closeMultiLineStrings(text: string, max = 20): { text: string; spans: Span[] } | undefined {
  let q = multiLineString(text);
  if (q < 0) return undefined;
  const chars = text.split('');
  const spans: Span[] = [];
  while (q >= 0 && spans.length < max) {
    const e = lineEnd(text, q);
    if (e - q >= 2) {
      chars[q] = '"';
      for (let k = q + 1; k < e - 1; k++) chars[k] = ' ';
      chars[e - 1] = '"';
    } else chars[q] = ' '; // a lone quote at the end of the line: dropped
    spans.push({ start: q, end: e });
    q = multiLineString(chars.join(''), e);
  }
  return { text: chars.join(''), spans };
}

export const MULTI_LINE_STRING = 'Invalid multi-line string; Quoted strings may not be split over multiple lines. To produce a multi-line string, either use the \\n escape to represent a newline character or use the "heredoc" multi-line template syntax.';

function lineOf(text: string, at: number): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < at; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** Is the rest of the line from `at` blank (or a comment)? */
function restBlank(text: string, at: number): boolean {
  const e = text.indexOf('\n', at);
  return /^[ \t]*(#.*|\/\/.*|\/\*.*)?\r?$/.test(text.slice(at, e < 0 ? text.length : e));
}
/** Offset of the first non-blank character from `at`. */
function nextToken(text: string, at: number): number {
  while (at < text.length && (text[at] === ' ' || text[at] === '\t')) at++;
  return at;
}
function sameLine(text: string, a: number, b: number): boolean { return !text.slice(a, b).includes('\n'); }

/**
 * The first of the errors HashiCorp's parser gives and tree-sitter does not (HCL requires newlines
 * where tree-sitter accepts any whitespace): two items of a body on one line, a line break inside a
 * block header or before an argument's `=`, a single-line block with more than one argument, an
 * argument set twice in one block. Undefined when there is none.
 */
export function modelError(syntax: FileSyntax, text: string): { span: Span; message: string } | undefined {
  let best: { span: Span; message: string } | undefined;
  const take = (at: number, message: string, end = at + 1): void => { if (!best || at < best.span.start) best = { span: { start: at, end: Math.max(end, at + 1) }, message }; };
  const MISSING_NL_ARG = 'Missing newline after argument; An argument definition must end with a newline.';
  const body = (attrs: Attribute[], blocks: Block[], singleLine: boolean): void => {
    const seen = new Map<string, Attribute>();
    for (const a of attrs) {
      const first = seen.get(a.name);
      if (first) take(a.nameSpan.start, `Attribute redefined; The argument "${a.name}" was already set at line ${lineOf(text, first.nameSpan.start) + 1}. Each argument may be set only once.`, a.nameSpan.end);
      else seen.set(a.name, a);
      const eq = text.indexOf('=', a.nameSpan.end);
      if (eq >= 0 && eq < a.value.span.start && !sameLine(text, a.nameSpan.end, eq)) take(a.nameSpan.start, 'Argument or block definition required; An argument name must be followed by "=" on the same line.', a.nameSpan.end);
      if (!singleLine && !restBlank(text, a.span.end)) { const n = nextToken(text, a.span.end); take(n, MISSING_NL_ARG, n + 1); }
    }
    for (const b of blocks) {
      const open = b.bodyStart - 1;
      if (!sameLine(text, b.span.start, open)) take(open, 'Invalid block definition; A block definition must have block content delimited by "{" and "}", starting on the same line as the block header.');
      const closed = b.bodyEnd < b.span.end && text[b.bodyEnd] === '}';
      if (!closed) continue;
      const one = sameLine(text, open, b.bodyEnd);
      if (one) {
        if (b.attrs.length + b.blocks.length > 1 || b.blocks.length) take(nextToken(text, b.bodyStart), 'Invalid single-argument block definition; A single-line block definition can contain only a single argument.');
      } else if (!restBlank(text, b.bodyStart)) {
        take(nextToken(text, b.bodyStart), 'Invalid single-argument block definition; An argument definition on the same line as its containing block creates a single-line block definition, which must also be closed on the same line.');
      }
      if (!restBlank(text, b.span.end)) { const n = nextToken(text, b.span.end); take(n, 'Missing newline after block definition; A block definition must end with a newline.'); }
      body(b.attrs, b.blocks, one);
    }
  };
  body(syntax.attrs, syntax.blocks, false);
  return best;
}

/**
 * Blocks swallowed by an error are unknown, never wrongly known: in a block the parser had to
 * recover, an argument that reaches the first error (or a closed-up string) gets an unknown value.
 * Builds new block objects (the models of a parse may be shared with a block cache).
 */
export function distrust(syntax: FileSyntax, from: number, spans: Span[] = []): void {
  const bad = (a: Attribute): boolean => a.span.end > from || spans.some((s) => s.start < a.span.end && a.span.start <= s.start);
  const go = (b: Block): Block => {
    const hasError = b.hasError || spans.some((s) => b.span.start <= s.start && s.start < b.span.end);
    if (!hasError) return b;
    const attrs = b.attrs.map((a) => (bad(a) ? { ...a, value: { t: 'other' as const, span: a.value.span, text: '' } } : a));
    return { ...b, hasError, attrs, blocks: b.blocks.map(go) };
  };
  syntax.blocks = syntax.blocks.map(go);
}
