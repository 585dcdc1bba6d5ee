/**
 * Cheap structural checks for the syntax errors tree-sitter accepts but HashiCorp's parser rejects
 * ("Invalid multi-line string", "Missing newline after argument", "Attribute redefined"), and the
 * recovery of a file broken by an unterminated quoted string.
 *
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

/** Every block of the file, nested ones too. */
function* allBlocks(bs: Block[]): Generator<Block> {
  for (const b of bs) { yield b; yield* allBlocks(b.blocks); }
}

function lineOf(text: string, at: number): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < at; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/**
 * The first of the errors HashiCorp's parser would give and tree-sitter does not: two arguments on
 * one line, an argument set twice in one block. Undefined when there is none.
 */
export function modelError(syntax: FileSyntax, text: string): { span: Span; message: string } | undefined {
  let best: { span: Span; message: string } | undefined;
  const take = (span: Span, message: string): void => { if (!best || span.start < best.span.start) best = { span, message }; };
  const bodies: Attribute[][] = [syntax.attrs, ...[...allBlocks(syntax.blocks)].map((b) => b.attrs)];
  for (const attrs of bodies) {
    const seen = new Map<string, Attribute>();
    const sorted = [...attrs].sort((a, b) => a.span.start - b.span.start);
    for (let i = 0; i < sorted.length; i++) {
      const a = sorted[i];
      const prev = sorted[i - 1];
      if (prev && !text.slice(prev.span.end, a.span.start).includes('\n')) {
        take({ start: a.nameSpan.start, end: a.nameSpan.end }, 'Missing newline after argument: an argument definition must end with a newline.');
      }
      const first = seen.get(a.name);
      if (first) take(a.nameSpan, `Attribute redefined: the argument "${a.name}" was already set at line ${lineOf(text, first.nameSpan.start) + 1}. Each argument may be set only once.`);
      else seen.set(a.name, a);
    }
  }
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
