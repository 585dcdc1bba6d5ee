import { cfnAddStatement } from '../frontends/cfn/writer';
import type { FixSpec, Rule, RuleContext, SpanEdit } from './rule';
import type { PolicyDoc, Statement, Field } from '../model/policy';
import type { ModuleIndex, Resource } from '../model/module';
import { knownString, soleToken, type Token, type Value } from '../model/value';
import { actionLike, and3, or3, type Tri } from '../model/arn';
import { wiringOf, type Trigger, type Wiring } from '../model/wiring';
import { eolOf } from '../text';
import { indentAt, indentUnit, insertBlockAfter, jsonInsertIntoObject, lineEndOf } from '../fix/edits';
import { fnLabel, headerSpan, invokerLabel, related } from './outage';
import { fnNames } from './names';
import { attr } from '../model/ast';

/** `credentials = aws_iam_role.x.arn` (or a literal role ARN naming a folder role) -> the role's address. */
function roleOf(mi: ModuleIndex, v: Value): string | undefined {
  const t = soleToken(v);
  if (t?.resource?.startsWith('aws_iam_role.') && t.attr === 'arn' && t.key === undefined && mi.resources.has(t.resource) && !mi.resources.get(t.resource)!.multi) return t.resource;
  const lit = knownString(v);
  const m = lit ? /^arn:[^:]+:iam::[0-9]{12}:role\/(?:.*\/)?([^/]+)$/.exec(lit) : null;
  if (m) {
    const hits = mi.ofType('aws_iam_role').filter((r) => !r.multi && knownString(mi.evaluate(attr(r.block, 'name')?.value)) === m[1]);
    if (hits.length === 1) return hits[0].address;
  }
  return undefined;
}

function fieldsAction(fs: Field[], action: string): Tri {
  return or3(...fs.map((f): Tri => { const s = knownString(f.value); return s === undefined ? 'unknown' : actionLike(s, action) ? 'match' : 'no-match'; }));
}

/** Does the statement grant `action` on the value ARN? */
function stmtGrants(w: Wiring, s: Statement, action: string, resource: Value | undefined, principal?: string): Tri {
  const act = s.notActions ? 'unknown' : fieldsAction(s.actions, action);
  let res: Tri = 'match';
  if (resource) res = s.notResources ? 'unknown' : or3(...s.resources.map((r) => w.arnLike(r.value, resource)));
  let pr: Tri = 'match';
  if (principal) {
    if (s.principalStar) pr = knownString(s.principalStar.value) === '*' ? 'match' : 'unknown';
    else pr = or3(...s.principals.map((p): Tri => {
      const t = knownString(p.value.value);
      if (t === undefined) return 'unknown';
      if (p.type === 'AWS' && t === '*') return 'match';
      return p.type === 'Service' && t === principal ? 'match' : 'no-match';
    }));
  }
  const base = and3(act, res, pr);
  if (base === 'match' && s.conditions.length) return 'unknown';
  return base;
}

/** Allowed by the Allow statements and not possibly denied. */
function docsAllow(w: Wiring, docs: PolicyDoc[], action: string, resource: Value | undefined, principal?: string): Tri {
  const stmts = docs.flatMap((d) => d.statements);
  const allow = or3(...stmts.filter((s) => (s.effect ?? 'Allow') === 'Allow').map((s) => stmtGrants(w, s, action, resource, principal)));
  if (allow === 'no-match') return allow;
  const deny = stmts.filter((s) => s.effect === 'Deny').map((s) => stmtGrants(w, s, action, resource, principal));
  if (deny.includes('match')) return 'no-match';
  if (deny.includes('unknown')) return 'unknown';
  if (stmts.some((s) => s.effect !== 'Allow' && s.effect !== 'Deny')) return 'unknown';
  return allow;
}

/** The ARN the integration invokes, as a value, and the expression naming it in a policy. */
function fnArn(t: Trigger): { value: Value; hcl: string; json: string } | undefined {
  if (t.fn.k !== 'fn') return undefined;
  const q = t.fn.qual;
  const tok = (ref: string, resource: string, a: string, key?: string): Token => ({ ref, resource, attr: a, key });
  if (q.k === 'none') { const ref = `${t.fn.ref}.arn`; return { value: { k: 'str', parts: [tok(ref, t.fn.fn.address, 'arn', t.fn.key)] }, hcl: ref, json: `\${${ref}}` }; }
  if (q.k === 'alias') { const ref = `${q.alias.address}.arn`; return { value: { k: 'str', parts: [tok(ref, q.alias.address, 'arn')] }, hcl: ref, json: `\${${ref}}` }; }
  if (q.k === 'version') { const ref = `${t.fn.ref}.qualified_arn`; return { value: { k: 'str', parts: [tok(ref, t.fn.fn.address, 'qualified_arn', t.fn.key)] }, hcl: ref, json: `\${${ref}}` }; }
  if (q.k === 'lit') { const ref = `${t.fn.ref}.arn`; return { value: { k: 'str', parts: [tok(ref, t.fn.fn.address, 'arn', t.fn.key), ':' + q.name] }, hcl: `"\${${ref}}:${q.name}"`, json: `\${${ref}}:${q.name}` }; }
  return undefined;
}

/** Adds an Allow lambda:InvokeFunction statement to one of the role's policies it can edit. */
function addStatement(ctx: RuleContext, docs: PolicyDoc[], arn: { hcl: string; json: string }): SpanEdit[] | undefined {
  for (const d of docs) {
    if (d.role === 'trust' || !d.statements.length) continue;
    const file = ctx.module.file(d.file);
    if (file?.kind === 'cfn') {
      // templates: the writer adds the statement in the template's style
      const last = d.statements[d.statements.length - 1];
      const e = last.expr && last.file === d.file ? cfnAddStatement(file, last.expr.span, arn.json) : undefined;
      if (e) return [e];
      continue;
    }
    if (!file || (file.kind !== 'tf' && d.style !== 'json')) continue;
    const text = file.text;
    const eol = eolOf(text);
    const unit = indentUnit(text);
    const last = d.statements[d.statements.length - 1];
    if (d.style === 'jsonencode' && last.expr && last.file === d.file) {
      const end = last.expr.span.end;
      const after = /^\s*(,?)\s*\]/.exec(text.slice(end));
      if (!after) continue;
      const itemText = text.slice(last.expr.span.start, end);
      const indent = indentAt(text, last.expr.span.start);
      const inner = indent + unit;
      const colon = /"Effect"\s*:/.test(itemText);
      const quoted = /"Effect"/.test(itemText);
      const k = (n: string): string => (quoted ? JSON.stringify(n) : n);
      const pairs: [string, string][] = [['Effect', '"Allow"'], ['Action', '"lambda:InvokeFunction"'], ['Resource', arn.hcl]];
      const width = Math.max(...pairs.map(([n]) => k(n).length));
      const body = pairs.map(([n, v]) => (colon ? `${inner}${k(n)}: ${v}` : `${inner}${k(n)}${' '.repeat(width - k(n).length)} = ${v}`)).join(eol);
      const obj = `{${eol}${body}${eol}${indent}}`;
      if (after[1]) {
        const comma = end + text.slice(end).indexOf(',') + 1;
        return [{ file: file.path, start: comma, end: comma, newText: `${eol}${indent}${obj},` }];
      }
      return [{ file: file.path, start: end, end, newText: `,${eol}${indent}${obj}` }];
    }
    if ((d.style === 'heredoc') && d.json) {
      const root = d.json.root;
      const st = root.children?.find((c) => c.children?.[0]?.value === 'Statement')?.children?.[1];
      if (!st || st.type !== 'array') continue;
      const base = d.json.base;
      const member = `{\n${unit}"Effect": "Allow",\n${unit}"Action": "lambda:InvokeFunction",\n${unit}"Resource": ${JSON.stringify(arn.json)}\n}`;
      return [jsonInsertIntoObject(file, base + st.offset, base + st.offset + st.length - 1, member)];
    }
    if (d.style === 'document' && d.owner && last.block) {
      const ind = indentAt(text, last.block.span.start);
      const ind2 = ind + unit;
      const at = lineEndOf(text, last.block.span.end);
      const stmt = [`${ind}statement {`, `${ind2}effect    = "Allow"`, `${ind2}actions   = ["lambda:InvokeFunction"]`, `${ind2}resources = [${arn.hcl}]`, `${ind}}`].join(eol);
      return [{ file: file.path, start: at, end: at, newText: `${eol}${eol}${stmt}` }];
    }
  }
  return undefined;
}

export const credentialsRoleCannotInvoke: Rule = {
  meta: {
    id: 'credentials-role-cannot-invoke',
    severity: 'error',
    kind: 'outage',
    title: "An API Gateway integration's credentials role cannot invoke the function.",
    docs: `An API Gateway integration (or authorizer) sets \`credentials\` to an IAM role of the folder. API Gateway
then calls Lambda as that role, so the role (not a resource policy) must allow it: its policies
(inline, \`aws_iam_role_policy\`, attached \`aws_iam_policy\`, policy documents) must allow
\`lambda:InvokeFunction\` on the target function (the alias ARN for an alias), and its trust policy must
let \`apigateway.amazonaws.com\` assume it. Reported only when every policy of the role is known and the role has at
least one permission policy in the folder.

Fix: add a statement allowing \`lambda:InvokeFunction\` on the function ARN to the role's policy.`,
  },
  check(ctx) {
    const w = wiringOf(ctx.facts);
    const fixed = new Set<string>();
    for (const t of w.triggers) {
      const rv = roleVerdict(w, t);
      if (!rv || rv.k !== 'cannot') continue;
      const { role, roleRes, identity, arn, why } = rv;
      const fixes: FixSpec[] = [];
      if (rv.idOk === 'no-match' && t.fn.k === 'fn') {
        const edits = addStatement(ctx, identity, arn);
        // integrations sharing role and function share one statement: one preferred fix
        const first = !fixed.has(role + '|' + arn.hcl);
        fixed.add(role + '|' + arn.hcl);
        if (edits) fixes.push({ title: `Allow lambda:InvokeFunction on ${arn.hcl} in ${role}'s policy`, preferred: first, edits });
        else if (roleRes.file.kind === 'tf') {
          const f = ctx.file(roleRes.file.path);
          const unit = indentUnit(f.text);
          const block = `resource "aws_iam_role_policy" "${roleRes.name}_invoke_${t.fn.fn.name}" {\n${unit}role = ${role}.id\n${unit}policy = jsonencode({\n${unit}${unit}Version = "2012-10-17"\n${unit}${unit}Statement = [{\n${unit}${unit}${unit}Effect   = "Allow"\n${unit}${unit}${unit}Action   = "lambda:InvokeFunction"\n${unit}${unit}${unit}Resource = ${arn.hcl}\n${unit}${unit}}]\n${unit}})\n}`;
          fixes.push({ title: `Add an aws_iam_role_policy allowing lambda:InvokeFunction to ${role}`, preferred: false, edits: [insertBlockAfter(f, roleRes.block, block)] });
        }
      }
      ctx.report({
        file: t.fnField.file, span: t.fnField.span,
        message: `${rv.idOk === 'no-match' ? `Credentials role ${role} may not invoke ${fnNames(ctx.facts, t.fn).name}` : `API Gateway cannot assume credentials role ${role}`}: ${t.resource.address} (${invokerLabel(t)}) uses the credentials role ${role}, ${why}; ${t.effect}.`,
        fixes, related: related(t, [{ file: roleRes.file.path, span: headerSpan(roleRes.block), message: `role ${role}` }, { file: t.credentials!.file, span: t.credentials!.span, message: 'credentials' }]),
        suppressTarget: t.resource.block.span,
      });
    }
  },
};

/** What the credentials role of an API Gateway trigger decides (the rule above and the wiring graph read it). */
export type RoleVerdict =
  | { k: 'cannot'; role: string; roleRes: Resource; identity: PolicyDoc[]; arn: { value: Value; hcl: string; json: string }; idOk: Tri; why: string }
  | { k: 'permitted'; role: string; roleRes: Resource }
  | { k: 'unknown'; role?: string; roleRes?: Resource; why: string };

/** The verdict of the trigger's credentials role; undefined for a trigger without credentials (a resource policy decides). */
export function roleVerdict(w: Wiring, t: Trigger): RoleVerdict | undefined {
  if (t.fn.k !== 'fn' || !t.credentials || t.service !== 'apigateway') return undefined;
  const mi = w.facts.module;
  const role = roleOf(mi, t.credentials.value);
  if (!role) return { k: 'unknown', why: 'its credentials role is not a role of the folder' };
  const roleRes = mi.resources.get(role)!;
  const { docs, complete } = w.facts.policiesOfRole(role);
  if (!complete) return { k: 'unknown', role, roleRes, why: `not every policy of ${role} is known` };
  if (attr(roleRes.block, 'permissions_boundary')) return { k: 'unknown', role, roleRes, why: `${role} has a permissions boundary` };
  const arn = fnArn(t);
  if (!arn) return { k: 'unknown', role, roleRes, why: 'the invoked qualifier is unknown' };
  const trust = docs.filter((d) => d.role === 'trust' && d.owner?.address === role);
  const identity = docs.filter((d) => d.role !== 'trust');
  // a role without any permission policy in the folder is probably completed elsewhere
  if (!identity.length) return { k: 'unknown', role, roleRes, why: `${role} has no permission policy in the folder` };
  const trustOk: Tri = trust.length ? docsAllow(w, trust, 'sts:AssumeRole', undefined, 'apigateway.amazonaws.com') : 'unknown';
  const idOk = docsAllow(w, identity, 'lambda:InvokeFunction', arn.value);
  if (idOk === 'no-match') return { k: 'cannot', role, roleRes, identity, arn, idOk, why: `whose policies do not allow lambda:InvokeFunction on ${fnLabel(t.fn)}` };
  if (trustOk === 'no-match' && idOk === 'match') return { k: 'cannot', role, roleRes, identity, arn, idOk, why: 'whose trust policy does not let apigateway.amazonaws.com assume it' };
  if (idOk === 'match' && trustOk === 'match') return { k: 'permitted', role, roleRes };
  return { k: 'unknown', role, roleRes, why: idOk !== 'match' ? `it is not known whether the policies of ${role} allow lambda:InvokeFunction on ${fnLabel(t.fn)}` : `it is not known whether the trust policy of ${role} lets apigateway.amazonaws.com assume it` };
}
