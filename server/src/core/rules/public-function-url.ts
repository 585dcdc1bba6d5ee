import type { FixSpec, Rule } from './rule';
import { attr } from '../model/ast';
import { wiringOf } from '../model/wiring';
import { fnNames, holderOf, permFnNames } from './names';
import { fileOf, functionUrlGrant, isPublicPrincipal, known, lambdaPermissions, quote, replaceField } from './common';

export const publicFunctionUrl: Rule = {
  meta: {
    id: 'public-function-url',
    severity: 'info',
    kind: 'exposure',
    title: 'A Lambda function URL is public (authorization type NONE).',
    peerSuppressions: ['checkov:skip=CKV_AWS_258'],
    docs: `An \`aws_lambda_function_url\` with \`authorization_type = "NONE"\`, or a permission that makes a
function URL public: principal \`"*"\` with \`lambda:InvokeFunctionUrl\` and
\`function_url_auth_type = "NONE"\`, or with \`lambda:InvokeFunction\` and \`invoked_via_function_url = true\`
(JSON: conditions \`lambda:FunctionUrlAuthType\` / \`lambda:InvokedViaFunctionUrl\`).

Anyone on the internet can call the function. That is sometimes the intent (a webhook, a public
API): then suppress the finding with \`# lpg-ignore: public-function-url -- public webhook\`.

Fix (suggestion): set \`authorization_type = "AWS_IAM"\` and sign the requests.`,
  },
  check(ctx) {
    for (const r of ctx.module.ofType('aws_lambda_function_url')) {
      const a = attr(r.block, 'authorization_type');
      if (!a) continue;
      const v = ctx.module.evaluate(a.value);
      if (known({ value: v, file: r.file.path, span: a.value.span }) !== 'NONE') continue;
      const fixes: FixSpec[] = [];
      // only a literal written here: a variable's default may serve other callers
      const edit = a.value.t === 'lit' || (a.value.t === 'tmpl' && a.value.parts.every((x) => x.k === 'text')) ? replaceField(r.file, { value: v, file: r.file.path, span: a.value.span }, quote('AWS_IAM')) : undefined;
      if (edit) fixes.push({ title: 'Set authorization_type = "AWS_IAM"', preferred: false, edits: [edit] });
      const fna = attr(r.block, 'function_name');
      const fn = fnNames(ctx.facts, fna && !r.multi ? wiringOf(ctx.facts).resolveFn(ctx.module.evaluate(fna.value)) : { k: 'unknown' });
      ctx.report({
        file: r.file.path, span: a.value.span,
        message: `Public function URL: anyone on the internet can invoke ${fn.name}. aws_lambda_function_url.${r.name} has authorization_type "NONE"${fn.addr ? ` (${fn.addr})` : ''}.`,
        fixes, suppressTarget: r.block.span,
      });
    }
    for (const p of lambdaPermissions(ctx.facts)) {
      if (!isPublicPrincipal(p)) continue;
      const g = functionUrlGrant(p);
      if (!g) continue;
      const where = p.origin === 'tf' && p.resource ? `aws_lambda_permission.${p.resource.name}` : p.statement ? `the statement in ${holderOf(p.statement.doc)}` : 'the statement';
      const fn = permFnNames(ctx.facts, p);
      const on = fn.addr ? ` on ${fn.addr}` : '';
      const fixes: FixSpec[] = [];
      if (g.kind === 'url') {
        const file = fileOf(ctx, g.marker.file);
        const edit = file && replaceField(file, g.marker, quote('AWS_IAM'));
        if (edit) fixes.push({ title: p.origin === 'tf' ? 'Set function_url_auth_type = "AWS_IAM"' : 'Set lambda:FunctionUrlAuthType to "AWS_IAM"', preferred: false, edits: [edit] });
        ctx.report({
          file: g.marker.file, span: g.marker.span,
          message: `Public function URL: anyone can invoke ${fn.name} without authentication (${where}${on}). It grants lambda:InvokeFunctionUrl to "*" with auth type "NONE".`,
          fixes, suppressTarget: p.resource && p.resource.file.path === g.marker.file ? p.resource.block.span : undefined,
        });
      } else {
        const f = p.principal!;
        ctx.report({
          file: f.file, span: f.span,
          message: `Public function URL: anyone can invoke ${fn.name} through its function URL (${where}${on}). It grants lambda:InvokeFunction to principal "*" via the URL.`,
          fixes, suppressTarget: p.resource && p.resource.file.path === f.file ? p.resource.block.span : undefined,
        });
      }
    }
  },
};
