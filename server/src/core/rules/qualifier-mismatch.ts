import type { FixSpec, Rule } from './rule';
import type { Permission } from '../model/facts';
import { attr } from '../model/ast';
import { qualText, triggersServedBy, verdictOf, wiringOf, type Qual } from '../model/wiring';
import { insertAttribute, lineEndOf, lineStartOf, replaceSpan } from '../fix/edits';
import { invokerLabel, permRelated, related } from './outage';
import { fnNames, holderOf } from './names';

function qualExpr(q: Qual): { hcl: string; json: string } | undefined {
  if (q.k === 'alias') return { hcl: `${q.alias.address}.name`, json: JSON.stringify(`\${${q.alias.address}.name}`) };
  if (q.k === 'lit') return { hcl: JSON.stringify(q.name), json: JSON.stringify(q.name) };
  if (q.k === 'version' && q.ref) return { hcl: q.ref, json: JSON.stringify(`\${${q.ref}}`) };
  return undefined;
}

export const qualifierMismatch: Rule = {
  meta: {
    id: 'qualifier-mismatch',
    severity: 'error',
    kind: 'outage',
    title: 'The trigger invokes an alias or version, but the permission is on another qualifier (or the reverse).',
    docs: `The trigger invokes an alias or version (\`aws_lambda_alias.live.invoke_arn\`/\`.arn\`, a qualified ARN
\`...:function:name:live\`, or \`qualified_invoke_arn\`/\`qualified_arn\` of a function with literal
\`publish = true\`, a numbered version) but the permissions for that principal are on the unqualified function or on
another qualifier, or the reverse. A resource policy on the unqualified function does not cover its
aliases: every invocation fails.

Fix: set \`qualifier = aws_lambda_alias.live.name\` (or remove the qualifier when the trigger invokes the
unqualified function).`,
  },
  check(ctx) {
    const w = wiringOf(ctx.facts);
    const done = new Set<Permission>();
    for (const t of w.triggers) {
      if (t.fn.k !== 'fn') continue;
      const v = verdictOf(w, t);
      if (v.k !== 'qualifier-mismatch') continue;
      for (const p of v.perms) {
        if (done.has(p)) continue;
        done.add(p);
        const pf = w.permFn(p);
        if (pf.k !== 'fn') continue;
        const target = p.qualifier ?? p.functionName;
        if (!target) continue;
        const fixes: FixSpec[] = [];
        const others = triggersServedBy(w, p).filter((x) => x !== t);
        const file = ctx.file(target.file);
        const q = qualExpr(t.fn.qual);
        const fnQualified = w.resolveFn(p.functionName?.value);
        const qualFromName = fnQualified.k === 'fn' && fnQualified.qual.k !== 'none';
        if (p.origin === 'tf' && p.resource && !qualFromName) {
          const qa = attr(p.resource.block, 'qualifier');
          if (q) {
            const edits = qa ? [replaceSpan(file, qa.value.span, file.kind === 'tf' ? q.hcl : q.json)] : insertAttribute(file, p.resource.block, 'qualifier', q, attr(p.resource.block, 'function_name'));
            fixes.push({ title: `Set qualifier = ${q.hcl}`, preferred: others.length === 0, edits });
          } else if (t.fn.qual.k === 'none' && qa && file.kind === 'tf') {
            const ls = lineStartOf(file.text, qa.span.start);
            let le = lineEndOf(file.text, qa.span.end);
            if (file.text[le] === '\r') le++;
            if (file.text[le] === '\n') le++;
            fixes.push({ title: 'Remove qualifier', preferred: others.length === 0, edits: [{ file: file.path, start: ls, end: le, newText: '' }] });
          }
        }
        ctx.report({
          file: target.file, span: target.span,
          message: `Qualifier mismatch for ${fnNames(ctx.facts, t.fn, false).name}: ${invokerLabel(t)} invokes ${qualText(t.fn.qual)}, but ${p.resource ? p.resource.address : p.statement ? `the statement in ${holderOf(p.statement.doc)}` : 'the resource-policy statement'} grants ${qualText(pf.qual)}${fnNames(ctx.facts, t.fn).addr ? ` of ${fnNames(ctx.facts, t.fn).addr}` : ''}; ${t.effect}.`,
          fixes, related: [permRelated(p), ...related(t)], suppressTarget: p.resource?.block.span,
        });
      }
    }
  },
};
