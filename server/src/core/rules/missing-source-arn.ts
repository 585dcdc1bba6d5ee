import type { FixSpec, Rule } from './rule';
import { text } from '../model/facts';
import { isServicePrincipal, serviceOf, SOURCE_ARN_FORMATS, snippetToText } from '../model/principals';
import { symText, type Value } from '../model/value';
import { insertAttribute } from '../fix/edits';
import { soleInvokerFor } from '../model/wiring';
import { attr } from '../model/ast';
import { holderOf, permFnNames, resourceWords } from './names';
import { fileOf, jsonAddCondition, lambdaPermissions, mergeEdits, present, quote, snippetFor } from './common';

export const missingSourceArn: Rule = {
  meta: {
    id: 'missing-source-arn',
    severity: 'warning',
    kind: 'exposure',
    title: 'A permission for an AWS service principal has no source_arn (confused deputy).',
    peerSuppressions: ['checkov:skip=CKV_AWS_364', 'trivy:ignore:AVD-AWS-0067', 'tfsec:ignore:aws-lambda-restrict-source-arn'],
    docs: `A Lambda permission whose principal is an AWS service (\`*.amazonaws.com\`, including regional
principals such as \`logs.eu-west-1.amazonaws.com\`, also with the region from a reference) without \`source_arn\` (JSON: an \`ArnLike\`/\`ArnEquals\`
condition on \`AWS:SourceArn\`) lets **any** resource of that service, in any account, invoke the
function: the confused-deputy problem. \`source_account\` alone does not satisfy this rule.
Not reported for \`secretsmanager.amazonaws.com\`, which sends no source ARN.

\`\`\`hcl
resource "aws_lambda_permission" "api" {
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.f.function_name
  principal     = "apigateway.amazonaws.com"   # reported: no source_arn
}
\`\`\`

Fix: insert \`source_arn\`. When the folder wires exactly one invoker of that service to the function,
the exact expression is inserted (preferred fix); otherwise a snippet with the service's ARN format.`,
  },
  check(ctx) {
    for (const p of lambdaPermissions(ctx.facts)) {
      // a regional principal with an unknown region (`"logs.${data.aws_region.current.name}.amazonaws.com"`) is still that service's
      const principal = text(p.principal) ?? regionalPrincipal(p.principal?.value);
      if (!principal || !isServicePrincipal(principal.replace(/\$\{[^}]*\}/g, 'us-east-1'))) continue;
      const service = serviceOf(principal.replace(/\$\{[^}]*\}/g, 'us-east-1'));
      if (service === 'secretsmanager') continue;
      if (present(p.sourceArn)) continue;
      // written but null (a variable left at `default = null`): left out on purpose, often under a `count` on that
      // variable; a fix adding a second source_arn would not parse
      if (p.sourceArn && p.origin === 'tf' && p.resource && attr(p.resource.block, 'source_arn')?.value.t !== 'lit') continue;
      const fixes: FixSpec[] = [];
      const fn = permFnNames(ctx.facts, p);
      const anyone = `any ${resourceWords(service)} in any account can invoke ${fn.name}`;
      const inv = soleInvokerFor(ctx.facts, p);
      const fmt = SOURCE_ARN_FORMATS[service];
      if (p.origin === 'tf' && p.resource) {
        const file = p.resource.file;
        const block = p.resource.block;
        const after = attr(block, 'principal');
        if (inv) fixes.push({ title: `Add source_arn = ${inv.hcl}`, preferred: true, edits: insertAttribute(file, block, 'source_arn', { hcl: inv.hcl, json: quote(inv.json) }, after) });
        else if (fmt) {
          const plain = quote(snippetToText(fmt));
          const edits = mergeEdits(file, insertAttribute(file, block, 'source_arn', { hcl: plain, json: plain }, after));
          fixes.push({ title: `Add source_arn (${service} ARN format)`, preferred: false, edits, snippet: edits.length === 1 ? snippetFor(edits[0], plain, '"' + fmt + '"') : undefined });
        }
        ctx.report({
          file: p.principal!.file, span: p.principal!.span,
          message: `No source_arn: ${anyone} (aws_lambda_permission.${p.resource.name}${fn.addr ? ` on ${fn.addr}` : ''}). It lets ${principal} invoke the function without naming the invoker (confused deputy).`,
          fixes, suppressTarget: p.principal!.file === p.file ? block.span : undefined,
        });
      } else {
        const s = p.statement;
        const file = s && fileOf(ctx, s.file);
        // a plain .json policy cannot hold a Terraform reference; a heredoc can
        const useInv = inv && file && !(file.kind === 'json' && inv.json.includes('${'));
        if (s && file && (useInv || fmt)) {
          const value = useInv ? inv!.json : snippetToText(fmt);
          const edit = jsonAddCondition(file, s, 'ArnLike', 'AWS:SourceArn', quote(value));
          if (edit) {
            const fix: FixSpec = { title: useInv ? `Add aws:SourceArn condition for ${inv!.invoker}` : `Add aws:SourceArn condition (${service} ARN format)`, preferred: !!useInv, edits: [edit] };
            if (!useInv) fix.snippet = snippetFor(edit, quote(value), '"' + fmt + '"');
            fixes.push(fix);
          }
        }
        ctx.report({ file: p.principal!.file, span: p.principal!.span, message: `No aws:SourceArn condition: ${anyone} (the statement in ${holderOf(p.statement!.doc)}${fn.addr ? ` on ${fn.addr}` : ''}). It lets ${principal} invoke the function without naming the invoker (confused deputy).`, fixes });
      }
    }
  },
};

/** `"<service>.${...}.amazonaws.com"` (a region from a reference) as text; undefined for any other shape. */
function regionalPrincipal(v: Value | undefined): string | undefined {
  if (!v || v.k !== 'str' || v.parts.length !== 3) return undefined;
  const [head, mid, tail] = v.parts;
  if (typeof head !== 'string' || typeof mid === 'string' || typeof tail !== 'string') return undefined;
  if (!/^[a-z0-9-]+\.$/.test(head) || !/^\.amazonaws\.com(\.cn)?$/.test(tail)) return undefined;
  return symText(v);
}
