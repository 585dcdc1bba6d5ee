import type { FixSpec, Rule } from './rule';
import type { Permission } from '../model/facts';
import { text } from '../model/facts';
import { soleInvokerFor, triggersServedBy, verdictOf, wiringOf, type Trigger, type Wiring } from '../model/wiring';
import { arnLikeItems, arnService, opaqueAtom, type Atom, type SymItem } from '../model/arn';
import { isServicePrincipal, serviceOf } from '../model/principals';
import { replaceSpan } from '../fix/edits';
import { fnLabel, invokerLabel, permRelated, related } from './outage';
import { holderOf, permFnNames } from './names';

const g = (id: string, forbid = ':/*?'): Atom => ({ id: 'generic#' + id, cls: 'generic-' + id, forbid, distinct: false, opaque: false });
const P = g('partition'), R = g('region'), A = g('account');

/** The ARNs each service presents as source ARN, with every part unknown. */
const GENERIC: Record<string, { arn: string; forms: SymItem[][] }> = {
  apigateway: {
    arn: 'execute-api',
    forms: [
      ['arn:', P, ':execute-api:', R, ':', A, ':', g('api'), '/', g('stage', ':/'), '/', g('method', ':/'), '/', opaqueAtom('generic#path')],
      ['arn:', P, ':execute-api:', R, ':', A, ':', g('api'), '/', g('stage', ':/'), '/', g('route', ':/')],
      ['arn:', P, ':execute-api:', R, ':', A, ':', g('api'), '/authorizers/', g('auth')],
    ],
  },
  s3: { arn: 's3', forms: [['arn:', P, ':s3:::', g('bucket')]] },
  sns: { arn: 'sns', forms: [['arn:', P, ':sns:', R, ':', A, ':', g('topic')]] },
  events: { arn: 'events', forms: [['arn:', P, ':events:', R, ':', A, ':rule/', g('rule', ':*?')]] },
  logs: { arn: 'logs', forms: [['arn:', P, ':logs:', R, ':', A, ':log-group:', opaqueAtom('generic#loggroup')]] },
  'cognito-idp': { arn: 'cognito-idp', forms: [['arn:', P, ':cognito-idp:', R, ':', A, ':userpool/', g('pool')]] },
  iot: { arn: 'iot', forms: [['arn:', P, ':iot:', R, ':', A, ':rule/', g('rule')]] },
  elasticloadbalancing: { arn: 'elasticloadbalancing', forms: [['arn:', P, ':elasticloadbalancing:', R, ':', A, ':targetgroup/', g('tg', ':*?')]] },
  'lambda.alarms.cloudwatch': { arn: 'cloudwatch', forms: [['arn:', P, ':cloudwatch:', R, ':', A, ':alarm:', g('alarm', ':*?')]] },
};

/** Why a permission's source ARN can never match any invoker of its service; undefined when it may. */
function impossible(w: Wiring, p: Permission): string | undefined {
  const principal = text(p.principal);
  if (!principal || !isServicePrincipal(principal) || !p.sourceArn) return undefined;
  const svc = serviceOf(principal);
  const gen = GENERIC[svc];
  if (!gen) return undefined;
  const items = w.items(p.sourceArn.value);
  if (!items) return undefined;
  if (gen.forms.some((f) => arnLikeItems(items, f) !== 'no-match')) return undefined;
  const lit = items.every((i) => typeof i === 'string') ? items.join('') : undefined;
  if (lit !== undefined && !lit.startsWith('arn:') && !/^[*?]/.test(lit)) return `source_arn ${JSON.stringify(lit)} is not an ARN (${principal} invokes with ${gen.arn} ARNs)`;
  const s = arnService(items);
  if (s && s !== gen.arn) {
    const what = s === 'apigateway' ? 'an API Gateway control-plane (apigateway) ARN' : `an ${s} ARN`;
    return `source_arn is ${what}, but ${principal} invokes with ${gen.arn} ARNs`;
  }
  if (svc === 'apigateway') return `source_arn has no /{stage}/{method}/{path} part, but the pattern must match the whole invocation ARN ({api-id}/{stage}/{method}/{path})`;
  return `source_arn can never match the ${gen.arn} ARN ${principal} invokes with`;
}

function replaceFix(ctx: Parameters<Rule['check']>[0], p: Permission, inv: { hcl: string; json: string; invoker: string }, preferred: boolean): FixSpec {
  const file = ctx.file(p.sourceArn!.file);
  const newText = p.origin === 'tf' && file.kind === 'tf' ? inv.hcl : JSON.stringify(inv.json);
  return { title: `Set source_arn to ${inv.hcl}`, preferred, edits: [replaceSpan(file, p.sourceArn!.span, newText)] };
}

export const sourceArnMismatch: Rule = {
  meta: {
    id: 'source-arn-mismatch',
    severity: 'error',
    kind: 'outage',
    title: "A permission's source_arn can never match the invoker, so invocations still fail.",
    docs: `A permission exists for the function and the trigger's service, but its \`source_arn\` can never
match the invoker's ARN, so the trigger still gets "Invalid permissions on Lambda function":
- an \`execute-api\` ARN without the \`/{stage}/{method}/{path}\` part, e.g.
  \`source_arn = aws_api_gateway_rest_api.api.execution_arn\` without \`/*/*\`: the pattern must match the whole invocation ARN;
- an ARN of another service than the principal's (\`apigateway.amazonaws.com\` with a control-plane
  \`arn:aws:apigateway:...\` ARN, \`s3.amazonaws.com\` with anything but \`arn:aws:s3:::\`);
- an ARN of another resource than the one wired to the function (the permission names API \`admin\`,
  the integration is on API \`api\`), when no other permission covers the wired invoker and the
  permission serves no other invoker of the function (one that does is right: the uncovered trigger
  is a \`missing-invoke-permission\`);
- an authorizer's permission whose \`source_arn\` ends in a literal route or method (\`/*/connect\`,
  \`/*/$connect\`, \`/*/GET/*\`): it never matches \`{api}/authorizers/{id}\`.

Fix: replace \`source_arn\` with the wired invoker's expression.`,
  },
  check(ctx) {
    const w = wiringOf(ctx.facts);
    const done = new Set<Permission>();
    for (const t of w.triggers) {
      const v = verdictOf(w, t);
      if (v.k !== 'source-mismatch') continue;
      for (const p of v.perms) {
        if (done.has(p) || !p.sourceArn) continue;
        done.add(p);
        report(ctx, w, p, t);
      }
    }
    for (const p of ctx.facts.permissions) {
      if (done.has(p) || !p.sourceArn) continue;
      const why = impossible(w, p);
      if (!why) continue;
      done.add(p);
      const fixes: FixSpec[] = [];
      const inv = soleInvokerFor(ctx.facts, p);
      if (inv) fixes.push(replaceFix(ctx, p, inv, true));
      else if (why.includes('/{stage}/')) {
        const file = ctx.file(p.sourceArn.file);
        const e = p.sourceArn.value.src;
        if (p.origin === 'tf' && e?.t === 'trav' && file.kind === 'tf') {
          const ref = file.text.slice(e.span.start, e.span.end);
          fixes.push({ title: `Set source_arn to "\${${ref}}/*/*"`, preferred: true, edits: [replaceSpan(file, p.sourceArn.span, `"\${${ref}}/*/*"`)] });
        } else if (file.text[p.sourceArn.span.end - 1] === '"' && (p.origin === 'json' || e?.t === 'lit' || (e?.t === 'tmpl' && !e.heredoc))) {
          fixes.push({ title: 'Append /*/* to source_arn', preferred: true, edits: [{ file: file.path, start: p.sourceArn.span.end - 1, end: p.sourceArn.span.end - 1, newText: '/*/*' }] });
        }
      }
      const who = p.resource ? p.resource.address : p.statement ? `the statement in ${holderOf(p.statement.doc)}` : 'the resource-policy statement';
      const fn = permFnNames(ctx.facts, p);
      ctx.report({ file: p.sourceArn.file, span: p.sourceArn.span, message: `Permission can never be used for ${fn.name}: its ${why}; every invocation by ${text(p.principal)} will be denied (${who}${fn.addr ? ` on ${fn.addr}` : ''}).`, fixes, related: [permRelated(p)], suppressTarget: p.resource?.block.span });
    }
  },
};

function report(ctx: Parameters<Rule['check']>[0], w: Wiring, p: Permission, t: Trigger): void {
  const fixes: FixSpec[] = [];
  if (t.invoker) {
    const others = triggersServedBy(w, p).filter((x) => x !== t);
    fixes.push(replaceFix(ctx, p, t.invoker, others.length === 0));
  }
  const who = p.resource ? p.resource.address : p.statement ? `the statement in ${holderOf(p.statement.doc)}` : 'the resource-policy statement';
  const inv = invokerLabel(t);
  const arnOf = t.invoker ? t.invoker.invoker : t.invokerName;
  ctx.report({
    file: p.sourceArn!.file, span: p.sourceArn!.span,
    message: `source_arn never matches ${inv}: ${t.effect} (${who} → ${fnLabel(t.fn)}${inv.endsWith(' ' + arnOf) ? '' : `; the ARN of ${arnOf}`}).`,
    fixes, related: [permRelated(p), ...related(t)], suppressTarget: p.resource?.block.span,
  });
}
