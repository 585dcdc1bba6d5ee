import type { FixSpec, Rule } from './rule';
import type { Permission } from '../model/facts';
import { attr } from '../model/ast';
import { verdictOf, wiringOf } from '../model/wiring';
import { fnNames } from './names';
import { fnLabel, invokerLabel, permissionEditFor, related, usedNames } from './outage';

/** CloudFormation: the permissions that exist only under a condition the trigger is not under. */
/** ` whenever it exists (aws_lambda_permission.x exists only under condition C)` for permissions under another CloudFormation condition. */
export function conditionNote(perms: Permission[] | undefined): string {
  const names = (perms ?? []).map((p) => { const c = p.resource && attr(p.resource.block, 'cfn_condition'); return c && c.value.t === 'lit' ? `${p.resource!.address} exists only under condition ${String(c.value.value)}` : undefined; }).filter(Boolean);
  return names.length ? ` whenever it exists (${names.join('; ')})` : '';
}

export const missingInvokePermission: Rule = {
  meta: {
    id: 'missing-invoke-permission',
    severity: 'error',
    kind: 'outage',
    title: 'A trigger points at a Lambda function, but no permission lets its service invoke it.',
    docs: `A trigger of the folder (API Gateway integration or authorizer, HTTP/WebSocket API integration
or REQUEST authorizer, S3 bucket notification, SNS subscription, EventBridge target, CloudWatch Logs
subscription filter, ALB target group attachment (\`aws_alb_*\` names too), Cognito user pool trigger,
IoT topic rule, an operation of an OpenAPI \`body\` of a REST or HTTP API whose
\`x-amazon-apigateway-integration\` \`uri\` invokes a function) names a Lambda function of the folder, and no \`aws_lambda_permission\` (or resource-policy statement) lets that
service invoke it. Every invocation fails: API Gateway answers 500 "Invalid permissions on Lambda
function", S3/SNS/EventBridge deliveries are dropped.

A function wired to several invokers of one service (two topics, two log groups, two buckets, two
rules) needs each of them covered: the uncovered one is reported here, and the permission that serves
the other is left alone. HTTP and WebSocket routes are matched route by route (any route key, e.g.
\`sendMessage\`); an integration shared by several routes needs every route covered. A permission
without \`function_name\` or \`principal\`, or naming a resource that does not exist, grants nothing
(one being typed, in a block the parser had to recover, is unknown). A principal with unknown parts
is decided from its known ones: \`"logs.\${data.aws_region.current.name}.amazonaws.com"\` never covers
an S3 trigger.

Integrations with \`credentials\` (an IAM role) need no resource policy: see \`credentials-role-cannot-invoke\`.
Nothing is reported when the trigger, the function or any permission that could apply is unknown
(outputs of modules that are not followed, variables without a value, data sources), or when a
\`module\` block whose source is not followed (not installed) is handed the function (the module may
grant the permission). Followed modules (local sources, installed registry modules) are part of the
configuration: a trigger in the root and a permission in a child meet.

Fix: insert a complete \`aws_lambda_permission\` block after the trigger, with \`statement_id\`, \`action\`,
\`function_name\`, \`principal\`, \`source_arn\` (the invoker's ARN) and, for aliases, \`qualifier\`.`,
  },
  check(ctx) {
    const w = wiringOf(ctx.facts);
    const reserved = usedNames(w);
    // triggers that one permission serves (same function, qualifier, principal and invoker): one preferred fix for the group
    const groups = new Set<string>();
    for (const t of w.triggers) {
      if (t.fn.k !== 'fn') continue;
      const v = verdictOf(w, t);
      if (v.k !== 'missing') continue;
      const file = ctx.file(t.resource.file.path);
      const fixes: FixSpec[] = [];
      const group = [t.fn.ref, fnLabel(t.fn), t.service, t.invoker?.hcl ?? t.resource.address].join('|');
      const first = !groups.has(group);
      groups.add(group);
      const add = permissionEditFor(w, t, file, reserved);
      const fn = fnNames(ctx.facts, t.fn);
      if (add) fixes.push({ title: add.title, preferred: add.preferred && first, edits: [add.edit] });
      ctx.report({
        file: t.fnField.file, span: t.fnField.span,
        message: `No permission lets ${invokerLabel(t)} invoke ${fn.name}: ${t.effect}. No aws_lambda_permission${fn.addr ? ` on ${fn.addr}` : ''} grants ${t.principal}${t.fn.qual.k === 'alias' ? ' on the alias' : ''}${conditionNote(v.conditional)}.`,
        fixes, related: related(t), suppressTarget: t.resource.block.span,
      });
    }
  },
};
