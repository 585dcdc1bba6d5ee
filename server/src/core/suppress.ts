import type { Block, Comment, Span } from './model/ast';
import type { SourceFile } from './model/module';
import { cfnInfo } from './frontends/cfn/synth';

/** Peer suppression comments and the rule they silence. */
export const PEER_SUPPRESSIONS: Record<string, string> = {
  'checkov:skip=ckv_aws_364': 'missing-source-arn',
  'trivy:ignore:avd-aws-0067': 'missing-source-arn',
  'trivy:ignore:aws-0067': 'missing-source-arn',
  'tfsec:ignore:aws-lambda-restrict-source-arn': 'missing-source-arn',
  'checkov:skip=ckv_aws_301': 'public-invoke-principal',
  'checkov:skip=ckv_aws_258': 'public-function-url',
};

export interface Suppressions {
  /** Rule ids ignored in the whole file ("*" for all). */
  fileWide: Set<string>;
  /** Spans (blocks or attributes) with the rule ids ignored inside them. */
  scoped: { span: Span; ids: Set<string> }[];
}

/** Rule ids named by a suppression comment, or undefined when it is none. */
export function parseSuppression(comment: string): { fileWide: boolean; ids: string[] } | undefined {
  const body = comment.replace(/^(#|\/\/|\/\*)\s*/, '').replace(/\*\/$/, '').trim();
  const m = /^lpg-ignore(-file)?(?::\s*([^\s].*?))?\s*(?:--.*)?$/.exec(body);
  if (m) {
    const ids = (m[2] ?? 'all').split(',').map((s) => s.trim()).filter(Boolean);
    return { fileWide: !!m[1], ids: ids.map((i) => (i === 'all' ? '*' : i)) };
  }
  const lower = body.toLowerCase();
  for (const [k, id] of Object.entries(PEER_SUPPRESSIONS)) {
    if (lower.startsWith(k)) {
      const rest = lower.slice(k.length);
      if (rest === '' || /^[\s:,]/.test(rest)) return { fileWide: false, ids: [id] };
    }
  }
  return undefined;
}

export function collectSuppressions(file: SourceFile): Suppressions {
  const out: Suppressions = { fileWide: new Set(), scoped: [] };
  const syn = file.syntax;
  if (!syn) return out;
  const targets: { span: Span; line: number }[] = [];
  const blockBodies: Block[] = [];
  const visit = (b: Block): void => {
    targets.push({ span: b.span, line: file.lines.positionAt(b.span.start).line });
    blockBodies.push(b);
    for (const a of b.attrs) targets.push({ span: a.span, line: file.lines.positionAt(a.span.start).line });
    for (const c of b.blocks) visit(c);
  };
  for (const b of syn.blocks) visit(b);
  // templates: `Metadata` suppressions (lpg, cfn-lint, cfn_nag) of a resource
  for (const m of cfnInfo(syn)?.metadataIgnores ?? []) out.scoped.push({ span: m.span, ids: new Set(m.ids) });
  const commentLines = new Set(syn.comments.map((c) => file.lines.positionAt(c.span.start).line));
  for (const c of syn.comments) {
    const s = parseSuppression(c.text);
    if (!s) continue;
    if (s.fileWide) { for (const id of s.ids) out.fileWide.add(id); continue; }
    out.scoped.push({ span: targetOf(c, file, targets, blockBodies, commentLines), ids: new Set(s.ids) });
  }
  return out;
}

function targetOf(c: Comment, file: SourceFile, targets: { span: Span; line: number }[], blocks: Block[], commentLines: Set<number>): Span {
  const line = file.lines.positionAt(c.span.start).line;
  // first line of a block body: the block
  for (const b of blocks) {
    if (c.span.start > b.bodyStart && c.span.end <= b.bodyEnd) {
      const before = [...b.attrs, ...b.blocks].some((x) => x.span.start < c.span.start);
      if (!before) return b.span;
    }
  }
  // the line above a block or attribute (other comment lines in between are allowed)
  let next = line + 1;
  while (commentLines.has(next)) next++;
  let best: Span | undefined;
  for (const t of targets) if (t.line === next && (!best || t.span.end - t.span.start > best.end - best.start)) best = t.span;
  // a trailing comment on an attribute's line
  if (!best) for (const t of targets) if (t.line === line && t.span.start < c.span.start && (!best || t.span.end - t.span.start < best.end - best.start)) best = t.span;
  return best ?? { start: c.span.start, end: c.span.end };
}

export function isSuppressed(s: Suppressions, ruleId: string, span: Span): boolean {
  if (s.fileWide.has(ruleId) || s.fileWide.has('*')) return true;
  for (const x of s.scoped) if ((x.ids.has(ruleId) || x.ids.has('*')) && x.span.start <= span.start && span.end <= x.span.end) return true;
  return false;
}
