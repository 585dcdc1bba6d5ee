/**
 * OpenAPI bodies as triggers: `aws_api_gateway_rest_api.body` / `aws_apigatewayv2_api.body` written
 * as `jsonencode({...})`, a heredoc of JSON, or `file()`/`templatefile()` of a JSON or YAML file of the
 * folder (directly or through a local). Each operation whose `x-amazon-apigateway-integration`
 * (`type` `aws_proxy`/`aws`) has a `uri` naming a function of the folder invokes it with the source
 * ARN `${api.execution_arn}/{stage}/{METHOD}/{path}` of that operation.
 */
import { parseTree, type Node as JNode } from 'jsonc-parser';
import type { Attribute, Expr, Span } from './ast';
import { attr } from './ast';
import type { ModuleIndex, Resource, SourceFile } from './module';
import type { Field } from './policy';
import { renderTemplate, templateVars, type TemplateVars } from './template';
import { concat, getKey, knownString, type Sym, type Token, type Value } from './value';
import { opaqueAtom, type SymItem } from './arn';
import { tooDeepAt } from '../limits';
import { parseTemplate, type CNode } from '../frontends/cfn/parse';

/** What a trigger of an OpenAPI operation needs, in the terms of wiring.ts. */
export interface OpenApiOperation {
  api: Resource;
  v2: boolean;
  method: string;
  path: string;
  uri: Field;
  credentials?: Field;
  /** Items of the invocation ARN after the execution ARN: `/`, stage, `/`, method, `/`, path. */
  tail: (anon: (id: string, forbid: string) => SymItem) => SymItem[];
}

const METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'x-amazon-apigateway-any-method']);
const fake = (span: Span): Expr => ({ t: 'other', span, text: '' });

/** A JSON tree as a value with spans (`strOf` maps string nodes, e.g. to interpolated values). */
function jsonValue(n: JNode, file: string, base: number, strOf: (n: JNode) => Value): Value {
  const span = { start: base + n.offset, end: base + n.offset + n.length };
  const src = fake(span);
  switch (n.type) {
    case 'object': return { k: 'obj', entries: (n.children ?? []).flatMap((p) => { const [k, v] = p.children ?? []; return k && v ? [{ key: String(k.value), value: jsonValue(v, file, base, strOf) }] : []; }), src, file };
    case 'array': return { k: 'list', items: (n.children ?? []).map((c) => jsonValue(c, file, base, strOf)), src, file };
    case 'string': return { ...strOf(n), src, file };
    case 'number': return { k: 'num', v: Number(n.value), src, file };
    case 'boolean': return { k: 'bool', v: !!n.value, src, file };
    default: return { k: 'unknown', why: 'json ' + n.type, src, file };
  }
}

/** A JSON text with `${...}` interpolations (a heredoc's or a template file's), with the interpolations' values. */
function templateJson(text: string, file: string, base: number, interps: { start: number; end: number; value: () => Value | undefined; body: string }[], rendered: string): Value | undefined {
  if (tooDeepAt(rendered, true) >= 0) return undefined;
  const errors: unknown[] = [];
  const root = parseTree(rendered, errors as never, { allowTrailingComma: true });
  if (!root || errors.length) return undefined;
  const strOf = (n: JNode): Value => {
    const s0 = n.offset + 1, s1 = n.offset + n.length - 1;
    const parts: Sym[] = [];
    let cur = s0;
    for (const it of interps) {
      if (it.end <= s0 || it.start >= s1) continue;
      if (it.start > cur) parts.push(unescape(text.slice(cur, it.start)));
      const v = it.value();
      if (v && v.k === 'str') parts.push(...v.parts);
      else if (v && (v.k === 'num' || v.k === 'bool')) parts.push(String(v.v));
      else parts.push({ ref: it.body });
      cur = it.end;
    }
    if (cur < s1) parts.push(unescape(text.slice(cur, s1)));
    return { k: 'str', parts: concat(parts) };
  };
  return jsonValue(root, file, base, strOf);
}

function unescape(s: string): string {
  if (!s.includes('\\')) return s;
  try { return JSON.parse('"' + s + '"'); } catch { return s; }
}

/** The OpenAPI document of a `body` attribute as a value with spans; undefined when the folder does not show it. */
function bodyValue(mi: ModuleIndex, r: Resource, a: Attribute): Value | undefined {
  let e: Expr = a.value;
  let file: SourceFile = r.file;
  for (let i = 0; i < 5 && e.t === 'trav' && e.root === 'local' && e.steps.length === 1 && e.steps[0].k === 'attr'; i++) {
    const l = mi.locals.get(e.steps[0].name);
    if (!l) return undefined;
    e = l.value.value;
    file = l.file;
  }
  if (e.t === 'call' && e.name === 'jsonencode') {
    const v = mi.evaluate(e);
    return v.k === 'json' ? v.of : undefined;
  }
  if (e.t === 'tmpl' && e.heredoc) {
    const { start, end } = e.heredoc.contentSpan;
    const text = file.text.slice(start, end);
    const interps = e.parts.flatMap((p) => (p.k === 'expr' ? [{ start: p.span.start - start, end: p.span.end - start, value: () => mi.evaluate(p.expr), body: file.text.slice(p.span.start + 2, p.span.end - 1).trim() }] : []));
    if (e.parts.some((p) => p.k === 'directive')) return undefined;
    const r0 = renderTemplate(text, undefined, true);
    if (!r0) return undefined;
    return templateJson(text, file.path, start, interps, r0.text);
  }
  if (e.t === 'call' && (e.name === 'file' || e.name === 'templatefile')) {
    const p = mi.evaluate(e.args[0]);
    let rel = '';
    for (const x of p.k === 'str' ? p.parts : [undefined]) {
      if (typeof x === 'string') rel += x;
      else if (x && x.ref === 'path.module' && rel === '') continue;
      else return undefined;
    }
    rel = rel.replace(/^\.?\//, '');
    const dir = file.path.includes('/') ? file.path.slice(0, file.path.lastIndexOf('/') + 1) : '';
    const f = mi.file(dir + rel) ?? mi.file(rel);
    if (f && /\.ya?ml$/i.test(f.path)) return yamlBody(mi, f, e.name === 'templatefile' ? templateVars(mi, e.args[1]) : undefined, e.name === 'templatefile');
    if (!f || f.kind !== 'json') return undefined;
    const vars: TemplateVars = e.name === 'templatefile' ? templateVars(mi, e.args[1]) : undefined;
    if (e.name === 'file') return templateJson(f.text, f.path, 0, [], f.text);
    const rr = renderTemplate(f.text, vars, true);
    if (!rr) return undefined;
    return templateJson(f.text, f.path, 0, rr.interps.map((it) => ({ start: it.start, end: it.end, value: () => it.value, body: it.body })), rr.text);
  }
  return undefined;
}

/** A YAML OpenAPI file (rendered with the call's values for templatefile()) as a value with spans. */
function yamlBody(_mi: ModuleIndex, f: SourceFile, vars: TemplateVars, render: boolean): Value | undefined {
  const rr = render ? renderTemplate(f.text, vars, true) : { text: f.text, interps: [] };
  if (!rr) return undefined;
  const doc = parseTemplate(rr.text, 'yaml');
  if (!doc.root || doc.errors.length) return undefined;
  const go = (n: CNode): Value => {
    const src = fake(n.span);
    if (n.k === 'map') return { k: 'obj', entries: n.entries.map((x) => ({ key: x.key, value: go(x.value) })), src, file: f.path };
    if (n.k === 'seq') return { k: 'list', items: n.items.map(go), src, file: f.path };
    if (n.k === 'fn') return { k: 'unknown', why: 'yaml tag', src, file: f.path };
    const inner = rr.interps.filter((it) => it.start < n.span.end && it.end > n.span.start);
    if (!inner.length) {
      const v = n.value;
      if (typeof v === 'string') return { k: 'str', parts: v === '' ? [] : [v], src, file: f.path };
      if (typeof v === 'number') return { k: 'num', v, src, file: f.path };
      if (typeof v === 'boolean') return { k: 'bool', v, src, file: f.path };
      return { k: 'null', src, file: f.path };
    }
    // a scalar holding interpolations: its text as written, the interpolations with the call's values
    const s0 = n.span.start + (n.quoted ? 1 : 0), s1 = n.span.end - (n.quoted ? 1 : 0);
    const parts: Sym[] = [];
    let cur = s0;
    for (const it of inner) {
      if (it.start > cur) parts.push(f.text.slice(cur, it.start));
      const v = it.value;
      if (v && v.k === 'str') parts.push(...v.parts);
      else if (v && (v.k === 'num' || v.k === 'bool')) parts.push(String(v.v));
      else parts.push({ ref: it.body });
      cur = it.end;
    }
    if (cur < s1) parts.push(f.text.slice(cur, s1));
    // the filler of an unquoted interpolation may be shorter than it (`null` + blanks): the span covers the interpolation
    const span = { start: Math.min(n.span.start, inner[0].start), end: Math.max(n.span.end, inner[inner.length - 1].end) };
    return { k: 'str', parts: concat(parts), src: fake(span), file: f.path };
  };
  return go(doc.root);
}

/** `/orders/{id}` -> `orders/` + atom (REST and HTTP invocation ARNs alike). */
function pathItems(api: string, method: string, path: string, anon: (id: string, forbid: string) => SymItem): SymItem[] {
  const segs = path.replace(/^\//, '').split('/');
  const out: SymItem[] = [];
  segs.forEach((seg, i) => {
    if (i) out.push('/');
    const id = `${api}#${method} ${path}#${i}`;
    out.push(/^\{.+\+\}$/.test(seg) ? opaqueAtom(id) : /^\{.+\}$/.test(seg) ? anon(id, ':/') : seg);
  });
  return out;
}

/** Every operation of the folder's API bodies that integrates with a Lambda function (by its `uri`). */
export function openApiOperations(mi: ModuleIndex): OpenApiOperation[] {
  const out: OpenApiOperation[] = [];
  for (const [type, v2] of [['aws_api_gateway_rest_api', false], ['aws_apigatewayv2_api', true]] as const) {
    for (const r of mi.ofType(type)) {
      if (r.multi) continue;
      const a = attr(r.block, 'body');
      if (!a) continue;
      if (v2 && knownString(mi.evaluate(attr(r.block, 'protocol_type')?.value)) !== 'HTTP') continue;
      const doc = bodyValue(mi, r, a);
      const paths = getKey(doc, 'paths');
      if (!paths || paths.k !== 'obj') continue;
      for (const p of paths.entries) {
        if (p.value.k !== 'obj') continue;
        for (const m of p.value.entries) {
          if (!METHODS.has(m.key.toLowerCase())) continue;
          const integ = getKey(m.value, 'x-amazon-apigateway-integration');
          const itype = knownString(getKey(integ, 'type'))?.toLowerCase();
          if (itype !== 'aws_proxy' && itype !== 'aws') continue;
          const uri = getKey(integ, 'uri');
          if (!uri || !uri.src) continue;
          const cred = getKey(integ, 'credentials');
          const method = m.key.toLowerCase() === 'x-amazon-apigateway-any-method' ? 'ANY' : m.key.toUpperCase();
          const path = p.key;
          out.push({
            api: r, v2, method, path,
            uri: { value: uri, file: uri.file ?? r.file.path, span: uri.src.span },
            credentials: cred && cred.k !== 'null' && cred.src ? { value: cred, file: cred.file ?? r.file.path, span: cred.src.span } : undefined,
            tail: (anon) => ['/', anon(`${r.address}#stage`, ':/'), '/', method === 'ANY' ? anon(`${r.address}#${path}#method`, ':/') : method, '/', ...pathItems(r.address, method, path, anon)],
          });
        }
      }
    }
  }
  return out;
}

/** The execution-ARN token of an API resource. */
export function executionArn(api: Resource): Token {
  return { ref: `${api.address}.execution_arn`, resource: api.address, attr: 'execution_arn' };
}
