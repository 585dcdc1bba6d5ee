/**
 * "Findings from the last good parse of a broken file stay until it parses again": when the current
 * text has a syntax error, the top-level blocks of the last error-free parse whose text is still
 * there unchanged (tree-sitter may have swallowed them into the broken block: an unclosed quote,
 * bracket or brace above them) are put back into the model at their new offsets, with the comments
 * around them (suppressions), so their findings stay exact while the user types.
 */
import type { Block, Comment } from '../core/model/ast';
import type { SourceFile } from '../core/model/module';
import { shifted } from '../core/model/hcl';

/** Adds to `cur` (whose syntax has errors) the intact blocks of `good` that `cur` lost. Returns how many came back. */
export function keepIntactBlocks(cur: SourceFile, good: SourceFile): number {
  const syn = cur.syntax, gs = good.syntax;
  if (!syn || !gs || !syn.errors.length) return 0;
  const text = cur.text;
  let added = 0;
  let prevEnd = 0; // end of the previous good block (comments between it and a block belong to that block)
  for (const b of gs.blocks) {
    const bt = good.text.slice(b.span.start, b.span.end);
    const from = prevEnd;
    prevEnd = b.span.end;
    const at = nearest(text, bt, b.span.start);
    if (at < 0) continue;
    const end = at + bt.length;
    const same = (x: Block) => x.type === b.type && x.labels.length === b.labels.length && x.labels.every((l, i) => l.value === b.labels[i].value);
    // still modelled (intact, or lifted out of a broken block): nothing to do
    if (syn.blocks.some((x) => same(x) && x.span.start < end && at < x.span.end && !x.hasError)) continue;
    // an intact block of the current parse overlaps it: the text now means something else
    if (syn.blocks.some((x) => !x.hasError && x.span.start < end && at < x.span.end)) continue;
    const delta = at - b.span.start;
    syn.blocks.push(shifted(b, delta));
    const have = new Set(syn.comments.map((c) => c.span.start));
    for (const c of gs.comments) {
      if (c.span.start < from || c.span.end > b.span.end) continue;
      const moved: Comment = shifted(c, delta);
      if (have.has(moved.span.start) || text.slice(moved.span.start, moved.span.end) !== c.text) continue;
      syn.comments.push(moved);
    }
    added++;
  }
  if (added) {
    syn.blocks.sort((a, b) => a.span.start - b.span.start);
    syn.comments.sort((a, b) => a.span.start - b.span.start);
  }
  return added;
}

/** The occurrence of `needle` in `hay` nearest to `near`, or -1. */
function nearest(hay: string, needle: string, near: number): number {
  if (!needle) return -1;
  let best = -1;
  for (let i = hay.indexOf(needle); i >= 0; i = hay.indexOf(needle, i + 1)) {
    if (best < 0 || Math.abs(i - near) < Math.abs(best - near)) best = i;
    if (i > near) break;
  }
  return best;
}
