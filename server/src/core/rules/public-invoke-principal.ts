import type { FixSpec, Rule } from './rule';
import { attr } from '../model/ast';
import { insertAttribute, replaceSpan } from '../fix/edits';
import { holderOf, permFnNames } from './names';
import { fileOf, isPublicPrincipal, jsonAddCondition, lambdaPermissions, maybeFunctionUrlGrant, mergeEdits, present, quote, snippetFor } from './common';

const SERVICES = ['apigateway.amazonaws.com', 'events.amazonaws.com', 's3.amazonaws.com', 'sns.amazonaws.com', 'logs.amazonaws.com', 'cloudfront.amazonaws.com'];

export const publicInvokePrincipal: Rule = {
  meta: {
    id: 'public-invoke-principal',
    severity: 'error',
    kind: 'exposure',
    title: 'A Lambda permission lets anyone (principal "*") invoke the function.',
    peerSuppressions: ['checkov:skip=CKV_AWS_301'],
    docs: `A permission for principal \`"*"\` (JSON: \`"Principal": "*"\` or \`{"AWS": "*"}\`) with nothing that
narrows it: no \`source_arn\`, \`source_account\` or \`principal_org_id\` (JSON: no \`Condition\`).
Anyone with an AWS account can invoke the function.

The two grants of a public function URL are public by design and reported as
\`public-function-url\` instead: \`lambda:InvokeFunctionUrl\` with \`function_url_auth_type = "NONE"\`,
and \`lambda:InvokeFunction\` with \`invoked_via_function_url = true\`.

\`\`\`hcl
resource "aws_lambda_permission" "open" {
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.f.function_name
  principal     = "*"                 # reported
}
\`\`\`

Fix (suggestions): replace the principal with the service principal that invokes the function,
or add \`principal_org_id\` to limit it to your AWS organization.`,
  },
  check(ctx) {
    for (const p of lambdaPermissions(ctx.facts)) {
      if (!isPublicPrincipal(p)) continue;
      if (maybeFunctionUrlGrant(p)) continue;
      const field = p.principal!;
      const file = fileOf(ctx, field.file);
      if (!file) continue;
      const fixes: FixSpec[] = [];
      const fn = permFnNames(ctx.facts, p);
      if (p.origin === 'tf' && p.resource) {
        if (present(p.sourceArn) || present(p.sourceAccount) || present(p.principalOrgId)) continue;
        const b = p.resource.block;
        if (field.file === p.file) {
          const choice = '${1|' + SERVICES.join(',') + '|}';
          fixes.push({ title: 'Replace "*" with a service principal', preferred: false, edits: [replaceSpan(file, field.span, quote(SERVICES[0]))], snippet: `"${choice}"` });
        }
        const bf = p.resource.file;
        const edits = mergeEdits(bf, insertAttribute(bf, b, 'principal_org_id', { hcl: quote('o-exampleorgid'), json: quote('o-exampleorgid') }, attr(b, 'principal')));
        fixes.push({ title: 'Add principal_org_id (your AWS organization)', preferred: false, edits, snippet: edits.length === 1 ? snippetFor(edits[0], '"o-exampleorgid"', '"${1:o-exampleorgid}"') : undefined });
        ctx.report({
          file: field.file, span: field.span,
          message: `Anyone can invoke ${fn.name}: aws_lambda_permission.${p.resource.name} grants principal "*"${fn.addr ? ` on ${fn.addr}` : ''} with no source_arn, source_account or principal_org_id.`,
          fixes, suppressTarget: field.file === p.file ? b.span : undefined,
        });
      } else if (p.statement) {
        if (p.hasCondition) continue;
        const s = p.statement;
        const edit = jsonAddCondition(file, s, 'StringEquals', 'aws:PrincipalOrgID', '"o-exampleorgid"');
        if (edit) fixes.push({ title: 'Add an aws:PrincipalOrgID condition (your AWS organization)', preferred: false, edits: [edit], snippet: snippetFor(edit, '"o-exampleorgid"', '"${1:o-exampleorgid}"') });
        if (p.principalType === '*' && s.json && field.span.end - field.span.start === 3) {
          fixes.push({ title: 'Replace "*" with a service principal', preferred: false, edits: [replaceSpan(file, field.span, `{"Service": ${quote(SERVICES[0])}}`)], snippet: '{"Service": "${1|' + SERVICES.join(',') + '|}"}' });
        }
        ctx.report({ file: field.file, span: field.span, message: `Anyone can invoke ${fn.name}: the statement in ${holderOf(s.doc)} grants principal "*"${fn.addr ? ` on ${fn.addr}` : ''} with no Condition.`, fixes });
      }
    }
  },
};
