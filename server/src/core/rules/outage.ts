/**
 * Helpers shared by the outage rules: names of functions and invokers in messages, related
 * locations, and the `aws_lambda_permission` block a missing-permission fix inserts.
 */
import type { Block, Span } from '../model/ast';
import { attr, forFixText } from '../model/ast';
import type { Permission } from '../model/facts';
import type { Resource, SourceFile } from '../model/module';
import { knownString } from '../model/value';
import { indentUnit, jsonInsertIntoObject, jsonText } from '../fix/edits';
import { parseTree, type Node as JNode } from 'jsonc-parser';
import type { SpanEdit } from './rule';
import { SOURCE_ARN_FORMATS, snippetToText } from '../model/principals';
import type { FnRef, Trigger, Wiring } from '../model/wiring';
import { insertBlockAfter } from '../fix/edits';
import { cfnPermissionEdit } from '../frontends/cfn/permission';

/** The edit that adds the permission a trigger needs, in the trigger file's format (HCL, Terraform JSON, template). */
export function permissionEditFor(w: Wiring, t: Trigger, file: SourceFile, reserved = usedNames(w)): { edit: SpanEdit; preferred: boolean; title: string } | undefined {
  if (file.kind === 'tf') {
    const block = permissionBlockFor(w, t, file, reserved);
    return block && { edit: insertBlockAfter(file, t.resource.block, block.text), preferred: block.preferred, title: `Add aws_lambda_permission.${block.name} for ${t.principal}` };
  }
  if (file.kind === 'tfjson') {
    const j = permissionJsonEdit(w, t, file, reserved);
    return j && { edit: j.edit, preferred: j.preferred, title: `Add aws_lambda_permission.${j.name} for ${t.principal}` };
  }
  if (file.kind === 'cfn') {
    const b = permissionBlockFor(w, t, file, reserved);
    const c = b && cfnPermissionEdit(t, b.pairs, reserved.names);
    return c && { edit: c.edit, preferred: b!.preferred, title: `Add AWS::Lambda::Permission ${c.name} for ${t.principal}` };
  }
  return undefined;
}

/** The span of a block's header: `resource "type" "name"`. */
export function headerSpan(b: Block): Span {
  const last = b.labels[b.labels.length - 1];
  return { start: b.span.start, end: last ? last.span.end : b.span.start + b.type.length };
}

export function fnLabel(fn: FnRef): string {
  if (fn.k !== 'fn') return 'the function';
  const at = fn.fn.address.indexOf('@'); // a function of a module instance (model/config.ts)
  const base = at < 0 ? fn.ref : fn.ref + fn.fn.address.slice(at);
  if (fn.qual.k === 'alias') return `${base} (alias ${fn.qual.alias.address})`;
  if (fn.qual.k === 'lit') return `${base} (qualifier "${fn.qual.name}")`;
  if (fn.qual.k === 'version') return `${base} (published version)`;
  return base;
}

export const SERVICE_NAMES: Record<string, string> = {
  apigateway: 'API Gateway', s3: 'S3 bucket', sns: 'SNS topic', events: 'EventBridge rule', logs: 'CloudWatch Logs log group',
  elasticloadbalancing: 'Target group', 'cognito-idp': 'Cognito user pool', iot: 'IoT topic rule',
};
const SID_NAMES: Record<string, string> = {
  apigateway: 'APIGateway', s3: 'S3', sns: 'SNS', events: 'EventBridge', logs: 'CloudWatchLogs',
  elasticloadbalancing: 'ALB', 'cognito-idp': 'Cognito', iot: 'IoT',
};

/** `API Gateway aws_api_gateway_rest_api.api` */
export function invokerLabel(t: Trigger): string {
  const name = SERVICE_NAMES[t.service] ?? t.service;
  const who = t.invoker?.resource?.address ?? t.invokerName;
  return who.startsWith('the ') ? `${name} (${t.resource.address})` : `${name} ${who}`;
}

export function related(t: Trigger, extra: { file: string; span: Span; message: string }[] = []): { file: string; span: Span; message: string }[] {
  const out: { file: string; span: Span; message: string }[] = [];
  out.push({ file: t.resource.file.path, span: headerSpan(t.resource.block), message: `trigger ${t.resource.address}` });
  if (t.fn.k === 'fn') out.push({ file: t.fn.fn.file.path, span: headerSpan(t.fn.fn.block), message: `function ${t.fn.fn.address}` });
  if (t.fn.k === 'fn' && t.fn.qual.k === 'alias') out.push({ file: t.fn.qual.alias.file.path, span: headerSpan(t.fn.qual.alias.block), message: `alias ${t.fn.qual.alias.address}` });
  const inv = t.invoker?.resource;
  if (inv && inv !== t.resource) out.push({ file: inv.file.path, span: headerSpan(inv.block), message: `invoker ${inv.address}` });
  return [...out, ...extra];
}

export function permRelated(p: Permission): { file: string; span: Span; message: string } {
  return { file: p.file, span: p.resource ? headerSpan(p.resource.block) : p.span, message: p.resource ? `permission ${p.resource.address}` : 'resource-policy statement' };
}

/** Names and statement ids of the folder's permissions (fixes reserve theirs here so fix-all never duplicates one). */
export function usedNames(w: Wiring): { names: Set<string>; sids: Set<string> } {
  return forFixText(() => usedNamesOf(w));
}
function usedNamesOf(w: Wiring): { names: Set<string>; sids: Set<string> } {
  const mi = w.facts.module;
  const names = new Set(mi.ofType('aws_lambda_permission').map((r) => r.name));
  const sids = new Set<string>();
  for (const r of mi.ofType('aws_lambda_permission')) {
    const s = knownString(mi.evaluate(attr(r.block, 'statement_id')?.value));
    if (s) sids.add(s);
  }
  return { names, sids };
}

function unique(base: string, used: Set<string>): string {
  if (!used.has(base)) return base;
  for (let i = 2; ; i++) if (!used.has(base + '_' + i) && !used.has(base + i)) return /[A-Z]/.test(base) ? base + i : base + '_' + i;
}

/** `name = value` lines aligned as terraform fmt does. */
export function alignedLines(pairs: [string, string][], indent: string): string[] {
  const width = Math.max(...pairs.map(([n]) => n.length));
  return pairs.map(([n, v]) => `${indent}${n}${' '.repeat(width - n.length)} = ${v}`);
}

/** The complete `aws_lambda_permission` block that lets the trigger invoke its function (HCL). */
export function permissionBlockFor(w: Wiring, t: Trigger, file: SourceFile, reserved = usedNames(w)): { text: string; preferred: boolean; name: string; pairs: [string, string][]; iter?: { name: string; value: { span: Span } } } | undefined {
  if (t.fn.k !== 'fn') return undefined;
  const unit = indentUnit(file.text);
  const { names, sids } = reserved;
  const fnName = t.fn.fn.name;
  const svc = t.service.replace(/[^a-z0-9]+/g, '_');
  let name = `allow_${svc}_${fnName}`;
  if (names.has(name)) name = `${name}_${t.resource.name}`;
  name = unique(name, names);
  const sid = unique(`Allow${SID_NAMES[t.service] ?? 'Service'}Invoke`, sids);
  const pairs: [string, string][] = [];
  const lines: string[] = [];
  const iter = attr(t.resource.block, 'for_each') ?? attr(t.resource.block, 'count');
  const fnText = `${t.fn.ref}.function_name`;
  const usesIter = (s: string): boolean => /\b(each|count)\./.test(s);
  let usedIter: typeof iter;
  if (iter && (usesIter(fnText) || usesIter(t.invoker?.hcl ?? ''))) {
    usedIter = iter;
    lines.push(`${unit}${iter.name} = ${t.resource.file.text.slice(iter.value.span.start, iter.value.span.end)}`, '');
  } else if (usesIter(fnText) || usesIter(t.invoker?.hcl ?? '')) return undefined;
  pairs.push(['statement_id', JSON.stringify(sid)]);
  pairs.push(['action', '"lambda:InvokeFunction"']);
  pairs.push(['function_name', fnText]);
  pairs.push(['principal', JSON.stringify(t.principal)]);
  let preferred = true;
  if (t.invoker) pairs.push(['source_arn', t.invoker.hcl]);
  else {
    const fmt = SOURCE_ARN_FORMATS[t.service];
    if (fmt) pairs.push(['source_arn', JSON.stringify(snippetToText(fmt))]);
    preferred = false;
  }
  const q = t.fn.qual;
  if (q.k === 'alias') pairs.push(['qualifier', `${q.alias.address}.name`]);
  else if (q.k === 'lit') pairs.push(['qualifier', JSON.stringify(q.name)]);
  else if (q.k === 'version' && q.ref) pairs.push(['qualifier', q.ref]);
  else if (q.k !== 'none') return undefined;
  lines.push(...alignedLines(pairs, unit));
  names.add(name);
  sids.add(sid);
  return { text: `resource "aws_lambda_permission" "${name}" {\n${lines.join('\n')}\n}`, preferred, name, pairs, iter: usedIter };
}

/** HCL expression text -> Terraform JSON value. */
function hclToJson(v: string): unknown {
  if (v === 'true' || v === 'false') return v === 'true';
  if (v.startsWith('"')) { try { return JSON.parse(v); } catch { return v; } }
  return '${' + v + '}';
}

/** The same permission as a Terraform JSON edit of the trigger's `.tf.json` file. */
export function permissionJsonEdit(w: Wiring, t: Trigger, file: SourceFile, reserved = usedNames(w)): { edit: SpanEdit; preferred: boolean; name: string } | undefined {
  const b = permissionBlockFor(w, t, file, reserved);
  if (!b) return undefined;
  const root = parseTree(file.text, [], { allowTrailingComma: true });
  const prop = (n: JNode | undefined, k: string): JNode | undefined => n?.type === 'object' ? n.children?.find((c) => c.children?.[0]?.value === k)?.children?.[1] : undefined;
  const res = prop(root, 'resource');
  if (!res || res.type !== 'object') return undefined;
  const body: Record<string, unknown> = {};
  if (b.iter) {
    const raw = t.resource.file.text.slice(b.iter.value.span.start, b.iter.value.span.end);
    try { body[b.iter.name] = JSON.parse(raw); } catch { return undefined; }
  }
  for (const [k, v] of b.pairs) body[k] = hclToJson(v);
  const unit = indentUnit(file.text);
  const perms = prop(res, 'aws_lambda_permission');
  const edit = perms && perms.type === 'object'
    ? jsonInsertIntoObject(file, perms.offset, perms.offset + perms.length - 1, `${JSON.stringify(b.name)}: ${jsonText(body, unit)}`)
    : jsonInsertIntoObject(file, res.offset, res.offset + res.length - 1, `"aws_lambda_permission": ${jsonText({ [b.name]: body }, unit)}`);
  return { edit, preferred: b.preferred, name: b.name };
}

