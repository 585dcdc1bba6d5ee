import type { FixSpec, Rule } from './rule';
import type { PolicyDoc, Statement } from '../model/policy';
import type { Facts } from '../model/facts';
import { soleToken } from '../model/value';
import { wiringOf } from '../model/wiring';
import { allowIdentityStatements, arnText, fileOf, inList, known, REF, replaceField, rolesOfDoc } from './common';
import { grantsFunctionAction, grantsInvoke, notActionExcludesLambda } from './lambda-actions';
import { boundaryDocs, boundaryNote } from './boundary';
import { holderOf } from './names';
import type { Span } from '../model/ast';
import { attr } from '../model/ast';

const wild = (s: string): boolean => /[*?]/.test(s);

/** Why a resource pattern covers every function (or every function matching a pattern); undefined when it names one. */
export function wildcardReason(res: string): { why: string; qualified: boolean } | undefined {
  if (res === '*') return { why: 'every resource', qualified: false };
  const m = /^arn:([^:]*):([^:]*)(?::(.*))?$/s.exec(res);
  if (!m) return undefined;
  const [, , service, rest] = m;
  if (service.includes(REF)) return undefined;
  if (wild(service)) {
    const re = new RegExp('^' + service.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$', 'i');
    return re.test('lambda') && (rest === undefined || wild(rest)) ? { why: 'every resource of every service', qualified: false } : undefined;
  }
  if (service.toLowerCase() !== 'lambda') return undefined;
  if (rest === undefined) return undefined;
  const parts = rest.split(':'); // region, account, type, name, qualifier
  if (parts.length < 4) {
    // arn:aws:lambda:*  /  arn:aws:lambda:us-east-1:*
    const tail = parts[parts.length - 1];
    return wild(tail) && !tail.includes(REF) ? { why: 'every Lambda resource', qualified: false } : undefined;
  }
  const type = parts[2], name = parts[3];
  if (type.includes(REF) || name.includes(REF) && !wild(name)) return undefined;
  if (wild(type)) return { why: 'every Lambda resource', qualified: false };
  if (type !== 'function') return undefined;
  if (wild(name)) return { why: name === '*' ? 'every function' : `every function named ${name.replace(/\u0000/g, '…')}`, qualified: parts.length >= 5 };
  return undefined;
}

/** Can the statement's resources include a Lambda resource? (false when every one is a known ARN of another service) */
export function mayBeLambdaResource(s: Statement): boolean {
  if (s.notResources?.length || !s.resources.length) return true;
  return s.resources.some((r) => {
    const t = arnText(r.value);
    if (t === undefined || t === '*' || !t.startsWith('arn:')) return t === undefined || t.includes(REF) || wild(t);
    const service = /^arn:[^:]*:([^:]*)/.exec(t)?.[1] ?? '';
    if (service.includes(REF) || service.toLowerCase() === 'lambda') return true;
    return wild(service) && new RegExp('^' + service.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$', 'i').test('lambda');
  });
}

/** The written NotResource value of a statement (its whole list), when in the statement's file. */
function notResourceSpan(s: Statement): Span | undefined {
  const items = s.notResources ?? [];
  if (!items.length || items.some((x) => x.file !== s.file)) return undefined;
  if (s.block) return attr(s.block, 'not_resources')?.value.span;
  if (s.json) {
    const v = s.json.node.children?.find((c) => c.children?.[0]?.value === 'NotResource')?.children?.[1];
    return v ? { start: s.json.base + v.offset, end: s.json.base + v.offset + v.length } : undefined;
  }
  if (s.expr && s.expr.t === 'obj') return s.expr.items.find((i) => i.keyName === 'NotResource')?.value.span;
  return { start: items[0].span.start, end: items[items.length - 1].span.end };
}

function grantsLambda(s: Statement): { any: boolean; invoke: boolean } {
  const texts = s.actions.map(known).filter((x): x is string => x !== undefined);
  let any = texts.some(grantsFunctionAction);
  let invoke = texts.some(grantsInvoke);
  if (s.notActions && s.notActions.length) {
    const nt = s.notActions.map(known);
    if (nt.every((x) => x !== undefined) && !notActionExcludesLambda(nt as string[])) { any = true; invoke = true; }
  }
  return { any, invoke };
}

/**
 * The ARN reference of the one function that the API Gateway integrations using this policy's
 * role (as `credentials`) target, e.g. `aws_lambda_function.orders.arn`; undefined unless exactly one.
 */
function soleCredentialTarget(facts: Facts, doc: PolicyDoc): string | undefined {
  const roles = new Set(rolesOfDoc(facts, doc));
  if (!roles.size) return undefined;
  const refs = new Set<string>();
  for (const t of wiringOf(facts).triggers) {
    if (!t.credentials) continue;
    const role = soleToken(t.credentials.value)?.resource;
    if (!role || !roles.has(role)) continue;
    if (t.fn.k !== 'fn') return undefined;
    const q = t.fn.qual;
    if (q.k === 'none') refs.add(`${t.fn.ref}.arn`);
    else if (q.k === 'alias' && !q.alias.multi) refs.add(`${q.alias.address}.arn`);
    else return undefined;
  }
  return refs.size === 1 ? [...refs][0] : undefined;
}

export const wildcardLambdaResource: Rule = {
  meta: {
    id: 'wildcard-lambda-resource',
    severity: 'warning',
    kind: 'exposure',
    title: 'An IAM policy grants a Lambda action on every function (Resource "*" or a function-name wildcard).',
    docs: `An \`Allow\` statement grants a Lambda action (\`lambda:*\`, \`lambda:Invoke*\`, \`lambda:InvokeFunction\`, ...) on
\`Resource: "*"\`, \`arn:aws:lambda:*\`, or an ARN whose function-name part has a wildcard
(\`arn:aws:lambda:*:*:function:*\`, \`...:function:orders-*:*\`): every function of the account (or
every function matching the pattern), not the one the caller needs. A named function with a
wildcard region or account (\`arn:aws:lambda:*:*:function:orders\`) is not reported; neither are
account-level actions such as \`lambda:ListFunctions\`, which only take \`"*"\`. \`NotResource\` with Lambda
actions in an \`Allow\` statement grants every function but the few listed: reported on the
\`NotResource\` value (unless it excludes every function). A policy used only as a permissions
boundary grants nothing: reported as \`info\` at most, saying so.

Fix: replace the resource with the function's ARN: one suggestion per function of the folder
(\`aws_lambda_function.orders.arn\`; first the one an integration using the policy's role targets),
or, when there is none to offer (a \`.json\` policy file, a folder without functions), a snippet
\`arn:aws:lambda:\${region}:\${account}:function:\${name}\`.
When the grant covers aliases or versions too, the \`:*\` form is added beside it.`,
  },
  check(ctx) {
    const bounds = boundaryDocs(ctx.facts);
    for (const { doc, s } of allowIdentityStatements(ctx.facts)) {
      const g = grantsLambda(s);
      if (!g.any) continue;
      const boundary = bounds.get(doc);
      const note = boundary ? boundaryNote(boundary) : '';
      const atMost = boundary ? 'info' as const : undefined;
      const holder = holderOf(doc);
      if (s.notResources?.length) {
        // every function but the few listed (none when a listed pattern excludes every function, or may)
        const texts = s.notResources.map((r) => arnText(r.value));
        const oneFn = (v: Statement['resources'][number]['value']): boolean => { const k = soleToken(v); return !!k?.resource && /^aws_lambda_(function|alias)\./.test(k.resource) && /^(qualified_)?arn$/.test(k.attr ?? ''); };
        const all = texts.some((t, i) => t === undefined || t.includes(REF) && !t.startsWith('arn:') && !oneFn(s.notResources![i].value) || ['every resource', 'every Lambda resource', 'every resource of every service', 'every function'].includes(wildcardReason(t)?.why ?? ''));
        const span = notResourceSpan(s);
        if (!all && span) ctx.report({ file: s.file, span, message: `Lambda actions on every resource but a few in ${holder}: the statement grants them on every resource except ${s.notResources.map((r, i) => oneFn(r.value) ? soleToken(r.value)!.ref : texts[i]!.replace(/\u0000/g, '…')).join(', ')} (NotResource), not on the function the caller needs.` + note, atMost });
      }
      for (const r of s.resources) {
        const t = arnText(r.value);
        if (t === undefined) continue;
        const w = wildcardReason(t);
        if (!w) continue;
        const file = fileOf(ctx, r.file);
        if (!file) continue;
        const fixes: FixSpec[] = [];
        const partition = /^arn:([a-z-]+):/.exec(t)?.[1] ?? 'aws';
        const base = `arn:${partition}:lambda:`;
        const plain = `${base}region:account:function:name`;
        const snip = `${base}\${1:region}:\${2:account}:function:\${3:name}`;
        const both = w.qualified && g.invoke;
        const list = inList(file, r.span);
        const text = both ? (list ? `"${plain}", "${plain}:*"` : `["${plain}", "${plain}:*"]`) : `"${plain}"`;
        const snippet = both ? (list ? `"${snip}", "${base}$1:$2:function:$3:*"` : `["${snip}", "${base}$1:$2:function:$3:*"]`) : `"${snip}"`;
        // the functions of the folder, one fix each (the integration's target first); never a guess
        const target = soleCredentialTarget(ctx.facts, doc);
        const refs = file.kind === 'tf' || file.kind === 'tfjson' ? [...new Set([...(target ? [target] : []), ...ctx.module.ofType('aws_lambda_function').filter((f) => !f.multi).map((f) => `${f.address}.arn`)])].slice(0, 8) : [];
        for (const ref of refs) {
          // HCL (jsonencode, policy documents in .tf) takes the reference; JSON strings (heredocs, .tf.json) a template
          const hcl = file.kind === 'tf' && doc.style !== 'heredoc';
          const one = hcl ? ref : `"\${${ref}}"`;
          const star = `"\${${ref}}:*"`;
          const refText = both ? (list ? `${one}, ${star}` : `[${one}, ${star}]`) : one;
          const e = replaceField(file, r, refText);
          if (e) fixes.push({ title: `Replace with ${ref}`, preferred: false, edits: [e] });
        }
        // no function to offer (a .json policy, a folder without functions): the ARN format to fill in
        const edit = refs.length ? undefined : replaceField(file, r, text);
        if (edit) fixes.push({ title: 'Replace with the function ARN', preferred: false, edits: [edit], snippet });
        ctx.report({ file: r.file, span: r.span, message: `Lambda actions on ${w.why} in ${holder}: the statement grants them on ${t === '*' ? '"*"' : t.replace(/\u0000/g, '…')}, not on the function the caller needs.` + note, fixes, atMost });
      }
    }
  },
};
