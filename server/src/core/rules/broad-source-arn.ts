import type { FixSpec, Rule } from './rule';
import { soleInvokerFor } from '../model/wiring';
import { isServicePrincipal, serviceOf, SOURCE_ARN_FORMATS, snippetToText } from '../model/principals';
import { holderOf, permFnNames } from './names';
import { arnText, fileOf, lambdaPermissions, present, principalOf, quote, REF, replaceField } from './common';

const wild = (s: string): boolean => /[*?]/.test(s);

/**
 * Why a source ARN pattern is broad (it wildcards the account or the part that names the
 * resource), or undefined when it names one resource. Wildcards after an API id, a log group's
 * `:*` suffix and similar sub-resource parts are fine.
 */
export function broadReason(arn: string): string | undefined {
  if (arn === '*') return 'matches every resource of every account';
  if (arn.startsWith(REF)) return undefined; // `${aws_...execution_arn}/*/*`: the reference names the resource
  const m = /^arn:([^:]*):([^:]*):([^:]*):([^:]*):(.*)$/s.exec(arn);
  if (!m) {
    if (/^arn:[^:]*:[^:]*/.test(arn) && wild(arn) && !arn.includes(REF)) return 'wildcards the whole ARN';
    return undefined;
  }
  const [, , service, , account, res] = m;
  if (wild(service)) return 'wildcards the service';
  // S3 ARNs carry no account; every other service names one
  if (service !== 's3' && wild(account)) return 'wildcards the account';
  const first = (sep: RegExp): string => res.split(sep)[0];
  let named: string[];
  switch (service) {
    case 'execute-api': named = [first(/\//)]; break; // {api-id}/{stage}/{method}/{path}
    case 's3': named = [first(/\//)]; break; // bucket[/key]
    case 'sns': case 'sqs': named = [res]; break;
    case 'events': { const seg = res.split('/'); named = seg.length >= 2 ? seg.slice(1) : [res]; break; } // rule/[bus/]name
    case 'logs': { const seg = res.split(':'); named = seg[0] === 'log-group' ? [seg[1] ?? ''] : [res]; break; } // log-group:name[:*]
    case 'elasticloadbalancing': { const seg = res.split('/'); named = [seg[1] ?? res]; break; } // targetgroup/{name}/{id}: the name is unique
    case 'cognito-idp': case 'iot': case 'cloudfront': case 'scheduler': { const seg = res.split('/'); named = seg.slice(1).length ? seg.slice(1) : [res]; break; }
    case 'cloudwatch': { const seg = res.split(':'); named = seg.length >= 2 ? seg.slice(1) : [res]; break; } // alarm:name
    default: named = res === '*' ? ['*'] : []; // unknown formats: only a bare `*`
  }
  if (named.some((n) => n === '' ? false : wild(n))) return service === 'execute-api' ? 'wildcards the API id' : 'wildcards the resource name';
  return undefined;
}

export const broadSourceArn: Rule = {
  meta: {
    id: 'broad-source-arn',
    severity: 'warning',
    kind: 'exposure',
    title: 'source_arn wildcards the resource or the account, so other resources can invoke the function.',
    docs: `\`source_arn\` (JSON: the \`aws:SourceArn\` condition) wildcards the part of the ARN that names the
resource or the account: \`arn:aws:execute-api:us-east-1:123456789012:*/*/*\` (any API),
\`arn:aws:execute-api:*:*:*\`, \`arn:aws:s3:::*\` (any bucket of anyone), \`arn:aws:sns:us-east-1:*:orders\`
(a topic named orders in any account). Wildcards after the API id (\`/{stage}/{method}/{path}\`)
are normal and fine.

Fix: when the folder wires exactly one invoker of the principal's service to the function,
replace the ARN with that invoker's exact expression (a preferred fix).`,
  },
  check(ctx) {
    for (const p of lambdaPermissions(ctx.facts)) {
      if (!present(p.sourceArn)) continue;
      const f = p.sourceArn;
      const arn = arnText(f.value);
      if (arn === undefined) continue;
      const why = broadReason(arn);
      if (!why) continue;
      const file = fileOf(ctx, f.file);
      if (!file) continue;
      const fixes: FixSpec[] = [];
      const inv = soleInvokerFor(ctx.facts, p);
      if (inv) {
        // HCL takes the expression; Terraform JSON and heredoc JSON take the template string;
        // a plain .json policy cannot hold a Terraform reference.
        const hcl = file.kind === 'tf' && p.origin === 'tf';
        if (!(file.kind === 'json' && inv.json.includes('${'))) {
          const edit = replaceField(file, f, hcl ? inv.hcl : quote(inv.json));
          if (edit) fixes.push({ title: `Replace with the source ARN of ${inv.invoker}`, preferred: f.file === p.file, edits: [edit] });
        }
      }
      const principal = principalOf(p);
      const partition = /^arn:([a-z-]+):/.exec(arn)?.[1] ?? 'aws';
      const fmt = principal && isServicePrincipal(principal) ? SOURCE_ARN_FORMATS[serviceOf(principal)]?.replace(/^arn:aws:/, `arn:${partition}:`) : undefined;
      if (!fixes.length && fmt) {
        const plain = quote(snippetToText(fmt));
        const edit = replaceField(file, f, plain);
        if (edit) fixes.push({ title: `Replace with a ${serviceOf(principal!)} ARN of one resource`, preferred: false, edits: [edit], snippet: '"' + fmt + '"' });
      }
      const key = p.origin === 'tf' && p.resource ? 'source_arn' : 'aws:SourceArn condition';
      const where = p.origin === 'tf' && p.resource ? `aws_lambda_permission.${p.resource.name}` : p.statement ? `the statement in ${holderOf(p.statement.doc)}` : 'the statement';
      const fn = permFnNames(ctx.facts, p);
      ctx.report({
        file: f.file, span: f.span,
        message: `Broad ${key}: resources other than the intended invoker can invoke ${fn.name} (${where}${fn.addr ? ` on ${fn.addr}` : ''}). It ${why}.`,
        fixes, suppressTarget: p.resource && p.resource.file.path === f.file ? p.resource.block.span : undefined,
      });
    }
  },
};
