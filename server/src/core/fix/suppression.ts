import type { Block, Span } from '../model/ast';
import type { SourceFile } from '../model/module';
import type { FixSpec } from '../rules/rule';
import { insertLineAbove } from './edits';
import { cfnSuppression } from '../frontends/cfn/writer';

/** "Ignore <rule> for this block": a `# lpg-ignore` comment above the innermost top-level block holding `span`. JSON has no comments: none. */
export function suppressionFix(f: SourceFile, ruleId: string, span: Span): FixSpec | undefined {
  if (f.kind === 'cfn') {
    const e = cfnSuppression(f, ruleId, span);
    return e ? { title: `Ignore ${ruleId} for this resource`, preferred: false, edits: [e] } : undefined;
  }
  if (f.kind !== 'tf' || !f.syntax) return undefined;
  const block = enclosingBlock(f.syntax.blocks, span);
  const target = block ?? undefined;
  if (!target) return undefined;
  return {
    title: `Ignore ${ruleId} for this block`,
    preferred: false,
    edits: [insertLineAbove(f, target.span, `# lpg-ignore: ${ruleId} -- reason`)],
  };
}

/** The top-level block holding a span: binary search (blocks come in text order; a file can have 100,000 findings). */
function enclosingBlock(blocks: Block[], span: Span): Block | undefined {
  let lo = 0, hi = blocks.length - 1, at = -1;
  while (lo <= hi) { const m = (lo + hi) >> 1; if (blocks[m].span.start <= span.start) { at = m; lo = m + 1; } else hi = m - 1; }
  for (let i = at; i >= 0 && i >= at - 1; i--) if (blocks[i].span.start <= span.start && span.end <= blocks[i].span.end) return blocks[i];
  return undefined;
}
