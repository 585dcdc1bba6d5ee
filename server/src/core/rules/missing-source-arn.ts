import type { FixSpec, Rule } from './rule';
import { text } from '../model/facts';
import { isServicePrincipal, serviceOf, SOURCE_ARN_FORMATS, snippetToText } from '../model/principals';
import { insertAttribute, jsonInsertIntoObject } from '../fix/edits';
import { soleInvokerFor } from '../model/wiring';
import { attr } from '../model/ast';

export const missingSourceArn: Rule = {
  meta: {
    id: 'missing-source-arn',
    severity: 'warning',
    kind: 'exposure',
    title: 'A permission for an AWS service principal has no source_arn (confused deputy).',
    peerSuppressions: ['checkov:skip=CKV_AWS_364', 'trivy:ignore:AVD-AWS-0067', 'tfsec:ignore:aws-lambda-restrict-source-arn'],
    docs: `A Lambda permission whose principal is an AWS service (\`*.amazonaws.com\`, including regional
principals such as \`logs.eu-west-1.amazonaws.com\`) without \`source_arn\` (JSON: an \`ArnLike\`/\`ArnEquals\`
condition on \`AWS:SourceArn\`) lets **any** resource of that service, in any account, invoke the
function: the confused-deputy problem. \`source_account\` alone does not satisfy this rule.
Not reported for \`secretsmanager.amazonaws.com\`, which sends no source ARN.

Fix: insert \`source_arn\`. When the folder wires exactly one invoker of that service to the function,
the exact expression is inserted (preferred fix); otherwise a snippet with the service's ARN format.`,
  },
  check(ctx) {
    for (const p of ctx.facts.permissions) {
      const principal = text(p.principal);
      if (!principal || !isServicePrincipal(principal)) continue;
      const service = serviceOf(principal);
      if (service === 'secretsmanager') continue;
      if (p.sourceArn) continue;
      const file = ctx.file(p.file);
      const fixes: FixSpec[] = [];
      const inv = soleInvokerFor(ctx.facts, p);
      const fmt = SOURCE_ARN_FORMATS[service];
      if (p.origin === 'tf' && p.resource) {
        const after = attr(p.resource.block, 'principal');
        if (inv) fixes.push({ title: `Add source_arn = ${inv.hcl}`, preferred: true, edits: insertAttribute(file, p.resource.block, 'source_arn', { hcl: inv.hcl, json: JSON.stringify(inv.json) }, after) });
        else if (fmt) {
          const edits = insertAttribute(file, p.resource.block, 'source_arn', { hcl: JSON.stringify(snippetToText(fmt)), json: JSON.stringify(snippetToText(fmt)) }, after);
          const last = edits[edits.length - 1];
          const snippet = last.newText.replace(JSON.stringify(snippetToText(fmt)), '"' + fmt + '"');
          fixes.push({ title: `Add source_arn (${service} ARN format)`, preferred: false, edits, snippet: edits.length === 1 ? snippet : undefined });
        }
        ctx.report({
          file: p.file, span: p.principal!.span,
          message: `aws_lambda_permission.${p.resource.name} lets ${principal} invoke the function without source_arn: any ${service} resource in any account can invoke it (confused deputy).`,
          fixes, suppressTarget: p.resource.block.span,
        });
      } else if (p.statement?.json && fmt) {
        const s = p.statement;
        const node = s.json!.node;
        const base = s.json!.base;
        const value = inv ? inv.json : snippetToText(fmt);
        const cond = node.children?.find((c) => c.children?.[0]?.value === 'Condition')?.children?.[1];
        const edit = cond && cond.type === 'object'
          ? jsonInsertIntoObject(file, base + cond.offset, base + cond.offset + cond.length - 1, `"ArnLike": {"AWS:SourceArn": ${JSON.stringify(value)}}`)
          : jsonInsertIntoObject(file, base + node.offset, base + node.offset + node.length - 1, `"Condition": {"ArnLike": {"AWS:SourceArn": ${JSON.stringify(value)}}}`);
        fixes.push({ title: inv ? `Add aws:SourceArn condition for ${inv.invoker}` : `Add aws:SourceArn condition (${service} ARN format)`, preferred: !!inv, edits: [edit] });
        ctx.report({ file: p.file, span: p.principal!.span, message: `The statement lets ${principal} invoke the function without an aws:SourceArn condition: any ${service} resource in any account can invoke it (confused deputy).`, fixes });
      } else {
        ctx.report({ file: p.file, span: p.principal!.span, message: `The statement lets ${principal} invoke the function without an aws:SourceArn condition: any ${service} resource in any account can invoke it (confused deputy).`, fixes });
      }
    }
  },
};
