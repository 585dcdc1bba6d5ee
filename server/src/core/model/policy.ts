import { parseTree as parseTreeUnguarded, type Node as JNode, type ParseError, type ParseOptions } from 'jsonc-parser';
import { tooDeepAt } from '../limits';

/** jsonc-parser's parseTree recurses per level: too deeply nested text yields no tree (analyze.ts reports it). */
function parseTree(text: string, errors: ParseError[], opts: ParseOptions): JNode | undefined {
  if (text.charCodeAt(0) === 0xfeff) text = ' ' + text.slice(1); // byte order mark: a space, offsets unchanged
  return tooDeepAt(text, true) >= 0 ? undefined : parseTreeUnguarded(text, errors, opts);
}
import type { Block, Expr, Span } from './ast';
import { attr, blocksOf } from './ast';
import type { ModuleIndex, Resource, SourceFile } from './module';
import { asList, concat, getKey, strVal, type Sym, type Value, UNKNOWN } from './value';

/** A value with the place it is written. */
export interface Field { value: Value; file: string; span: Span }

export interface PrincipalItem { type: string; value: Field }
export interface ConditionItem { operator: string; key: string; values: Field[]; span: Span; file: string }

export type PolicyStyle = 'json' | 'jsonencode' | 'heredoc' | 'document';

export interface Statement {
  doc: PolicyDoc;
  file: string;
  span: Span;
  effect: string | undefined;
  sid: string | undefined;
  actions: Field[];
  notActions: Field[] | undefined;
  resources: Field[];
  notResources: Field[] | undefined;
  principals: PrincipalItem[];
  /** `"Principal": "*"` */
  principalStar: Field | undefined;
  conditions: ConditionItem[];
  /** JSON statements: the JSON node of the statement object (for fixes in `.json` files and heredocs). */
  json?: { node: JNode; base: number };
  /** aws_iam_policy_document statement block. */
  block?: Block;
  /** jsonencode: the object expression of the statement. */
  expr?: Expr;
}

export type PolicyRole = 'identity' | 'trust' | 'resource' | 'unknown';

export interface PolicyDoc {
  file: string;
  span: Span;
  style: PolicyStyle;
  role: PolicyRole;
  statements: Statement[];
  /** The resource whose attribute holds the policy (or the policy document data source). */
  owner?: Resource;
  /**
   * What holds the statements, for messages: a resource address (`aws_iam_role_policy.deploy`,
   * `data.aws_iam_policy_document.x`; front-ends rename it, e.g. to a template's logical id), `an inline
   * policy of aws_iam_role.x`, or a standalone policy file's name (`policy.json`). Filled by buildFacts.
   */
  holder?: string;
  /** For `.json` files and heredocs: parsed JSON tree and the offset of its text in the file. */
  json?: { root: JNode; base: number };
}

// ---------- JSON text (policy files, heredocs) ----------

/** Is this JSON text a policy document (or `get-policy` output, or a policy version)? Returns the document node. */
export function findPolicyRoot(root: JNode | undefined): JNode | undefined {
  if (!root || root.type !== 'object') return undefined;
  const prop = (n: JNode, k: string): JNode | undefined => n.children?.find((p) => p.children?.[0]?.value === k)?.children?.[1];
  if (prop(root, 'Statement')) return root;
  const pv = prop(root, 'PolicyVersion');
  if (pv) { const d = prop(pv, 'Document'); if (d && d.type === 'object' && prop(d, 'Statement')) return d; }
  return undefined;
}

/** `{"Policy": "<json string>"}` (aws lambda get-policy output). */
export function embeddedPolicyString(root: JNode | undefined): JNode | undefined {
  if (!root || root.type !== 'object') return undefined;
  const p = root.children?.find((c) => c.children?.[0]?.value === 'Policy')?.children?.[1];
  if (p && p.type === 'string' && typeof p.value === 'string' && p.value.includes('Statement')) return p;
  return undefined;
}

/**
 * Reads statements from a JSON policy tree. `strOf` turns a JSON string node into a value (heredocs
 * map `${...}` back to references). `base` is added to the tree's offsets to get file offsets.
 */
export function statementsFromJson(doc: PolicyDoc, root: JNode, base: number, strOf: (n: JNode) => Value): Statement[] {
  const prop = (n: JNode, k: string): JNode | undefined => n.children?.find((p) => p.children?.[0]?.value === k)?.children?.[1];
  const stmtNode = prop(root, 'Statement');
  if (!stmtNode) return [];
  const list = stmtNode.type === 'array' ? stmtNode.children ?? [] : [stmtNode];
  const span = (n: JNode): Span => ({ start: base + n.offset, end: base + n.offset + n.length });
  const field = (n: JNode): Field => ({ value: n.type === 'string' ? strOf(n) : n.type === 'number' || n.type === 'boolean' ? strVal(String(n.value)) : UNKNOWN('json ' + n.type), file: doc.file, span: span(n) });
  const fields = (n: JNode | undefined): Field[] => (!n ? [] : n.type === 'array' ? (n.children ?? []).map(field) : [field(n)]);
  const out: Statement[] = [];
  for (const s of list) {
    if (s.type !== 'object') continue;
    const effect = prop(s, 'Effect');
    const sid = prop(s, 'Sid');
    const principal = prop(s, 'Principal') ?? prop(s, 'NotPrincipal');
    const principals: PrincipalItem[] = [];
    let principalStar: Field | undefined;
    if (principal?.type === 'string') principalStar = field(principal);
    else if (principal?.type === 'object') for (const p of principal.children ?? []) {
      const [k, v] = p.children ?? [];
      if (k && v) for (const f of fields(v)) principals.push({ type: String(k.value), value: f });
    }
    const conditions: ConditionItem[] = [];
    const cond = prop(s, 'Condition');
    if (cond?.type === 'object') for (const op of cond.children ?? []) {
      const [ok, ov] = op.children ?? [];
      if (!ok || ov?.type !== 'object') continue;
      for (const kv of ov.children ?? []) {
        const [ck, cv] = kv.children ?? [];
        if (ck && cv) conditions.push({ operator: String(ok.value), key: String(ck.value), values: fields(cv), span: span(kv), file: doc.file });
      }
    }
    const na = prop(s, 'NotAction');
    const nr = prop(s, 'NotResource');
    out.push({
      doc, file: doc.file, span: span(s),
      effect: effect?.type === 'string' ? String(effect.value) : undefined,
      sid: sid?.type === 'string' ? String(sid.value) : undefined,
      actions: fields(prop(s, 'Action')), notActions: na ? fields(na) : undefined,
      resources: fields(prop(s, 'Resource')), notResources: nr ? fields(nr) : undefined,
      principals, principalStar, conditions, json: { node: s, base },
    });
  }
  return out;
}

/** Policy in a `.json` file of the folder (returns undefined when the file is not a policy). */
export function policyFromJsonFile(f: SourceFile): PolicyDoc | undefined {
  const root = parseTree(f.text, [], { allowTrailingComma: true });
  const doc = findPolicyRoot(root);
  if (doc) {
    const d: PolicyDoc = { file: f.path, span: { start: doc.offset, end: doc.offset + doc.length }, style: 'json', role: 'unknown', statements: [], json: { root: doc, base: 0 } };
    d.statements = statementsFromJson(d, doc, 0, (n) => strVal(String(n.value)));
    d.role = guessRole(d);
    return d;
  }
  const emb = embeddedPolicyString(root);
  if (emb) {
    // The policy is a JSON string inside JSON: offsets inside it are not file offsets; findings sit on the string.
    const inner = parseTree(String(emb.value), [], { allowTrailingComma: true });
    const idoc = findPolicyRoot(inner);
    if (!idoc) return undefined;
    const d: PolicyDoc = { file: f.path, span: { start: emb.offset, end: emb.offset + emb.length }, style: 'json', role: 'resource', statements: [] };
    d.statements = statementsFromJson(d, idoc, 0, (n) => strVal(String(n.value))).map((s) => flatten(s, d.span));
    return d;
  }
  return undefined;
}

function flatten(s: Statement, span: Span): Statement {
  const fx = (f: Field): Field => ({ ...f, span });
  return {
    ...s, span, json: undefined,
    actions: s.actions.map(fx), notActions: s.notActions?.map(fx), resources: s.resources.map(fx), notResources: s.notResources?.map(fx),
    principals: s.principals.map((p) => ({ type: p.type, value: fx(p.value) })), principalStar: s.principalStar && fx(s.principalStar),
    conditions: s.conditions.map((c) => ({ ...c, span, values: c.values.map(fx) })),
  };
}

export function guessRole(d: PolicyDoc): PolicyRole {
  if (d.statements.some((s) => s.actions.some((a) => /^sts:AssumeRole/i.test(knownText(a.value) ?? '')))) return 'trust';
  if (d.statements.some((s) => s.principals.length > 0 || s.principalStar)) return 'resource';
  return 'identity';
}

function knownText(v: Value): string | undefined {
  return v.k === 'str' && v.parts.every((p) => typeof p === 'string') ? v.parts.join('') : undefined;
}

// ---------- Terraform values (jsonencode, heredoc, policy documents) ----------

/** Statements of a `jsonencode({...})` value, with spans into the Terraform source. */
export function statementsFromValue(doc: PolicyDoc, v: Value, defaultFile: string): Statement[] {
  const root = v.k === 'json' ? v.of : v;
  const st = getKey(root, 'Statement');
  if (!st) return [];
  const fileOf = (x: Value): string => x.file ?? defaultFile;
  const spanOfV = (x: Value, fallback: Span): Span => (x.src ? x.src.span : fallback);
  const docSpan = doc.span;
  const field = (x: Value): Field => ({ value: x, file: fileOf(x), span: spanOfV(x, docSpan) });
  const fields = (x: Value | undefined): Field[] => asList(x).map(field);
  const out: Statement[] = [];
  for (const s of asList(st)) {
    if (s.k !== 'obj') continue;
    const principal = getKey(s, 'Principal') ?? getKey(s, 'NotPrincipal');
    const principals: PrincipalItem[] = [];
    let principalStar: Field | undefined;
    if (principal?.k === 'str') principalStar = field(principal);
    else if (principal?.k === 'obj') for (const e of principal.entries) for (const f of fields(e.value)) principals.push({ type: e.key, value: f });
    const conditions: ConditionItem[] = [];
    const cond = getKey(s, 'Condition');
    if (cond?.k === 'obj') for (const op of cond.entries) {
      if (op.value.k !== 'obj') continue;
      for (const kv of op.value.entries) conditions.push({ operator: op.key, key: kv.key, values: fields(kv.value), span: spanOfV(kv.value, docSpan), file: fileOf(kv.value) });
    }
    const eff = getKey(s, 'Effect');
    const sid = getKey(s, 'Sid');
    const na = getKey(s, 'NotAction');
    const nr = getKey(s, 'NotResource');
    out.push({
      doc, file: fileOf(s), span: spanOfV(s, docSpan),
      effect: eff ? knownText(eff) : undefined, sid: sid ? knownText(sid) : undefined,
      actions: fields(getKey(s, 'Action')), notActions: na ? fields(na) : undefined,
      resources: fields(getKey(s, 'Resource')), notResources: nr ? fields(nr) : undefined,
      principals, principalStar, conditions, expr: s.src,
    });
  }
  return out;
}

/** Statements of a heredoc (or quoted string) that holds JSON, mapping `${...}` back to references. */
export function statementsFromTemplate(doc: PolicyDoc, e: Extract<Expr, { t: 'tmpl' }>, file: SourceFile, mi: ModuleIndex): Statement[] {
  if (!e.heredoc) return [];
  const { start, end } = e.heredoc.contentSpan;
  // Blank out interpolations with same-length filler so JSON offsets stay true.
  let blank = '';
  let inString = false;
  let pos = start;
  const interps: { span: Span; expr: Expr }[] = [];
  for (const p of e.parts) {
    if (p.span.start > pos) { /* gap (shouldn't happen) */ }
    const raw = file.text.slice(p.span.start, p.span.end);
    if (p.k === 'text') {
      for (let i = 0; i < raw.length; i++) {
        const c = raw[i];
        if (c === '"' && !isEscaped(raw, i)) inString = !inString;
      }
      blank += raw;
    } else {
      if (p.k === 'expr') interps.push({ span: p.span, expr: p.expr });
      blank += inString ? 'x'.repeat(raw.length) : '0' + ' '.repeat(Math.max(0, raw.length - 1));
    }
    pos = p.span.end;
  }
  if (blank.length !== end - start) blank = file.text.slice(start, end);
  const root = parseTree(blank, [], { allowTrailingComma: true });
  const pdoc = findPolicyRoot(root);
  if (!pdoc) return [];
  doc.json = { root: pdoc, base: start };
  const strOf = (n: JNode): Value => {
    const s0 = start + n.offset + 1, s1 = start + n.offset + n.length - 1;
    const parts: Sym[] = [];
    let cur = s0;
    for (const it of interps) {
      if (it.span.end <= s0 || it.span.start >= s1) continue;
      if (it.span.start > cur) parts.push(jsonUnescape(file.text.slice(cur, it.span.start)));
      const v = mi.evaluate(it.expr);
      if (v.k === 'str') parts.push(...v.parts);
      else if (v.k === 'num' || v.k === 'bool') parts.push(String(v.v));
      else parts.push({ ref: file.text.slice(it.span.start + 2, it.span.end - 1).trim() });
      cur = it.span.end;
    }
    if (cur < s1) parts.push(jsonUnescape(file.text.slice(cur, s1)));
    return { k: 'str', parts: concat(parts) };
  };
  return statementsFromJson(doc, pdoc, start, strOf);
}

/** Is the character at `i` escaped by an odd run of backslashes? */
export function isEscaped(s: string, i: number): boolean {
  let n = 0;
  while (i - 1 - n >= 0 && s[i - 1 - n] === '\\') n++;
  return n % 2 === 1;
}
/** The text of a JSON string's contents (unchanged when it is not valid JSON). */
export function jsonUnescape(s: string): string {
  if (!s.includes('\\')) return s;
  try { return JSON.parse('"' + s + '"'); } catch { return s; }
}

/** Statements of a `data "aws_iam_policy_document"` block. */
export function statementsFromDocument(doc: PolicyDoc, block: Block, file: SourceFile, mi: ModuleIndex): Statement[] {
  const out: Statement[] = [];
  const fieldsOf = (b: Block, name: string): Field[] | undefined => {
    const a = attr(b, name);
    if (!a) return undefined;
    const v = mi.evaluate(a.value);
    if (v.k === 'list') return v.items.map((x) => ({ value: x, file: x.file ?? file.path, span: x.src?.span ?? a.value.span }));
    return [{ value: v, file: v.file ?? file.path, span: a.value.span }];
  };
  for (const s of blocksOf(block, 'statement')) {
    const eff = attr(s, 'effect');
    const effVal = eff ? knownText(mi.evaluate(eff.value)) : 'Allow';
    const principals: PrincipalItem[] = [];
    let principalStar: Field | undefined;
    for (const pb of [...blocksOf(s, 'principals'), ...blocksOf(s, 'not_principals')]) {
      const t = attr(pb, 'type');
      const type = t ? knownText(mi.evaluate(t.value)) ?? '?' : '?';
      for (const f of fieldsOf(pb, 'identifiers') ?? []) {
        if (type === '*') principalStar = f;
        else principals.push({ type, value: f });
      }
    }
    const conditions: ConditionItem[] = [];
    for (const cb of blocksOf(s, 'condition')) {
      const test = attr(cb, 'test'), variable = attr(cb, 'variable');
      const op = test ? knownText(mi.evaluate(test.value)) : undefined;
      const key = variable ? knownText(mi.evaluate(variable.value)) : undefined;
      conditions.push({ operator: op ?? '?', key: key ?? '?', values: fieldsOf(cb, 'values') ?? [], span: cb.span, file: file.path });
    }
    const sid = attr(s, 'sid');
    out.push({
      doc, file: file.path, span: s.span, effect: effVal, sid: sid ? knownText(mi.evaluate(sid.value)) : undefined,
      actions: fieldsOf(s, 'actions') ?? [], notActions: fieldsOf(s, 'not_actions'),
      resources: fieldsOf(s, 'resources') ?? [], notResources: fieldsOf(s, 'not_resources'),
      principals, principalStar, conditions, block: s,
    });
  }
  return out;
}
