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
  const block = f.syntax.blocks.find((b: Block) => b.span.start <= span.start && span.end <= b.span.end);
  const target = block ?? undefined;
  if (!target) return undefined;
  return {
    title: `Ignore ${ruleId} for this block`,
    preferred: false,
    edits: [insertLineAbove(f, target.span, `# lpg-ignore: ${ruleId} -- reason`)],
  };
}
