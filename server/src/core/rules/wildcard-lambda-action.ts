import type { FixSpec, Rule, SpanEdit } from './rule';
import type { Span } from '../model/ast';
import { attr } from '../model/ast';
import type { Facts } from '../model/facts';
import type { PolicyDoc, Statement } from '../model/policy';
import { replaceSpan } from '../fix/edits';
import { allowIdentityStatements, fileOf, jsonPropSpan, known, quote, replaceItem, rolesOfDoc, roleTrusts } from './common';
import { isAllLambda, notActionExcludesLambda } from './lambda-actions';
import { boundaryDocs, boundaryNote } from './boundary';
import { holderOf } from './names';
import { mayBeLambdaResource } from './wildcard-lambda-resource';

/** Is the policy attached to a role that API Gateway can assume (an integration's credentials role)? */
function apiGatewayRolePolicy(facts: Facts, doc: PolicyDoc): boolean {
  const roles = rolesOfDoc(facts, doc);
  return roles.length > 0 && roles.every((r) => roleTrusts(facts, r, 'apigateway.amazonaws.com'));
}

/** Suggestion for NotAction: turn it into `Action: lambda:InvokeFunction`, keeping the key's style and the `=` column. */
function notActionFix(ctx: Parameters<Rule['check']>[0], s: Statement): SpanEdit[] | undefined {
  const file = fileOf(ctx, s.file);
  if (!file) return undefined;
  if (s.block) {
    const a = attr(s.block, 'not_actions');
    if (!a) return undefined;
    const name = 'actions'.padEnd(a.nameSpan.end - a.nameSpan.start, ' ');
    const between = file.text.slice(a.nameSpan.end, a.value.span.start);
    const keep = /^ *=/.test(between) ? name : 'actions';
    return [replaceSpan(file, a.nameSpan, keep), replaceSpan(file, a.value.span, '["lambda:InvokeFunction"]')];
  }
  if (s.json) {
    const sp = jsonPropSpan(s, 'NotAction');
    return sp ? [replaceSpan(file, sp, '"Action": "lambda:InvokeFunction"')] : undefined;
  }
  if (s.expr && s.expr.t === 'obj') {
    const it = s.expr.items.find((i) => i.keyName === 'NotAction');
    if (!it) return undefined;
    const keyText = file.text.slice(it.key.span.start, it.key.span.end);
    const newKey = keyText.startsWith('"') ? '"Action"' : 'Action';
    const between = file.text.slice(it.key.span.end, it.value.span.start);
    const padded = /^ +[=:]/.test(between) ? newKey.padEnd(keyText.length, ' ') : newKey;
    return [replaceSpan(file, it.key.span, padded), replaceSpan(file, it.value.span, quote('lambda:InvokeFunction'))];
  }
  return undefined;
}

/** The whole written value of NotAction (`["iam:*"]`), in the statement's file. */
function notActionValueSpan(s: Statement): Span | undefined {
  if (s.notActions?.some((x) => x.file !== s.file)) return undefined;
  if (s.block) return attr(s.block, 'not_actions')?.value.span;
  if (s.json) {
    const v = s.json.node.children?.find((c) => c.children?.[0]?.value === 'NotAction')?.children?.[1];
    return v ? { start: s.json.base + v.offset, end: s.json.base + v.offset + v.length } : undefined;
  }
  if (s.expr && s.expr.t === 'obj') return s.expr.items.find((i) => i.keyName === 'NotAction')?.value.span;
  return undefined;
}

export const wildcardLambdaAction: Rule = {
  meta: {
    id: 'wildcard-lambda-action',
    severity: 'warning',
    kind: 'exposure',
    title: 'An IAM policy allows every Lambda action (lambda:* or *).',
    docs: `An IAM policy statement with \`Effect: Allow\` grants every Lambda action: \`lambda:*\` (any case) or
\`*\` in \`Action\` (Terraform \`actions\`), or a \`NotAction\` that does not exclude Lambda. Whoever holds
the policy can rewrite, delete or re-permission every function. \`Deny\` statements are never
reported, nor statements whose resources are all of other services (\`"*"\` on \`arn:aws:s3:::*\` grants
no Lambda action). A policy used only as a permissions boundary (\`permissions_boundary\` of a role or
user, or named by an \`iam:PermissionsBoundary\` condition) grants nothing: reported as \`info\` at
most, and the message says it is a boundary.

\`\`\`hcl
data "aws_iam_policy_document" "invoke" {
  statement {
    actions   = ["lambda:*"]          # reported
    resources = [aws_lambda_function.f.arn]
  }
}
\`\`\`

Fix: replace with \`lambda:InvokeFunction\` (a preferred fix when the policy belongs to a role that
\`apigateway.amazonaws.com\` can assume, such as an integration's credentials role; otherwise a
suggestion).`,
  },
  check(ctx) {
    const bounds = boundaryDocs(ctx.facts);
    for (const { doc, s } of allowIdentityStatements(ctx.facts)) {
      // `*` on resources of other services only (`arn:aws:s3:::*`) grants no Lambda action
      if (!mayBeLambdaResource(s)) continue;
      const boundary = bounds.get(doc);
      const note = boundary ? boundaryNote(boundary) : '';
      const atMost = boundary ? 'info' as const : undefined;
      const holder = holderOf(doc);
      for (const a of s.actions) {
        const t = known(a);
        if (t === undefined || !isAllLambda(t)) continue;
        const file = fileOf(ctx, a.file);
        if (!file) continue;
        const fixes: FixSpec[] = [];
        const edit = replaceItem(file, a, s.actions, 'lambda:InvokeFunction');
        if (edit) fixes.push({ title: 'Replace with lambda:InvokeFunction', preferred: a.file === s.file && apiGatewayRolePolicy(ctx.facts, doc), edits: [edit] });
        ctx.report({
          file: a.file, span: a.span,
          message: (t === '*' ? `Action "*" allowed in ${holder}: the statement allows every action, including every Lambda action.` : `${t} allowed in ${holder}: the statement allows every Lambda action.`) + note,
          fixes, atMost,
        });
      }
      if (s.notActions && s.notActions.length) {
        const texts = s.notActions.map(known);
        if (texts.some((x) => x === undefined)) continue;
        if (notActionExcludesLambda(texts as string[])) continue;
        const first = s.notActions[0], last = s.notActions[s.notActions.length - 1];
        if (s.notActions.some((x) => x.file !== first.file)) continue;
        const span: Span = notActionValueSpan(s) ?? { start: first.span.start, end: Math.max(first.span.end, last.span.end) };
        const edits = notActionFix(ctx, s);
        ctx.report({
          file: first.file, span,
          message: `NotAction in ${holder} does not exclude Lambda: the statement allows every Lambda action.` + note,
          fixes: edits ? [{ title: 'Replace NotAction with Action lambda:InvokeFunction', preferred: false, edits }] : [], atMost,
        });
      }
    }
  },
};
