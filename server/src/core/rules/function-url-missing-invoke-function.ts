import type { FixSpec, Rule } from './rule';
import { cfnCompanionEdit } from '../frontends/cfn/permission';
import type { Permission } from '../model/facts';
import { text } from '../model/facts';
import { attr, forFixText } from '../model/ast';
import type { Resource } from '../model/module';
import { knownString } from '../model/value';
import { and3, or3, type Tri } from '../model/arn';
import { actionCovers, sameFn, sameQual, wiringOf, type Wiring } from '../model/wiring';
import { indentUnit, insertBlockAfter, jsonInsertIntoObject, jsonText } from '../fix/edits';
import type { SourceFile } from '../model/module';
import type { SpanEdit } from './rule';
import { alignedLines, headerSpan, permRelated } from './outage';
import { fnNames, holderOf } from './names';
import { parseSuppression } from '../suppress';

function urlGrant(p: Permission): 'public' | 'cloudfront' | undefined {
  if (text(p.action)?.toLowerCase() !== 'lambda:invokefunctionurl') return undefined;
  const pr = text(p.principal);
  if (pr === '*' && text(p.functionUrlAuthType) === 'NONE') return 'public';
  if (pr === 'cloudfront.amazonaws.com') return 'cloudfront';
  return undefined;
}

/** Could permission q be the InvokeFunction companion of the URL grant p? */
function companion(w: Wiring, p: Permission, q: Permission): Tri {
  const pf = w.permFn(p), qf = w.permFn(q);
  const fn = sameFn(pf, qf, false);
  const qual = pf.k === 'fn' && qf.k === 'fn' ? sameQual(pf.qual, qf.qual) : 'unknown';
  const pr = text(q.principal);
  const principal: Tri = pr === undefined ? 'unknown' : pr === '*' || pr === text(p.principal) ? 'match' : 'no-match';
  const action = actionCovers(q);
  let source: Tri = 'match';
  if (q.sourceArn) source = p.sourceArn ? w.arnLike(q.sourceArn.value, p.sourceArn.value) : 'unknown';
  return and3(fn, qual, principal, action, source);
}

function companionBlock(w: Wiring, p: Permission): string | undefined {
  return forFixText(() => companionBlockText(w, p));
}
function companionBlockText(w: Wiring, p: Permission): string | undefined {
  const r = p.resource;
  if (!r || r.file.kind !== 'tf') return undefined;
  const src = (name: string): string | undefined => { const a = attr(r.block, name); return a ? r.file.text.slice(a.value.span.start, a.value.span.end) : undefined; };
  const unit = indentUnit(r.file.text);
  const used = new Set(w.facts.module.ofType('aws_lambda_permission').map((x) => x.name));
  let name = `${r.name}_invoke_function`;
  for (let i = 2; used.has(name); i++) name = `${r.name}_invoke_function_${i}`;
  const sid = knownString(w.facts.module.evaluate(attr(r.block, 'statement_id')?.value));
  const lines: string[] = [];
  const iter = attr(r.block, 'for_each') ?? attr(r.block, 'count');
  if (iter) lines.push(`${unit}${iter.name} = ${src(iter.name)}`, '');
  const pairs: [string, string][] = [];
  pairs.push(['statement_id', JSON.stringify(sid ? `${sid}InvokeFunction` : 'AllowInvokeFunctionViaUrl')]);
  pairs.push(['action', '"lambda:InvokeFunction"']);
  for (const n of ['function_name', 'principal', 'source_arn', 'source_account', 'qualifier']) { const s = src(n); if (s !== undefined) pairs.push([n, s]); }
  pairs.push(['invoked_via_function_url', 'true']);
  lines.push(...alignedLines(pairs, unit));
  // the lpg-ignore comments of the grant apply to its companion too (a suppressed public grant stays suppressed)
  const { above, first } = suppressionsOf(r);
  return `${above.map((c) => c + '\n').join('')}resource "aws_lambda_permission" "${name}" {\n${first.map((c) => unit + c + '\n').join('')}${lines.join('\n')}\n}`;
}

/** The lpg-ignore comments of a block: on the lines right above it, and on its body's first lines. */
function suppressionsOf(r: Resource): { above: string[]; first: string[] } {
  const f = r.file, b = r.block;
  const comments = f.syntax?.comments ?? [];
  const isIgnore = (t: string): boolean => { const s = parseSuppression(t); return !!s && !s.fileWide; };
  const above: string[] = [];
  let line = f.lines.positionAt(b.span.start).line;
  for (let i = comments.length - 1; i >= 0; i--) {
    const c = comments[i];
    if (c.span.end > b.span.start) continue;
    if (f.lines.positionAt(c.span.start).line !== line - 1) break;
    line--;
    if (isIgnore(c.text)) above.unshift(c.text.trimEnd());
  }
  const firstItem = Math.min(...[...b.attrs, ...b.blocks].map((x) => x.span.start), b.bodyEnd);
  const first = comments.filter((c) => c.span.start > b.bodyStart && c.span.end <= firstItem && isIgnore(c.text)).map((c) => c.text.trimEnd());
  return { above, first };
}

/** JSON policy file: a copy of the statement with `lambda:InvokeFunction` and the `lambda:InvokedViaFunctionUrl` condition. */
function companionStatement(file: SourceFile, p: Permission): SpanEdit | undefined {
  const s = p.statement;
  if (!s?.json || s.doc.style !== 'json' || s.json.base !== 0 || !s.doc.json) return undefined;
  const node = s.json.node;
  let obj: Record<string, unknown>;
  try { obj = JSON.parse(file.text.slice(node.offset, node.offset + node.length)); } catch { return undefined; }
  const arr = s.doc.json.root.children?.find((c) => c.children?.[0]?.value === 'Statement')?.children?.[1];
  if (!arr || arr.type !== 'array') return undefined;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (k === 'Sid' && typeof v === 'string') out[k] = v + 'InvokeFunction';
    else if (k === 'Action') out[k] = 'lambda:InvokeFunction';
    else if (k === 'Condition') {
      const c: Record<string, Record<string, unknown>> = {};
      for (const [op, kv] of Object.entries((v ?? {}) as Record<string, Record<string, unknown>>)) {
        const rest = Object.fromEntries(Object.entries(kv).filter(([ck]) => ck.toLowerCase() !== 'lambda:functionurlauthtype'));
        if (Object.keys(rest).length) c[op] = rest;
      }
      c.Bool = { ...(c.Bool ?? {}), 'lambda:InvokedViaFunctionUrl': 'true' };
      out[k] = c;
    } else out[k] = v;
  }
  if (!('Condition' in out)) out.Condition = { Bool: { 'lambda:InvokedViaFunctionUrl': 'true' } };
  return jsonInsertIntoObject(file, arr.offset, arr.offset + arr.length - 1, jsonText(out, indentUnit(file.text)));
}

export const functionUrlMissingInvokeFunction: Rule = {
  meta: {
    id: 'function-url-missing-invoke-function',
    severity: 'error',
    kind: 'outage',
    title: 'A function URL grant has lambda:InvokeFunctionUrl but not lambda:InvokeFunction (403 since October 2025).',
    docs: `Since October 2025 a function URL needs two grants in the function's resource policy:
\`lambda:InvokeFunctionUrl\` and \`lambda:InvokeFunction\` (the latter usually limited with
\`invoked_via_function_url = true\`, condition \`lambda:InvokedViaFunctionUrl\`). With only the first, every
request to the URL gets 403 Forbidden (older URLs had an exception until 1 November 2026).
Reported for \`authorization_type = "NONE"\` URLs (principal \`*\`) and CloudFront origin access control
grants (principal \`cloudfront.amazonaws.com\`); with \`AWS_IAM\` the callers' identity policies decide.

Fix: insert the companion permission: same \`function_name\`, \`principal\` (and \`source_arn\`),
\`action = "lambda:InvokeFunction"\`, \`invoked_via_function_url = true\`.`,
  },
  check(ctx) {
    const w = wiringOf(ctx.facts);
    const mi = ctx.module;
    const reportedUrls = new Set<Resource>();
    for (const p of ctx.facts.permissions) {
      const kind = urlGrant(p);
      if (!kind) continue;
      const pf = w.permFn(p);
      if (pf.k !== 'fn') continue;
      const others = ctx.facts.permissions.filter((q) => q !== p && q.action && text(q.action)?.toLowerCase() !== 'lambda:invokefunctionurl');
      if (or3(...others.map((q) => companion(w, p, q))) !== 'no-match') continue;
      if (ctx.facts.permissions.some((q) => q !== p && !q.action)) continue;
      const fixes: FixSpec[] = [];
      const block = companionBlock(w, p);
      if (block && p.resource) fixes.push({ title: `Add the companion lambda:InvokeFunction permission (invoked_via_function_url = true)`, preferred: true, edits: [insertBlockAfter(ctx.file(p.file), p.resource.block, block)] });
      else if (p.origin === 'json') {
        const edit = companionStatement(ctx.file(p.file), p);
        if (edit) fixes.push({ title: 'Add the companion lambda:InvokeFunction statement (lambda:InvokedViaFunctionUrl)', preferred: true, edits: [edit] });
      } else if (p.resource) {
        // templates: the companion AWS::Lambda::Permission (undefined for other formats)
        const edit = cfnCompanionEdit(p.resource.block);
        if (edit) fixes.push({ title: 'Add the companion lambda:InvokeFunction permission (InvokedViaFunctionUrl: true)', preferred: true, edits: [edit] });
      }
      const who = p.resource ? p.resource.address : p.statement ? `the statement in ${holderOf(p.statement.doc)}` : 'the resource-policy statement';
      // the function URL itself, for public grants
      let url: Resource | undefined;
      if (kind === 'public') {
        for (const u of mi.ofType('aws_lambda_function_url')) {
          if (knownString(mi.evaluate(attr(u.block, 'authorization_type')?.value)) !== 'NONE') continue;
          let uf = w.resolveFn(mi.evaluate(attr(u.block, 'function_name')?.value));
          const q = attr(u.block, 'qualifier');
          if (uf.k === 'fn' && q) { const qv = mi.evaluate(q.value); uf = { ...uf, qual: qv.k === 'str' ? w.qualOf(qv.parts) : { k: 'unknown' } }; }
          if (sameFn(uf, pf, false) === 'match' && uf.k === 'fn' && pf.k === 'fn' && sameQual(uf.qual, pf.qual) === 'match') { url = u; break; }
        }
      }
      const target = url && !reportedUrls.has(url) ? url : undefined;
      if (url && !target) continue;
      if (target) reportedUrls.add(target);
      const fn = fnNames(ctx.facts, pf, false);
      const on = fn.addr ? ` on ${fn.addr}` : '';
      const message = kind === 'public'
        ? `Function URL of ${fn.name} answers 403 Forbidden to every request: ${who} grants lambda:InvokeFunctionUrl to "*" but nothing grants lambda:InvokeFunction${on} (required for function URLs since October 2025)${target ? `; the URL is ${target.address}` : ''}.`
        : `CloudFront cannot invoke the function URL of ${fn.name}: every request through the distribution will get 403 Forbidden; ${who} grants cloudfront.amazonaws.com lambda:InvokeFunctionUrl but not lambda:InvokeFunction${on} (required since October 2025).`;
      ctx.report({
        file: target ? target.file.path : p.action!.file,
        span: target ? headerSpan(target.block) : p.action!.span,
        message, fixes,
        related: [permRelated(p), { file: pf.fn.file.path, span: headerSpan(pf.fn.block), message: `function ${pf.fn.address}` }],
        suppressTarget: target ? target.block.span : p.resource?.block.span,
      });
    }
  },
};
