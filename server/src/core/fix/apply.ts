/**
 * Applying many fix edits at once, in time linear in the text and the number of edits (a module with
 * hundreds of thousands of findings is fixed without quadratic work), and telling which edits clash.
 * Pure.
 */

/** An edit in UTF-16 offsets of the current text of `file`. */
export interface OffsetEdit { file: string; start: number; end: number; newText: string }

/** Applies non-overlapping edits to one text (any order; insertions at one point keep their given order). */
export function applyToText(text: string, edits: { start: number; end: number; newText: string }[]): string {
  if (!edits.length) return text;
  const sorted = edits.map((e, i) => ({ e, i })).sort((a, b) => a.e.start - b.e.start || a.e.end - b.e.end || a.i - b.i);
  const parts: string[] = [];
  let at = 0;
  for (const { e } of sorted) {
    const s = Math.max(at, e.start);
    parts.push(text.slice(at, s), e.newText);
    at = Math.max(s, e.end);
  }
  parts.push(text.slice(at));
  return parts.join('');
}

/** Applies non-overlapping offset edits to the texts (returns new texts; unchanged files keep their entry). */
export function applyOffsetEdits(texts: Map<string, string>, edits: OffsetEdit[]): Map<string, string> {
  const out = new Map(texts);
  const byFile = new Map<string, OffsetEdit[]>();
  for (const e of edits) { const l = byFile.get(e.file); if (l) l.push(e); else byFile.set(e.file, [e]); }
  for (const [file, list] of byFile) {
    const t = out.get(file);
    if (t !== undefined) out.set(file, applyToText(t, list));
  }
  return out;
}

/**
 * The edits chosen so far, per file, as sorted closed intervals: `clashes` tells whether an edit
 * touches or overlaps one of them (two insertions at one point clash too) in O(log n).
 */
export class EditSet {
  private readonly byFile = new Map<string, { s: number[]; e: number[] }>();

  clashes(x: { file: string; start: number; end: number }): boolean {
    const l = this.byFile.get(x.file);
    if (!l || !l.s.length) return false;
    // the first interval starting after x.end cannot clash, nor can any later one; check the one before it
    const i = upperBound(l.s, x.end); // intervals [0, i) start <= x.end
    if (i === 0) return false;
    // intervals are disjoint and sorted: ends are sorted too; the last one starting <= x.end has the largest end
    return l.e[i - 1] >= x.start;
  }

  /** Adds an interval, merged with the ones it touches (so that the intervals stay disjoint and sorted). */
  add(x: { file: string; start: number; end: number }): void {
    let l = this.byFile.get(x.file);
    if (!l) { l = { s: [], e: [] }; this.byFile.set(x.file, l); }
    let start = x.start, end = x.end;
    let i = upperBound(l.s, start);
    if (i > 0 && l.e[i - 1] >= start) { i--; start = l.s[i]; end = Math.max(end, l.e[i]); }
    let j = i;
    while (j < l.s.length && l.s[j] <= end) { end = Math.max(end, l.e[j]); j++; }
    if (i === l.s.length) { l.s.push(start); l.e.push(end); return; }
    l.s.splice(i, j - i, start);
    l.e.splice(i, j - i, end);
  }
}

function upperBound(a: number[], v: number): number {
  let lo = 0, hi = a.length;
  while (lo < hi) { const m = (lo + hi) >> 1; if (a[m] <= v) lo = m + 1; else hi = m; }
  return lo;
}

/** Appends the items of `src` to `dst` without spreading them into one call (no stack overflow on huge arrays). */
export function pushAll<T>(dst: T[], src: readonly T[]): T[] {
  for (let i = 0; i < src.length; i++) dst.push(src[i]);
  return dst;
}
