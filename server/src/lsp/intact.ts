/**
 * "Findings from the last good parse of a broken file stay until it parses again": when the current
 * text has a syntax error, the top-level blocks of the last error-free parse whose text is still
 * there unchanged (tree-sitter may have swallowed them into the broken block: an unclosed quote,
 * bracket or brace above them) are put back into the model at their new offsets, with the comments
 * around them (suppressions), so their findings stay exact while the user types.
 */
import type { Comment } from '../core/model/ast';
import type { SourceFile } from '../core/model/module';
import { shifted } from '../core/model/hcl';

/** Adds to `cur` (whose syntax has errors) the intact blocks of `good` that `cur` lost. Returns how many came back. */
export function keepIntactBlocks(cur: SourceFile, good: SourceFile): number {
  const syn = cur.syntax, gs = good.syntax;
  if (!syn || !gs || !syn.errors.length) return 0;
  const text = cur.text;
  let added = 0;
  let prevEnd = 0; // end of the previous good block (comments between it and a block belong to that block)
  // the blocks after the edit usually moved by the change of length: a hint for `nearest`
  const moved = text.length - good.text.length;
  let have: Set<number> | undefined;
  const gc = gs.comments;
  const sorted = gc.every((c, i) => i === 0 || gc[i - 1].span.start <= c.span.start);
  let ci = 0, lastFrom = 0;
  for (const b of gs.blocks) {
    const bt = good.text.slice(b.span.start, b.span.end);
    const from = prevEnd;
    prevEnd = b.span.end;
    const at = nearest(text, bt, b.span.start, moved);
    if (at < 0) continue;
    const end = at + bt.length;
    // still modelled (intact, or lifted out of a broken block), or an intact block of the current parse
    // overlaps it (the text now means something else): nothing to do (one test covers both)
    if (syn.blocks.some((x) => !x.hasError && x.span.start < end && at < x.span.end)) continue;
    const delta = at - b.span.start;
    syn.blocks.push(shifted(b, delta));
    have ??= new Set(syn.comments.map((c) => c.span.start));
    // comments are in text order: skip those before `from` once, stop at the first past the block
    if (from < lastFrom) ci = 0;
    lastFrom = from;
    while (ci < gc.length && sorted && gc[ci].span.start < from) ci++;
    for (let k = sorted ? ci : 0; k < gc.length; k++) {
      const c = gc[k];
      if (sorted && c.span.start > b.span.end) break;
      if (c.span.start < from || c.span.end > b.span.end) continue;
      const mc: Comment = shifted(c, delta);
      if (have.has(mc.span.start) || text.slice(mc.span.start, mc.span.end) !== c.text) continue;
      syn.comments.push(mc);
      have.add(mc.span.start);
    }
    added++;
  }
  if (added) {
    syn.blocks.sort((a, b) => a.span.start - b.span.start);
    syn.comments.sort((a, b) => a.span.start - b.span.start);
  }
  return added;
}

/**
 * The occurrence of `needle` in `hay` nearest to `near` (the lower of two as near), or -1. `hint`: a
 * likely shift (occurrences at `near` and `near + hint` are tried first, and then only the window
 * they bound is searched instead of the whole text before `near`).
 */
export function nearest(hay: string, needle: string, near: number, hint = 0): number {
  if (!needle) return -1;
  if (hay.startsWith(needle, near)) return near;
  let from = 0;
  if (hint !== 0 && near + hint >= 0 && hay.startsWith(needle, near + hint)) from = Math.max(0, near - Math.abs(hint));
  let best = -1;
  for (let i = hay.indexOf(needle, from); i >= 0; i = hay.indexOf(needle, i + 1)) {
    if (best < 0 || Math.abs(i - near) < Math.abs(best - near)) best = i;
    if (i > near) break;
  }
  return best;
}
