import type { FixSpec, Rule } from './rule';
import { holderOf, permFnNames } from './names';
import { fileOf, hasWildcard, isPublicPrincipal, isService, known, lambdaPermissions, present, principalOf, replaceItem } from './common';

const INVOKE = new Set(['lambda:invokefunction', 'lambda:invokefunctionurl']);

export const broadPermissionAction: Rule = {
  meta: {
    id: 'broad-permission-action',
    severity: 'warning',
    kind: 'exposure',
    title: 'A Lambda permission grants a wildcard action, or more than invoking to a service or public principal.',
    docs: `A permission's \`action\` is a wildcard (\`*\`, \`lambda:*\`, \`lambda:Invoke*\`, ...), or an AWS service
principal (or \`*\`) is granted anything but \`lambda:InvokeFunction\` / \`lambda:InvokeFunctionUrl\`.
A service never needs \`lambda:DeleteFunction\` or \`lambda:GetFunction\`.

Single named actions for account or role principals (a deployment pipeline's cross-account
\`lambda:GetFunction\`) are fine. A function URL needs both \`lambda:InvokeFunctionUrl\` and
\`lambda:InvokeFunction\` (since October 2025): neither is ever reported.

\`\`\`hcl
resource "aws_lambda_permission" "s3" {
  action    = "lambda:*"              # reported
  principal = "s3.amazonaws.com"
}
\`\`\`

Fix: replace the action with \`lambda:InvokeFunction\` (a preferred fix when the principal is a
service principal; a suggestion otherwise).`,
  },
  check(ctx) {
    for (const p of lambdaPermissions(ctx.facts)) {
      const act = known(p.action);
      if (act === undefined || !present(p.action)) continue;
      const lower = act.toLowerCase();
      const wildcard = hasWildcard(act);
      const principal = principalOf(p);
      const serviceOrPublic = isService(p) || isPublicPrincipal(p);
      if (!wildcard && (INVOKE.has(lower) || !serviceOrPublic)) continue;
      const field = p.action!;
      const file = fileOf(ctx, field.file);
      if (!file) continue;
      const fixes: FixSpec[] = [];
      const edit = replaceItem(file, field, p.statement?.actions ?? [], 'lambda:InvokeFunction');
      // A URL grant (function_url_auth_type set) needs InvokeFunctionUrl: never preferred there.
      const urlish = present(p.functionUrlAuthType) || present(p.invokedViaFunctionUrl);
      if (edit) fixes.push({ title: 'Replace with lambda:InvokeFunction', preferred: isService(p) && !urlish && field.file === p.file, edits: [edit] });
      const who = principal === undefined ? 'the principal' : principal === '*' ? 'everyone (*)' : principal;
      const where = p.origin === 'tf' && p.resource ? `aws_lambda_permission.${p.resource.name}` : p.statement ? `the statement in ${holderOf(p.statement.doc)}` : 'the statement';
      const fn = permFnNames(ctx.facts, p);
      const on = fn.addr ? ` on ${fn.addr}` : '';
      ctx.report({
        file: field.file, span: field.span,
        message: `${wildcard ? `Wildcard action ${act}` : act} granted to ${who} on ${fn.name}: ${where} grants ${wildcard ? 'every action it matches' : 'more than invoking'}${on}. ${isService(p) ? 'A service only needs lambda:InvokeFunction.' : serviceOrPublic ? 'Grant only lambda:InvokeFunction (or lambda:InvokeFunctionUrl).' : 'Grant the single action the principal needs.'}`,
        fixes, suppressTarget: p.origin === 'tf' && p.resource && p.resource.file.path === field.file ? p.resource.block.span : undefined,
      });
    }
  },
};
