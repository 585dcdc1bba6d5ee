/**
 * Helpers shared by the exposure rules: reading permissions and policy statements, and building
 * the edits of their fixes in the style of the file (HCL, Terraform JSON, JSON in heredocs / files).
 */
import { parseTree, type Node as JNode } from 'jsonc-parser';
import type { Block, Span } from '../model/ast';
import { attr } from '../model/ast';
import type { Facts, Permission } from '../model/facts';
import { text } from '../model/facts';
import type { ModuleIndex, SourceFile } from '../model/module';
import type { Field, PolicyDoc, Statement } from '../model/policy';
import { isServicePrincipal } from '../model/principals';
import { knownString, type Value } from '../model/value';
import { insertBlockAfter, jsonInsertIntoObject, replaceSpan } from '../fix/edits';
import type { RuleContext, SpanEdit } from './rule';

/** A field that is written and not `null`. */
export function present(f: Field | undefined): f is Field {
  return !!f && f.value.k !== 'null';
}

/** Known text of a field (strings, numbers, booleans). */
export function known(f: Field | undefined): string | undefined {
  return f ? knownString(f.value) : undefined;
}

/** Is this field's text a wildcard pattern (`*` or `?`)? */
export function hasWildcard(s: string): boolean {
  return /[*?]/.test(s);
}

/**
 * The permissions of the folder that grant something on a Lambda function: every
 * `aws_lambda_permission`, and the JSON resource-policy statements whose action is a Lambda
 * action (or `*` / absent with a Lambda function as resource). Bucket, topic or queue policies
 * that also have principals are not Lambda permissions.
 */
export function lambdaPermissions(facts: Facts): Permission[] {
  return facts.permissions.filter((p) => {
    if (p.origin === 'tf') return true;
    const a = known(p.action);
    if (a !== undefined && /^lambda:/i.test(a)) return true;
    if (a !== undefined && a !== '*') return false;
    if (p.action && a === undefined) return false;
    return (p.statement?.resources ?? []).some((r) => /^arn:[^:]+:lambda:/i.test(known(r) ?? ''));
  });
}

/** Principal text when known (JSON `{"AWS": "*"}` reads as `*`). */
export function principalOf(p: Permission): string | undefined {
  return text(p.principal);
}

/** Placeholder for an unresolved reference inside a symbolic ARN: never a wildcard, never a separator. */
export const REF = '\u0000';

/** The text of a (symbolic) string with unresolved references replaced by REF; undefined when not a string. */
export function arnText(v: Value): string | undefined {
  if (v.k !== 'str') return undefined;
  return v.parts.map((p) => (typeof p === 'string' ? p : REF)).join('');
}

export function isPublicPrincipal(p: Permission): boolean {
  return principalOf(p) === '*';
}

export function isService(p: Permission): boolean {
  const t = principalOf(p);
  return !!t && isServicePrincipal(t);
}

const eqi = (a: string | undefined, b: string): boolean => a !== undefined && a.toLowerCase() === b.toLowerCase();

/**
 * The two grants of a public function URL: `lambda:InvokeFunctionUrl` with
 * `function_url_auth_type = "NONE"`, and `lambda:InvokeFunction` with `invoked_via_function_url = true`.
 * Returns which field marks the grant as a function URL grant.
 */
export function functionUrlGrant(p: Permission): { kind: 'url' | 'invoke'; marker: Field } | undefined {
  const act = known(p.action);
  if (eqi(act, 'lambda:InvokeFunctionUrl') && present(p.functionUrlAuthType) && eqi(known(p.functionUrlAuthType), 'NONE')) return { kind: 'url', marker: p.functionUrlAuthType };
  if (eqi(act, 'lambda:InvokeFunction') && present(p.invokedViaFunctionUrl) && eqi(known(p.invokedViaFunctionUrl), 'true')) return { kind: 'invoke', marker: p.invokedViaFunctionUrl };
  return undefined;
}

/** A permission that may be a function URL grant (its action or marker is not known). */
export function maybeFunctionUrlGrant(p: Permission): boolean {
  if (functionUrlGrant(p)) return true;
  const act = known(p.action);
  const urlish = present(p.functionUrlAuthType) || present(p.invokedViaFunctionUrl);
  if (!urlish) return false;
  if (act === undefined) return true;
  if (eqi(act, 'lambda:InvokeFunctionUrl') && present(p.functionUrlAuthType) && known(p.functionUrlAuthType) === undefined) return true;
  if (eqi(act, 'lambda:InvokeFunction') && present(p.invokedViaFunctionUrl) && known(p.invokedViaFunctionUrl) === undefined) return true;
  return false;
}

// ---------- strings ----------

/** The source text of a span. */
export function spanText(f: SourceFile, s: Span): string {
  return f.text.slice(s.start, s.end);
}

/** Is the field written in place as a quoted string (HCL literal, JSON string)? */
export function isQuoted(file: SourceFile, f: Field): boolean {
  const t = spanText(file, f.span);
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"');
}

/** Text of a string literal for the file at the span: HCL and JSON both accept JSON's quoting of plain strings. */
export function quote(s: string): string {
  return JSON.stringify(s);
}

/**
 * Replaces a field's value by a string. Works for HCL attribute values and list items, JSON
 * strings in `.json`/`.tf.json` files and heredocs, and HCL strings inside `jsonencode`.
 * Returns undefined when the field cannot be edited in place (a policy held in a JSON string).
 */
export function replaceField(file: SourceFile, f: Field, newText: string): SpanEdit | undefined {
  const t = spanText(file, f.span);
  if (file.kind === 'json' && !isQuoted(file, f)) return undefined;
  if (t.startsWith('"') && file.kind !== 'tf' && /^"\{|\\"/.test(t)) return undefined; // an embedded policy string
  return replaceSpan(file, f.span, newText);
}

/** Is the span an item of a list (`[a, b]`)? Looks at the nearest non-blank character before it. */
export function inList(file: SourceFile, span: Span): boolean {
  let i = span.start - 1;
  while (i >= 0 && /\s/.test(file.text[i])) i--;
  return i >= 0 && (file.text[i] === '[' || file.text[i] === ',');
}

// ---------- JSON statements ----------

function prop(n: JNode | undefined, k: string): JNode | undefined {
  return n?.children?.find((p) => p.children?.[0]?.value === k)?.children?.[1];
}

/**
 * Adds `"op": {"key": value}` to the `Condition` of a JSON statement (creating `Condition`, or
 * adding to an existing operator object). `valueJson` is JSON text.
 */
export function jsonAddCondition(file: SourceFile, s: Statement, op: string, key: string, valueJson: string): SpanEdit | undefined {
  if (!s.json) return undefined;
  const node = s.json.node;
  const base = s.json.base;
  const cond = prop(node, 'Condition');
  if (cond && cond.type === 'object') {
    const opNode = prop(cond, op);
    if (opNode && opNode.type === 'object') return jsonInsertIntoObject(file, base + opNode.offset, base + opNode.offset + opNode.length - 1, `${quote(key)}: ${valueJson}`);
    return jsonInsertIntoObject(file, base + cond.offset, base + cond.offset + cond.length - 1, `${quote(op)}: {${quote(key)}: ${valueJson}}`);
  }
  if (cond) return undefined;
  return jsonInsertIntoObject(file, base + node.offset, base + node.offset + node.length - 1, `"Condition": {${quote(op)}: {${quote(key)}: ${valueJson}}}`);
}

/** The JSON property (key and value) of a statement, as a span of the file. */
export function jsonPropSpan(s: Statement, key: string): Span | undefined {
  if (!s.json) return undefined;
  const p = s.json.node.children?.find((c) => c.children?.[0]?.value === key);
  return p ? { start: s.json.base + p.offset, end: s.json.base + p.offset + p.length } : undefined;
}

// ---------- data "aws_caller_identity" ----------

/** Address of a `data "aws_caller_identity"` of the folder, if any. */
export function callerIdentity(mi: ModuleIndex): string | undefined {
  return mi.ofType('data.aws_caller_identity')[0]?.address;
}

/** Edit that adds `data "aws_caller_identity" "current" {}` after a block of a `.tf` file, or into a `.tf.json` file. */
export function addCallerIdentity(file: SourceFile, after: Block): SpanEdit | undefined {
  if (file.kind === 'tf') return insertBlockAfter(file, after, 'data "aws_caller_identity" "current" {}');
  if (file.kind !== 'tfjson') return undefined;
  const root = parseTree(file.text);
  if (!root || root.type !== 'object') return undefined;
  const data = prop(root, 'data');
  if (data && data.type === 'object') {
    if (prop(data, 'aws_caller_identity')) return undefined;
    return jsonInsertIntoObject(file, data.offset, data.offset + data.length - 1, '"aws_caller_identity": {"current": {}}');
  }
  if (data) return undefined;
  return jsonInsertIntoObject(file, root.offset, root.offset + root.length - 1, '"data": {"aws_caller_identity": {"current": {}}}');
}

// ---------- identity policies ----------

/** Identity-policy statements with `Effect: Allow` (Deny statements are never reported). */
export function allowIdentityStatements(facts: Facts): { doc: PolicyDoc; s: Statement }[] {
  const out: { doc: PolicyDoc; s: Statement }[] = [];
  for (const doc of facts.policies) {
    if (doc.role !== 'identity') continue;
    for (const s of doc.statements) {
      // JSON requires Effect; an aws_iam_policy_document statement defaults to Allow. Unknown effect: silent.
      if (s.effect === undefined && !s.block) continue;
      if ((s.effect ?? 'Allow') !== 'Allow') continue;
      out.push({ doc, s });
    }
  }
  return out;
}

/** Roles of the folder whose policies include this document. */
export function rolesOfDoc(facts: Facts, doc: PolicyDoc): string[] {
  const out: string[] = [];
  for (const r of facts.module.ofType('aws_iam_role')) {
    if (facts.policiesOfRole(r.address).docs.includes(doc)) out.push(r.address);
  }
  return out;
}

/** Does the trust policy of the role let this service principal assume it? */
export function roleTrusts(facts: Facts, role: string, service: string): boolean {
  const r = facts.module.resources.get(role);
  if (!r) return false;
  const a = attr(r.block, 'assume_role_policy');
  if (!a) return false;
  for (const doc of facts.policies) {
    if (doc.owner !== r && !(doc.owner && doc.role === 'trust' && refersTo(facts.module, a.value, doc))) continue;
    for (const s of doc.statements) {
      if ((s.effect ?? 'Allow') !== 'Allow') continue;
      if (!s.actions.some((x) => /^sts:AssumeRole$/i.test(known(x) ?? ''))) continue;
      if (s.principals.some((p) => p.type === 'Service' && known(p.value) === service)) return true;
    }
  }
  return false;
}

function refersTo(mi: ModuleIndex, e: Parameters<ModuleIndex['evaluate']>[0], doc: PolicyDoc): boolean {
  const v: Value = mi.evaluate(e);
  return v.k === 'str' && v.parts.length === 1 && typeof v.parts[0] !== 'string' && v.parts[0].resource === doc.owner?.address;
}

/** Is the field's span in the same file as the statement (not in a shared local / variable)? */
export function inPlace(s: { file: string }, f: Field): boolean {
  return f.file === s.file;
}

/** The report context's file, or undefined when the module has no such file. */
export function fileOf(ctx: RuleContext, path: string): SourceFile | undefined {
  try { return ctx.file(path); } catch { return undefined; }
}

/** Deletes a list item with its separator: `[a, b]` -> `[a]` / `[b]`, in HCL and JSON. */
export function removeListItem(file: SourceFile, span: Span): SpanEdit | undefined {
  const t = file.text;
  let i = span.start - 1;
  while (i >= 0 && /\s/.test(t[i])) i--;
  if (i >= 0 && t[i] === ',') return replaceSpan(file, { start: i, end: span.end }, '');
  let j = span.end;
  while (j < t.length && /\s/.test(t[j])) j++;
  if (t[j] !== ',') return undefined;
  j++;
  while (j < t.length && /\s/.test(t[j])) j++;
  if (t[j] === ']') return undefined;
  return replaceSpan(file, { start: span.start, end: j }, '');
}

/**
 * Replaces a list item by `value`, or drops it when another item of the same list already is
 * `value` (so `["lambda:*", "lambda:InvokeFunction"]` becomes `["lambda:InvokeFunction"]`).
 */
export function replaceItem(file: SourceFile, f: Field, siblings: Field[], value: string): SpanEdit | undefined {
  const same = siblings.some((x) => x !== f && x.file === f.file && (known(x) ?? '').toLowerCase() === value.toLowerCase());
  if (same && inList(file, f.span)) {
    const e = removeListItem(file, f.span);
    if (e) return e;
  }
  return replaceField(file, f, quote(value));
}

/** Escapes literal text for an LSP snippet (`$` and `\`; `}` is only special inside a placeholder). */
export function snippetEscape(s: string): string {
  return s.replace(/[\\$]/g, '\\$&');
}

/**
 * Merges the edits of one file into a single edit (from the first edit's start to the last one's
 * end), so that a fix that realigns a block can still be offered as one snippet.
 */
export function mergeEdits(file: SourceFile, edits: SpanEdit[]): SpanEdit[] {
  if (edits.length < 2 || edits.some((e) => e.file !== file.path)) return edits;
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  for (let i = 1; i < sorted.length; i++) if (sorted[i].start < sorted[i - 1].end) return edits;
  const start = sorted[0].start, end = sorted[sorted.length - 1].end;
  let out = '', at = start;
  for (const e of sorted) { out += file.text.slice(at, e.start) + e.newText; at = e.end; }
  return [{ file: file.path, start, end, newText: out }];
}

/** Snippet text of a single edit: `plain` (its last occurrence) becomes `snippet`, the rest is escaped. */
export function snippetFor(edit: SpanEdit, plain: string, snippet: string): string | undefined {
  const i = edit.newText.lastIndexOf(plain);
  if (i < 0) return undefined;
  return snippetEscape(edit.newText.slice(0, i)) + snippet + snippetEscape(edit.newText.slice(i + plain.length));
}
