/**
 * Folder-wide index of what invokes which Lambda function (triggers -> function, alias, principal,
 * source ARN of the invoker). Implemented with the outage rules; the exposure rules use it to infer
 * the exact `source_arn` of a permission's one invoker.
 */
import type { Attribute, Block, Expr, Span } from './ast';
import { attr, blocksOf, brokenBlock } from './ast';
import type { Facts, Permission } from './facts';
import { text } from './facts';
import type { ModuleIndex, Resource } from './module';
import { exprText } from './module';
import type { Field } from './policy';
import { isServicePrincipal, serviceOf } from './principals';
import { actionLike, and3, arnLike, arnLikeItems, expandToken, opaqueAtom, or3, symItems, ACCOUNT, PARTITION, REGION, type Atom, type ShapeHost, type SymItem, type Tri } from './arn';
import { asList, knownString, soleToken, type Sym, type Token, type Value } from './value';
import { executionArn, openApiOperations } from './openapi';

export interface InvokerExpr {
  /** Terraform expression text of the invoker's source ARN, e.g. `"${aws_api_gateway_rest_api.api.execution_arn}/*\/*"`. */
  hcl: string;
  /** The same for Terraform JSON / JSON policies, e.g. `${aws_api_gateway_rest_api.api.execution_arn}/*\/*`. */
  json: string;
  /** Human description of the invoker, e.g. `aws_api_gateway_rest_api.api`. */
  invoker: string;
}

// ---------- function references ----------

export type Qual =
  | { k: 'none' }
  | { k: 'alias'; alias: Resource; name?: string }
  | { k: 'lit'; name: string }
  | { k: 'version'; ref?: string; /** literal `publish = true`: a numbered version, never the unqualified function */ published?: boolean }
  | { k: 'unknown' };

export type FnRef =
  | { k: 'fn'; fn: Resource; key?: string; qual: Qual; /** reference text of the function, e.g. `aws_lambda_function.x["a"]` */ ref: string }
  /** Definitely none of the folder's functions. */
  | { k: 'other' }
  | { k: 'unknown' };

const FN_ATTRS = new Set(['arn', 'invoke_arn', 'function_name', 'id', 'qualified_arn', 'qualified_invoke_arn']);

function baseRef(tok: Token): string {
  return tok.attr && tok.ref.endsWith('.' + tok.attr) ? tok.ref.slice(0, -tok.attr.length - 1) : tok.ref;
}

/** Placeholders for tokens so symbolic strings can be read with regular expressions. */
function encode(parts: Sym[]): { s: string; toks: Token[] } {
  const toks: Token[] = [];
  let s = '';
  for (const p of parts) {
    if (typeof p === 'string') s += p;
    else { s += `\u0001${toks.length}\u0002`; toks.push(p); }
  }
  return { s, toks };
}
function decode(s: string, toks: Token[]): Sym[] {
  const out: Sym[] = [];
  const re = /\u0001(\d+)\u0002/g;
  let last = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s))) {
    if (m.index > last) out.push(s.slice(last, m.index));
    out.push(toks[Number(m[1])]);
    last = m.index + m[0].length;
  }
  if (last < s.length) out.push(s.slice(last));
  return out;
}

export class Wiring {
  readonly triggers: Trigger[] = [];
  /** Verdicts per trigger (computed once per analysis). */
  readonly verdicts = new Map<Trigger, Verdict>();
  private readonly fnNames = new Map<string, string | undefined>();
  readonly host: ShapeHost;

  constructor(readonly facts: Facts) {
    const mi = facts.module;
    for (const f of mi.ofType('aws_lambda_function')) this.fnNames.set(f.address, f.multi ? undefined : knownString(mi.evaluate(attr(f.block, 'function_name')?.value)));
    const lit = (resource: string, a: string): string | undefined => {
      const r = mi.resources.get(resource);
      if (!r || r.multi) return undefined;
      const x = attr(r.block, a);
      return x ? knownString(mi.evaluate(x.value)) : undefined;
    };
    this.host = {
      literal: lit,
      special: (tok) => {
        if (tok.key !== undefined || !tok.resource) return undefined;
        const r = mi.resources.get(tok.resource);
        if (!r || r.multi) return undefined;
        if (r.type === 'aws_api_gateway_method' && tok.attr === 'http_method') {
          const m = restMethod(mi, r.block);
          return m !== undefined && m !== 'ANY' ? [m] : undefined;
        }
        if ((r.type === 'aws_api_gateway_stage' || r.type === 'aws_apigatewayv2_stage') && tok.attr === 'execution_arn') {
          // arn:{P}:execute-api:{R}:{A}:{api-id}/{stage}
          const v2 = r.type === 'aws_apigatewayv2_stage';
          const api = refTo(mi, mi.evaluate(attr(r.block, v2 ? 'api_id' : 'rest_api_id')?.value), [v2 ? 'aws_apigatewayv2_api' : 'aws_api_gateway_rest_api'], ['id']);
          if (!api || api.tok.key !== undefined) return undefined;
          const exec = expandToken(tokenFor(api.tok, 'execution_arn'), this.host);
          const name = knownString(mi.evaluate(attr(r.block, v2 ? 'name' : 'stage_name')?.value));
          return exec ? [...exec, '/', name ?? anon(r.address + '#stage', ':/')] : undefined;
        }
        if (r.type === 'aws_api_gateway_resource' && tok.attr === 'path') {
          const p = restPath(mi, { k: 'str', parts: [{ ref: r.address + '.id', resource: r.address, attr: 'id' }] });
          return p ? ['/', ...p] : undefined;
        }
        return undefined;
      },
      rulePath: (resource) => {
        const name = lit(resource, 'name');
        if (name === undefined) return undefined;
        const r = mi.resources.get(resource)!;
        const busAttr = attr(r.block, 'event_bus_name');
        if (!busAttr) return name;
        const bus = knownString(mi.evaluate(busAttr.value));
        if (bus === undefined || bus.startsWith('arn:')) return undefined;
        return bus === 'default' ? name : `${bus}/${name}`;
      },
      aliasFunction: (alias) => {
        const r = mi.resources.get(alias);
        const fa = r ? attr(r.block, 'function_name') : undefined;
        if (!fa) return undefined;
        const v = mi.evaluate(fa.value);
        const lits = knownString(v);
        if (lits !== undefined && !lits.includes(':')) return [lits];
        const t = soleToken(v);
        if (t?.resource?.startsWith('aws_lambda_function.') && (t.attr === 'function_name' || t.attr === 'id')) return expandToken(t, this.host);
        if (t?.resource?.startsWith('aws_lambda_function.') && t.attr === 'arn') {
          const items = expandToken({ ...t, attr: 'function_name', ref: baseRef(t) + '.function_name' }, this.host);
          return items;
        }
        return undefined;
      },
    };
    indexTriggers(this, mi);
  }

  /** Items of a value with reference shapes expanded. */
  items(v: Value | undefined, sameIteration = false): SymItem[] | undefined {
    if (!v) return undefined;
    // every permission meets every trigger of its function: a value's items are expanded once (read-only)
    const memo = this.itemsMemo[sameIteration ? 1 : 0];
    if (memo.has(v)) return memo.get(v);
    const host = { ...this.host, sameIteration };
    const out = symItems(v, { expand: (t) => { const a = ATOM_TOKENS.get(t); return a ? [a] : expandToken(t, host); } });
    memo.set(v, out);
    return out;
  }
  private readonly itemsMemo = [new WeakMap<Value, SymItem[] | undefined>(), new WeakMap<Value, SymItem[] | undefined>()];

  arnLike(pattern: Value | undefined, value: Value | undefined, sameIteration = false): Tri {
    const p = this.items(pattern, sameIteration), v = this.items(value, sameIteration);
    if (!p || !v) return 'unknown';
    return arnLikeItems(p, v);
  }

  /** Which function (and qualifier) a value names: a reference, a name, an ARN, an API Gateway invocation URI. */
  resolveFn(v: Value | undefined): FnRef {
    const mi = this.facts.module;
    if (!v || v.k !== 'str') return { k: 'unknown' };
    const tok = soleToken(v);
    if (tok) {
      const r = tok.resource ? mi.resources.get(tok.resource) : undefined;
      if (r && r.type === 'aws_lambda_function' && tok.attr && FN_ATTRS.has(tok.attr)) {
        if (r.multi !== (tok.key !== undefined)) return { k: 'unknown' };
        const pub = mi.evaluate(attr(r.block, 'publish')?.value);
        const qual: Qual = tok.attr.startsWith('qualified_') ? { k: 'version', ref: baseRef(tok) + '.version', published: pub.k === 'bool' && pub.v } : { k: 'none' };
        return { k: 'fn', fn: r, key: tok.key, qual, ref: baseRef(tok) };
      }
      if (r && r.type === 'aws_lambda_alias' && !r.multi && tok.key === undefined && (tok.attr === 'arn' || tok.attr === 'invoke_arn' || tok.attr === 'function_name')) {
        const fa = attr(r.block, 'function_name');
        const inner = this.resolveFn(fa ? mi.evaluate(fa.value) : undefined);
        if (inner.k !== 'fn' || tok.attr === 'function_name') return inner;
        if (inner.qual.k !== 'none') return { k: 'unknown' };
        const na = attr(r.block, 'name');
        return { ...inner, qual: { k: 'alias', alias: r, name: na ? knownString(mi.evaluate(na.value)) : undefined } };
      }
      if (r && (r.type === 'aws_lambda_function' || r.type === 'aws_lambda_alias')) return { k: 'unknown' };
      // a resource of the folder that is no function, or a resource that does not exist (Terraform rejects the reference)
      if (tok.resource && !tok.resource.startsWith('data.') && !tok.resource.startsWith('module.')) return { k: 'other' };
      return { k: 'unknown' };
    }
    const { s, toks } = encode(v.parts);
    const inv = /^arn:[^:\u0001]*:apigateway:[^:]*:lambda:path\/[0-9-]+\/functions\/(.+)\/invocations$/.exec(s);
    if (inv) return this.resolveFn({ k: 'str', parts: decode(inv[1], toks) });
    if (s.startsWith('arn:')) {
      const m = /^arn:[^:]*:lambda:[^:]*:[^:]*:function:([^:]+)(?::([^:]+))?$/.exec(s);
      if (!m) return /^arn:[a-z-]*:[a-z0-9-]+:/.test(s) && !/^arn:[^:]*:lambda:/.test(s) ? { k: 'other' } : { k: 'unknown' };
      const name = this.resolveName(decode(m[1], toks));
      if (name.k !== 'fn' || m[2] === undefined) return name;
      if (name.qual.k !== 'none') return { k: 'unknown' };
      return { ...name, qual: this.qualOf(decode(m[2], toks)) };
    }
    if (/^[^\u0001:]+$/.test(s)) return this.resolveName([s]);
    if (/^[^\u0001]*:/.test(s)) return { k: 'unknown' };
    return this.resolveName(v.parts);
  }

  private resolveName(parts: Sym[]): FnRef {
    if (parts.length === 1 && typeof parts[0] !== 'string') {
      const t = parts[0];
      if (t.attr === 'function_name' || t.attr === 'id') return this.resolveFn({ k: 'str', parts });
      return { k: 'unknown' };
    }
    if (parts.length === 1 && typeof parts[0] === 'string') {
      const name = parts[0];
      let unknownName = false;
      for (const f of this.facts.module.ofType('aws_lambda_function')) {
        const n = this.fnNames.get(f.address);
        if (n === name) return { k: 'fn', fn: f, qual: { k: 'none' }, ref: f.address };
        if (n === undefined) unknownName = true;
      }
      return unknownName ? { k: 'unknown' } : { k: 'other' };
    }
    return { k: 'unknown' };
  }

  /** A qualifier given as text or reference. */
  qualOf(parts: Sym[] | undefined): Qual {
    if (!parts) return { k: 'none' };
    const mi = this.facts.module;
    if (parts.length === 1 && typeof parts[0] === 'string') return { k: 'lit', name: parts[0] };
    if (parts.length === 1) {
      const t = parts[0] as Token;
      const r = t.resource ? mi.resources.get(t.resource) : undefined;
      if (r?.type === 'aws_lambda_alias' && !r.multi && t.attr === 'name') {
        const na = attr(r.block, 'name');
        return { k: 'alias', alias: r, name: na ? knownString(mi.evaluate(na.value)) : undefined };
      }
      if (r?.type === 'aws_lambda_function' && t.attr === 'version') return { k: 'version', ref: t.ref };
    }
    return { k: 'unknown' };
  }

  /** The function a permission is on, with its qualifier (from the ARN and the `qualifier` attribute). */
  permFn(p: Permission): FnRef {
    const cached = this.permCache.get(p);
    if (cached) return cached;
    // an unfinished permission (no function_name or principal, both required) grants nothing
    // (in a block the parser had to recover, an argument may be missing only because the error swallowed it: unknown)
    if (p.origin === 'tf' && (!p.functionName || !p.principal)) { const r: FnRef = p.resource && brokenBlock(p.resource.block) ? { k: 'unknown' } : { k: 'other' }; this.permCache.set(p, r); return r; }
    let r = this.resolveFn(p.functionName?.value);
    if (r.k === 'fn' && p.qualifier) {
      const q = p.qualifier.value;
      const qual = q.k === 'str' ? this.qualOf(q.parts.length ? q.parts : undefined) : q.k === 'null' ? ({ k: 'none' } as Qual) : ({ k: 'unknown' } as Qual);
      if (r.qual.k !== 'none' && qual.k !== 'none') r = { k: 'unknown' };
      else if (qual.k !== 'none') r = { ...r, qual };
    }
    this.permCache.set(p, r);
    return r;
  }
  private readonly permCache = new Map<Permission, FnRef>();

  /**
   * The permissions whose coverage of a trigger on function `fn` may be other than a definite no-match
   * (sameFn is 'no-match' for a permission on another function or on a non-function): those on `fn` and
   * those whose function is unknown, in the folder's order. Saves meeting every permission with every trigger.
   */
  permsOn(fn: Resource): Permission[] {
    let list = this.permsByFn.get(fn);
    if (!list) {
      list = this.facts.permissions.filter((p) => { const pf = this.permFn(p); return pf.k === 'unknown' || (pf.k === 'fn' && pf.fn === fn); });
      this.permsByFn.set(fn, list);
    }
    return list;
  }
  private readonly permsByFn = new Map<Resource, Permission[]>();

  /** The triggers on function `fn` (t.fn.k === 'fn'), in the folder's order. */
  triggersOn(fn: Resource): Trigger[] {
    if (!this.trigsByFn) {
      this.trigsByFn = new Map();
      for (const t of this.triggers) {
        if (t.fn.k !== 'fn') continue;
        const l = this.trigsByFn.get(t.fn.fn);
        if (l) l.push(t); else this.trigsByFn.set(t.fn.fn, [t]);
      }
    }
    return this.trigsByFn.get(fn) ?? [];
  }
  private trigsByFn: Map<Resource, Trigger[]> | undefined;
}

/** Same function instance? */
export function sameFn(a: FnRef, b: FnRef, sameIteration: boolean): Tri {
  if (a.k === 'unknown' || b.k === 'unknown') return 'unknown';
  if (a.k === 'other' || b.k === 'other') return a.k === 'fn' || b.k === 'fn' ? 'no-match' : 'unknown';
  if (a.fn !== b.fn) return 'no-match';
  if (a.key === undefined && b.key === undefined) return 'match';
  if (a.key === undefined || b.key === undefined) return 'unknown';
  const lit = (k: string): boolean => /^(".*"|\d+)$/.test(k);
  if (lit(a.key) && lit(b.key)) return a.key === b.key ? 'match' : 'no-match';
  if (a.key === b.key && sameIteration) return 'match';
  return 'unknown';
}

export function sameQual(a: Qual, b: Qual): Tri {
  if (a.k === 'unknown' || b.k === 'unknown') return 'unknown';
  // a published version (`publish = true`) is a number: a permission on the unqualified function does not cover it
  if (a.k === 'none' || b.k === 'none') return a.k === b.k ? 'match' : a.k === 'version' || b.k === 'version' ? ((a.k === 'version' && a.published) || (b.k === 'version' && b.published) ? 'no-match' : 'unknown') : 'no-match';
  if (a.k === 'version' || b.k === 'version') return a.k === 'version' && b.k === 'version' && a.ref && a.ref === b.ref ? 'match' : 'unknown';
  const name = (q: Qual): string | undefined => (q.k === 'alias' ? q.name : q.k === 'lit' ? q.name : undefined);
  if (a.k === 'alias' && b.k === 'alias' && a.alias === b.alias) return 'match';
  const na = name(a), nb = name(b);
  if (na !== undefined && nb !== undefined) return na === nb ? 'match' : 'no-match';
  if (a.k === 'alias' && b.k === 'alias') {
    // two aliases of the same function have different names
    const fa = attr(a.alias.block, 'function_name'), fb = attr(b.alias.block, 'function_name');
    if (fa && fb && exprText(fa.value) === exprText(fb.value) && fa.value.t === 'trav') return 'no-match';
  }
  return 'unknown';
}

export function qualText(q: Qual): string {
  if (q.k === 'alias') return `alias ${q.alias.address}`;
  if (q.k === 'lit') return `qualifier "${q.name}"`;
  if (q.k === 'version') return 'a published version';
  if (q.k === 'none') return 'the unqualified function';
  return 'an unknown qualifier';
}

// ---------- triggers ----------

export type TriggerKind = 'rest-integration' | 'rest-authorizer' | 'v2-integration' | 'v2-authorizer' | 's3' | 'sns' | 'events' | 'logs' | 'alb' | 'cognito' | 'iot';

export interface Trigger {
  kind: TriggerKind;
  /** The trigger resource. */
  resource: Resource;
  /** The value that names the function (where findings are reported). */
  fnField: Field;
  /** The attribute naming the function (for messages). */
  fnAttr: string;
  fn: FnRef;
  principal: string;
  service: string;
  /** The source ARN the service presents when it invokes (symbolic), undefined when unknown. */
  source?: Value;
  /** The invoker and its source-ARN expression for fixes, when known. */
  invoker?: InvokerExpr & { resource?: Resource };
  /** Human name of the invoker when the expression is unknown. */
  invokerName: string;
  /** API Gateway: the `credentials` value (an IAM role). */
  credentials?: Field;
  /** What breaks, e.g. `every request to POST /orders will fail with 500`. */
  effect: string;
  /** Block whose span a fix inserts after (the trigger's top-level block). */
  label: string;
  /** What triggers, when the folder shows it (for the wiring graph): `POST /orders`, `GET /items`, `s3:ObjectCreated:*`, `pre_sign_up`. */
  detail?: string;
}

function field(mi: ModuleIndex, r: Resource, a: Attribute | undefined): Field | undefined {
  if (!a) return undefined;
  return { value: mi.evaluate(a.value), file: r.file.path, span: a.value.span };
}

/** A token for `resource.attr` (keeping the instance key of `ref`). */
function tokenFor(tok: Token, attrName: string): Token {
  return { ref: baseRef(tok) + '.' + attrName, resource: tok.resource, attr: attrName, key: tok.key };
}
function tokValue(t: Token): Value { return { k: 'str', parts: [t] }; }
function invokerOf(t: Token, suffix = '', resource?: Resource): InvokerExpr & { resource?: Resource } {
  const hcl = suffix ? `"\${${t.ref}}${suffix}"` : t.ref;
  const at = t.resource ? t.resource.indexOf('@') : -1; // an invoker in a module instance (model/config.ts)
  return { hcl, json: `\${${t.ref}}${suffix}`, invoker: baseRef(t) + (at < 0 ? '' : t.resource!.slice(at)), resource };
}

/** A token naming a resource of `types` through one of `attrs` (`aws_s3_bucket.b.id`). */
function refTo(mi: ModuleIndex, v: Value | undefined, types: string[], attrs: string[]): { tok: Token; r: Resource } | undefined {
  const t = soleToken(v);
  if (!t?.resource || !t.attr || !attrs.includes(t.attr)) return undefined;
  const r = mi.resources.get(t.resource);
  if (!r || !types.includes(r.type)) return undefined;
  if (r.multi !== (t.key !== undefined)) return undefined;
  return { tok: t, r };
}

function anon(id: string, forbid: string): Atom { return { id, cls: 'anon', forbid, distinct: false, opaque: false }; }

/** Literal text of an attribute, following `aws_api_gateway_method.m.http_method`. */
function restMethod(mi: ModuleIndex, b: Block): string | undefined {
  const a = attr(b, 'http_method');
  if (!a) return undefined;
  const v = mi.evaluate(a.value);
  const lit = knownString(v);
  if (lit !== undefined) return lit;
  const ref = refTo(mi, v, ['aws_api_gateway_method'], ['http_method']);
  if (ref && !ref.r.multi) { const m = attr(ref.r.block, 'http_method'); return m ? knownString(mi.evaluate(m.value)) : undefined; }
  return undefined;
}

/** Resource path of a REST resource id as items (`orders/{id}` -> `orders/` + atom), undefined when unknown. */
function restPath(mi: ModuleIndex, v: Value | undefined, depth = 0): SymItem[] | undefined {
  if (depth > 20) return undefined;
  const t = soleToken(v);
  if (!t?.resource) return undefined;
  if (t.resource.startsWith('aws_api_gateway_rest_api.') && t.attr === 'root_resource_id') return [];
  const r = mi.resources.get(t.resource);
  if (r && !r.multi && r.type === 'aws_api_gateway_method' && t.attr === 'resource_id') return restPath(mi, mi.evaluate(attr(r.block, 'resource_id')?.value), depth + 1);
  if (!r || r.multi || r.type !== 'aws_api_gateway_resource' || t.attr !== 'id') return undefined;
  const part = knownString(mi.evaluate(attr(r.block, 'path_part')?.value));
  if (part === undefined) return undefined;
  const parent = restPath(mi, mi.evaluate(attr(r.block, 'parent_id')?.value), depth + 1);
  if (!parent) return undefined;
  const seg: SymItem = /^\{.+\+\}$/.test(part) ? opaqueAtom(r.address + '#greedy') : /^\{.+\}$/.test(part) ? anon(r.address + '#param', ':/') : part;
  return parent.length ? [...parent, '/', seg] : [seg];
}

/** Invocation-ARN tail of an HTTP/WebSocket route key: `GET /orders/{id}` -> `GET/orders/` + atom; `$connect`; `sendMessage`. */
function v2RouteItems(route: string, key: string): SymItem[] | undefined {
  if (/^\$[a-zA-Z]+$/.test(key)) return [key];
  const m = /^([A-Z]+) \/(.*)$/.exec(key);
  if (!m) return /^[^\s*?:/]+$/.test(key) ? [key] : undefined; // a WebSocket route key (`sendMessage`): literal
  const out: SymItem[] = [m[1] === 'ANY' ? anon(route + '#method', ':/') : m[1], '/'];
  const segs = m[2] === '' ? [] : m[2].split('/');
  segs.forEach((seg, i) => {
    if (i) out.push('/');
    out.push(/^\{.+\+\}$/.test(seg) ? opaqueAtom(route + '#greedy') : /^\{.+\}$/.test(seg) ? anon(route + '#p' + i, ':/') : seg);
  });
  return out;
}

function pathText(items: SymItem[]): string {
  return '/' + items.map((i) => (typeof i === 'string' ? i : i.opaque ? '{proxy+}' : '{param}')).join('');
}

function indexTriggers(w: Wiring, mi: ModuleIndex): void {
  const add = (t: Omit<Trigger, 'service' | 'label'> & { label?: string }): void => {
    w.triggers.push({ ...t, service: serviceOf(t.principal), label: t.label ?? t.resource.address });
  };
  const apigw = 'apigateway.amazonaws.com';

  // REST API integrations and authorizers
  for (const r of mi.ofType('aws_api_gateway_integration')) {
    const type = knownString(mi.evaluate(attr(r.block, 'type')?.value));
    if (type !== 'AWS' && type !== 'AWS_PROXY') continue;
    const uri = field(mi, r, attr(r.block, 'uri'));
    if (!uri) continue;
    const fn = w.resolveFn(uri.value);
    if (fn.k !== 'fn') continue;
    const api = refTo(mi, mi.evaluate(attr(r.block, 'rest_api_id')?.value), ['aws_api_gateway_rest_api'], ['id']);
    const method = restMethod(mi, r.block);
    const path = restPath(mi, mi.evaluate(attr(r.block, 'resource_id')?.value));
    const exec = api ? tokenFor(api.tok, 'execution_arn') : undefined;
    const methodItem: SymItem = method && method !== 'ANY' ? method : anon(r.address + '#method', ':/');
    const source: Value | undefined = exec ? { k: 'str', parts: [exec] } : undefined;
    const what = method && path ? `${method} ${pathText(path)}` : undefined;
    add({
      kind: 'rest-integration', resource: r, fnField: uri, fnAttr: 'uri', fn, principal: apigw,
      source: source && itemsValue(w, source, ['/', anon(r.address + '#stage', ':/'), '/', methodItem, '/', ...(path ?? [opaqueAtom(r.address + '#path')])]),
      invoker: exec ? invokerOf(exec, '/*/*', api!.r) : undefined,
      invokerName: api ? api.r.address : 'the REST API',
      credentials: field(mi, r, attr(r.block, 'credentials')),
      effect: what ? `every request to ${what} will fail with 500` : 'every request through this integration will fail with 500',
      detail: what,
    });
  }
  for (const r of mi.ofType('aws_api_gateway_authorizer')) {
    const uri = field(mi, r, attr(r.block, 'authorizer_uri'));
    if (!uri) continue;
    const fn = w.resolveFn(uri.value);
    if (fn.k !== 'fn') continue;
    const api = refTo(mi, mi.evaluate(attr(r.block, 'rest_api_id')?.value), ['aws_api_gateway_rest_api'], ['id']);
    const exec = api ? tokenFor(api.tok, 'execution_arn') : undefined;
    const self: Token = { ref: r.address + '.id', resource: r.address, attr: 'id' };
    add({
      kind: 'rest-authorizer', resource: r, fnField: uri, fnAttr: 'authorizer_uri', fn, principal: apigw,
      source: exec && !r.multi ? { k: 'str', parts: [exec, '/authorizers/', self] } : undefined,
      invoker: exec && !r.multi ? { ...invokerOf(exec, '/authorizers/${' + self.ref + '}', api!.r) } : undefined,
      invokerName: api ? api.r.address : 'the REST API',
      credentials: field(mi, r, attr(r.block, 'authorizer_credentials')),
      effect: 'every request it authorizes will fail with 500',
    });
  }
  // HTTP / WebSocket APIs
  for (const r of mi.ofType('aws_apigatewayv2_integration')) {
    const type = knownString(mi.evaluate(attr(r.block, 'integration_type')?.value));
    if (type !== 'AWS_PROXY') continue;
    const uri = field(mi, r, attr(r.block, 'integration_uri'));
    if (!uri) continue;
    const fn = w.resolveFn(uri.value);
    if (fn.k !== 'fn') continue;
    const api = refTo(mi, mi.evaluate(attr(r.block, 'api_id')?.value), ['aws_apigatewayv2_api'], ['id']);
    const exec = api ? tokenFor(api.tok, 'execution_arn') : undefined;
    // the one route that targets this integration, when the folder shows it
    const routes = r.multi ? [] : mi.ofType('aws_apigatewayv2_route').filter((x) => {
      const tv = mi.evaluate(attr(x.block, 'target')?.value);
      return tv.k === 'str' && tv.parts.length === 2 && tv.parts[0] === 'integrations/' && typeof tv.parts[1] !== 'string' && tv.parts[1].resource === r.address && tv.parts[1].attr === 'id' && tv.parts[1].key === undefined;
    });
    // several routes on one integration: one trigger per route (each must be covered), when every route is known
    const keyed = routes.length > 1 && routes.every((x) => !x.multi) ? routes.map((x) => ({ x, key: knownString(mi.evaluate(attr(x.block, 'route_key')?.value)) })) : [];
    const perRoute = keyed.length > 1 && keyed.every((k) => k.key !== undefined && v2RouteItems(k.x.address, k.key)) ? keyed : [{ x: routes[0], key: routes.length === 1 && !routes[0].multi ? knownString(mi.evaluate(attr(routes[0].block, 'route_key')?.value)) : undefined }];
    for (const { x: route, key: routeKey } of perRoute) {
    const routeItems = routeKey !== undefined ? v2RouteItems(route.address, routeKey) : undefined;
    add({
      kind: 'v2-integration', resource: r, fnField: uri, fnAttr: 'integration_uri', fn, principal: apigw,
      source: exec ? { k: 'str', parts: [exec] } : undefined,
      invoker: exec ? invokerOf(exec, '/*/*', api!.r) : undefined,
      invokerName: api ? api.r.address : 'the API',
      credentials: field(mi, r, attr(r.block, 'credentials_arn')),
      effect: routeKey !== undefined && routeItems ? `every request to ${routeKey} will fail with 500` : 'every request to its routes will fail with 500',
      detail: routeKey,
    });
    const last = w.triggers[w.triggers.length - 1];
    if (last.source) last.source = itemsValue(w, last.source, ['/', anon(r.address + '#stage', ':/'), '/', ...(routeItems ?? [opaqueAtom(r.address + '#route')])]);
    }
  }
  for (const r of mi.ofType('aws_apigatewayv2_authorizer')) {
    const type = knownString(mi.evaluate(attr(r.block, 'authorizer_type')?.value));
    if (type !== 'REQUEST') continue;
    const uri = field(mi, r, attr(r.block, 'authorizer_uri'));
    if (!uri) continue;
    const fn = w.resolveFn(uri.value);
    if (fn.k !== 'fn') continue;
    const api = refTo(mi, mi.evaluate(attr(r.block, 'api_id')?.value), ['aws_apigatewayv2_api'], ['id']);
    const exec = api ? tokenFor(api.tok, 'execution_arn') : undefined;
    const self: Token = { ref: r.address + '.id', resource: r.address, attr: 'id' };
    add({
      kind: 'v2-authorizer', resource: r, fnField: uri, fnAttr: 'authorizer_uri', fn, principal: apigw,
      source: exec && !r.multi ? { k: 'str', parts: [exec, '/authorizers/', self] } : undefined,
      invoker: exec && !r.multi ? invokerOf(exec, '/authorizers/${' + self.ref + '}', api!.r) : undefined,
      invokerName: api ? api.r.address : 'the API',
      credentials: field(mi, r, attr(r.block, 'authorizer_credentials_arn')),
      effect: 'every request it authorizes will fail with 500',
    });
  }
  // S3 bucket notifications
  for (const r of mi.ofType('aws_s3_bucket_notification')) {
    const bv = mi.evaluate(attr(r.block, 'bucket')?.value);
    const b = refTo(mi, bv, ['aws_s3_bucket'], ['id', 'bucket']);
    const lit = knownString(bv);
    let source: Value | undefined, invoker: Trigger['invoker'];
    if (b) { const t = tokenFor(b.tok, 'arn'); source = tokValue(t); invoker = invokerOf(t, '', b.r); }
    else if (lit !== undefined && lit && !lit.includes(':')) { source = { k: 'str', parts: ['arn:', tokP(), `:s3:::${lit}`] }; invoker = { hcl: JSON.stringify(`arn:aws:s3:::${lit}`), json: `arn:aws:s3:::${lit}`, invoker: `bucket ${lit}` }; }
    for (const lf of blocksOf(r.block, 'lambda_function')) {
      const a = attr(lf, 'lambda_function_arn');
      const f = field(mi, r, a);
      if (!f) continue;
      const fn = w.resolveFn(f.value);
      if (fn.k !== 'fn') continue;
      const events = asList(mi.evaluate(attr(lf, 'events')?.value)).map((e) => knownString(e));
      add({ kind: 's3', resource: r, fnField: f, fnAttr: 'lambda_function_arn', fn, principal: 's3.amazonaws.com', source, invoker, invokerName: b ? b.r.address : 'the bucket', effect: `S3 event notifications from ${b ? b.r.address : 'the bucket'} will not be delivered`, detail: events.length && events.every((e) => e !== undefined) ? events.join(', ') : undefined });
    }
  }
  // SNS subscriptions
  for (const r of mi.ofType('aws_sns_topic_subscription')) {
    if (knownString(mi.evaluate(attr(r.block, 'protocol')?.value)) !== 'lambda') continue;
    const f = field(mi, r, attr(r.block, 'endpoint'));
    if (!f) continue;
    const fn = w.resolveFn(f.value);
    if (fn.k !== 'fn') continue;
    const ta = attr(r.block, 'topic_arn');
    const tv = mi.evaluate(ta?.value);
    const topic = refTo(mi, tv, ['aws_sns_topic'], ['arn', 'id']);
    const t = topic ? tokenFor(topic.tok, 'arn') : undefined;
    const lit = knownString(tv);
    const invoker = t ? invokerOf(t, '', topic!.r) : lit?.startsWith('arn:') ? { hcl: JSON.stringify(lit), json: lit, invoker: lit } : undefined;
    add({ kind: 'sns', resource: r, fnField: f, fnAttr: 'endpoint', fn, principal: 'sns.amazonaws.com', source: t ? tokValue(t) : lit?.startsWith('arn:') ? tv : undefined, invoker, invokerName: topic ? topic.r.address : 'the topic', effect: `messages published to ${topic ? topic.r.address : 'the topic'} will not be delivered to the function` });
  }
  // EventBridge targets
  for (const r of mi.ofType('aws_cloudwatch_event_target')) {
    const f = field(mi, r, attr(r.block, 'arn'));
    if (!f) continue;
    const fn = w.resolveFn(f.value);
    if (fn.k !== 'fn') continue;
    const rv = mi.evaluate(attr(r.block, 'rule')?.value);
    let rule = refTo(mi, rv, ['aws_cloudwatch_event_rule'], ['name', 'id']);
    const lit = knownString(rv);
    if (!rule && lit !== undefined) {
      const hits = mi.ofType('aws_cloudwatch_event_rule').filter((x) => !x.multi && knownString(mi.evaluate(attr(x.block, 'name')?.value)) === lit);
      if (hits.length === 1) rule = { tok: { ref: hits[0].address + '.name', resource: hits[0].address, attr: 'name' }, r: hits[0] };
    }
    const t = rule ? tokenFor(rule.tok, 'arn') : undefined;
    add({ kind: 'events', resource: r, fnField: f, fnAttr: 'arn', fn, principal: 'events.amazonaws.com', source: t ? tokValue(t) : undefined, invoker: t ? invokerOf(t, '', rule!.r) : undefined, invokerName: rule ? rule.r.address : 'the rule', effect: `events matched by ${rule ? rule.r.address : 'the rule'} will not invoke the function` });
  }
  // CloudWatch Logs subscription filters
  for (const r of mi.ofType('aws_cloudwatch_log_subscription_filter')) {
    const f = field(mi, r, attr(r.block, 'destination_arn'));
    if (!f) continue;
    const fn = w.resolveFn(f.value);
    if (fn.k !== 'fn') continue;
    const gv = mi.evaluate(attr(r.block, 'log_group_name')?.value);
    let g = refTo(mi, gv, ['aws_cloudwatch_log_group'], ['name', 'id']);
    const lit = knownString(gv);
    if (!g && lit !== undefined) {
      const hits = mi.ofType('aws_cloudwatch_log_group').filter((x) => !x.multi && knownString(mi.evaluate(attr(x.block, 'name')?.value)) === lit);
      if (hits.length === 1) g = { tok: { ref: hits[0].address + '.name', resource: hits[0].address, attr: 'name' }, r: hits[0] };
    }
    const t = g ? tokenFor(g.tok, 'arn') : undefined;
    const source: Value | undefined = t ? { k: 'str', parts: [t, ':*'] } : lit !== undefined ? { k: 'str', parts: ['arn:', tokP(), ':logs:', tokR(), ':', tokA(), `:log-group:${lit}:*`] } : undefined;
    add({ kind: 'logs', resource: r, fnField: f, fnAttr: 'destination_arn', fn, principal: 'logs.amazonaws.com', source, invoker: t ? invokerOf(t, ':*', g!.r) : undefined, invokerName: g ? g.r.address : 'the log group', effect: `log events of ${g ? g.r.address : 'the log group'} will not be delivered to the function` });
  }
  // ALB target group attachments
  for (const r of [...mi.ofType('aws_lb_target_group_attachment'), ...mi.ofType('aws_alb_target_group_attachment')]) {
    const f = field(mi, r, attr(r.block, 'target_id'));
    if (!f) continue;
    const fn = w.resolveFn(f.value);
    if (fn.k !== 'fn') continue;
    const tg = refTo(mi, mi.evaluate(attr(r.block, 'target_group_arn')?.value), ['aws_lb_target_group', 'aws_alb_target_group'], ['arn', 'id']);
    if (tg && knownString(mi.evaluate(attr(tg.r.block, 'target_type')?.value)) !== 'lambda') continue;
    const t = tg ? tokenFor(tg.tok, 'arn') : undefined;
    add({ kind: 'alb', resource: r, fnField: f, fnAttr: 'target_id', fn, principal: 'elasticloadbalancing.amazonaws.com', source: t ? tokValue(t) : undefined, invoker: t ? invokerOf(t, '', tg!.r) : undefined, invokerName: tg ? tg.r.address : 'the target group', effect: `every request the load balancer forwards to ${tg ? tg.r.address : 'the target group'} will fail with 502` });
  }
  // Cognito user pool triggers
  const COGNITO = ['create_auth_challenge', 'custom_message', 'define_auth_challenge', 'post_authentication', 'post_confirmation', 'pre_authentication', 'pre_sign_up', 'pre_token_generation', 'user_migration', 'verify_auth_challenge_response'];
  for (const r of mi.ofType('aws_cognito_user_pool')) {
    const self: Token = { ref: r.address + '.arn', resource: r.address, attr: 'arn' };
    for (const lc of blocksOf(r.block, 'lambda_config')) {
      const fields: { name: string; a: Attribute }[] = [];
      for (const a of lc.attrs) if (COGNITO.includes(a.name)) fields.push({ name: a.name, a });
      for (const nb of lc.blocks) if (['custom_sms_sender', 'custom_email_sender', 'pre_token_generation_config'].includes(nb.type)) { const a = attr(nb, 'lambda_arn'); if (a) fields.push({ name: nb.type + '.lambda_arn', a }); }
      for (const x of fields) {
        const f = field(mi, r, x.a)!;
        const fn = w.resolveFn(f.value);
        if (fn.k !== 'fn') continue;
        add({ kind: 'cognito', resource: r, fnField: f, fnAttr: x.name, fn, principal: 'cognito-idp.amazonaws.com', source: r.multi ? undefined : tokValue(self), invoker: r.multi ? undefined : invokerOf(self, '', r), invokerName: r.address, effect: `the ${x.name.replace(/\..*/, '')} trigger of ${r.address} will fail`, detail: x.name.replace(/\..*/, '') });
      }
    }
  }
  // IoT topic rules
  for (const r of mi.ofType('aws_iot_topic_rule')) {
    const self: Token = { ref: r.address + '.arn', resource: r.address, attr: 'arn' };
    const blocks = [...blocksOf(r.block, 'lambda'), ...blocksOf(r.block, 'error_action').flatMap((e) => blocksOf(e, 'lambda'))];
    for (const lb of blocks) {
      const f = field(mi, r, attr(lb, 'function_arn'));
      if (!f) continue;
      const fn = w.resolveFn(f.value);
      if (fn.k !== 'fn') continue;
      add({ kind: 'iot', resource: r, fnField: f, fnAttr: 'function_arn', fn, principal: 'iot.amazonaws.com', source: r.multi ? undefined : tokValue(self), invoker: r.multi ? undefined : invokerOf(self, '', r), invokerName: r.address, effect: `messages matched by ${r.address} will not invoke the function` });
    }
  }
  // OpenAPI bodies of REST and HTTP APIs (openapi.ts): one trigger per operation
  for (const op of openApiOperations(mi)) {
    const fn = w.resolveFn(op.uri.value);
    if (fn.k !== 'fn') continue;
    const exec = executionArn(op.api);
    add({
      kind: op.v2 ? 'v2-integration' : 'rest-integration', resource: op.api, fnField: op.uri, fnAttr: 'uri', fn, principal: apigw,
      source: itemsValue(w, tokValue(exec), op.tail(anon)), invoker: invokerOf(exec, '/*/*', op.api), invokerName: op.api.address,
      credentials: op.credentials, effect: `every request to ${op.method} ${op.path} will fail with 500`,
    });
  }
}

function tokP(): Token { return { ref: 'data.aws_partition.current.partition', resource: 'data.aws_partition.current', attr: 'partition' }; }
function tokR(): Token { return { ref: 'data.aws_region.current.name', resource: 'data.aws_region.current', attr: 'name' }; }
function tokA(): Token { return { ref: 'data.aws_caller_identity.current.account_id', resource: 'data.aws_caller_identity.current', attr: 'account_id' }; }

/** A value whose items are given (atoms kept through special tokens). */
const ATOM_TOKENS = new WeakMap<Token, Atom>();
function itemsValue(_w: Wiring, base: Value, rest: SymItem[]): Value {
  const parts: Sym[] = base.k === 'str' ? [...base.parts] : [];
  for (const it of rest) {
    if (typeof it === 'string') parts.push(it);
    else { const t: Token = { ref: '<' + it.id + '>' }; ATOM_TOKENS.set(t, it); parts.push(t); }
  }
  return { k: 'str', parts };
}
/** Expands a token that stands for an atom of a trigger's source ARN. */
export function atomOfToken(t: Token): Atom | undefined { return ATOM_TOKENS.get(t); }

// ---------- permissions vs triggers ----------

export interface Coverage {
  fn: Tri; qual: Tri; principal: Tri; action: Tri; source: Tri; rest: Tri;
  /** CloudFormation `Condition`: 'no-match' when the permission may be absent while the trigger exists. */
  cond?: Tri;
  all: Tri;
}

const INVOKE = 'lambda:InvokeFunction';

const PRINCIPAL_COVERED = new WeakMap<Permission, Map<string, Tri>>();

export function principalCovers(p: Permission, principal: string): Tri {
  // asked for every trigger the permission meets: once per permission and principal (a permission's facts never change)
  let m = PRINCIPAL_COVERED.get(p);
  if (!m) { m = new Map(); PRINCIPAL_COVERED.set(p, m); }
  let v = m.get(principal);
  if (v === undefined) { v = principalCoversText(p, principal); m.set(principal, v); }
  return v;
}

function principalCoversText(p: Permission, principal: string): Tri {
  let t = text(p.principal);
  // `logs.${region}.amazonaws.com` (a regional principal whose region is a token) still names its service
  const v = p.principal?.value;
  if (t === undefined && v?.k === 'str' && v.parts.length > 1 && v.parts.every((x) => typeof x === 'string' || x.resource === 'data.aws_region.current')) {
    t = v.parts.map((x) => (typeof x === 'string' ? x : 'us-east-1')).join('');
    if (!isServicePrincipal(t)) return 'unknown';
  }
  // otherwise its known prefix and suffix may still rule the service out (`logs.${var.x}.amazonaws.com` is not s3)
  if (t === undefined) return p.principal ? partialPrincipal(p.principal.value, principal) : 'unknown';
  if (t === '*') return 'match';
  if (p.origin === 'json' && p.principalType && p.principalType !== 'Service') return 'no-match';
  if (!isServicePrincipal(t)) return 'no-match';
  return serviceOf(t) === serviceOf(principal) ? 'match' : 'no-match';
}

/**
 * A principal with unknown parts (`"logs.${data.aws_region.current.name}.amazonaws.com"`): its known
 * prefix and suffix still rule services out. `no-match` only when no value of the unknown parts can
 * make it `*` or a principal of the service of `principal`.
 */
export function partialPrincipal(v: Value, principal: string): Tri {
  if (v.k !== 'str' || !v.parts.length) return 'unknown';
  const lits = v.parts.filter((x): x is string => typeof x === 'string').join('');
  if (/^\**$/.test(lits)) return 'unknown'; // may be "*"
  const head = typeof v.parts[0] === 'string' ? v.parts[0] : '';
  const last = v.parts[v.parts.length - 1];
  const tail = typeof last === 'string' ? last : '';
  const svc = serviceOf(principal);
  // every principal of the service: `svc.amazonaws.com`, `svc.{region}.amazonaws.com`, with `.cn` in China
  const headOk = (svc + '.').startsWith(head) || head.startsWith(svc + '.');
  const tailOk = ['.amazonaws.com', '.amazonaws.com.cn'].some((e) => e.endsWith(tail) || tail.endsWith(e));
  return headOk && tailOk ? 'unknown' : 'no-match';
}

const INVOKE_COVERED = new WeakMap<Permission, Tri>();

export function actionCovers(p: Permission, action = INVOKE): Tri {
  if (action === INVOKE) {
    // asked for every trigger the permission meets: once per permission (a permission's facts never change)
    let v = INVOKE_COVERED.get(p);
    if (v === undefined) { v = actionCoversText(p, action); INVOKE_COVERED.set(p, v); }
    return v;
  }
  return actionCoversText(p, action);
}

function actionCoversText(p: Permission, action: string): Tri {
  const t = text(p.action);
  if (t === undefined) return 'unknown';
  return actionLike(t, action) ? 'match' : 'no-match';
}

const WIRING = new WeakMap<Facts, Wiring>();
export function wiringOf(facts: Facts): Wiring {
  let w = WIRING.get(facts);
  if (!w) { w = new Wiring(facts); WIRING.set(facts, w); }
  return w;
}

function iterationOf(r: Resource | undefined): string | undefined {
  if (!r) return undefined;
  const a = attr(r.block, 'for_each') ?? attr(r.block, 'count');
  return a ? a.name + '=' + exprText(a.value) + (a.value.t === 'other' ? '' : JSON.stringify(a.value.span.end - a.value.span.start)) : undefined;
}
function sameIter(a: Resource | undefined, b: Resource | undefined): boolean {
  const x = iterationOf(a), y = iterationOf(b);
  if (!x || !y) return false;
  const ea = attr(a!.block, 'for_each') ?? attr(a!.block, 'count');
  const eb = attr(b!.block, 'for_each') ?? attr(b!.block, 'count');
  return !!ea && !!eb && ea.name === eb.name && a!.file.text.slice(ea.value.span.start, ea.value.span.end) === b!.file.text.slice(eb.value.span.start, eb.value.span.end);
}

/** Does permission `p` let trigger `t` invoke its function? Three-valued, per component. */
export function coverage(w: Wiring, p: Permission, t: Trigger): Coverage {
  const si = sameIter(t.resource, p.resource);
  const pf = w.permFn(p);
  const fn = sameFn(t.fn, pf, si);
  const qual = t.fn.k === 'fn' && pf.k === 'fn' ? sameQual(t.fn.qual, pf.qual) : 'unknown';
  const principal = principalCovers(p, t.principal);
  const action = actionCovers(p);
  // a trigger that refers to a conditional function exists only under that condition (CloudFormation rejects it otherwise)
  const pc = conditionOf(p.resource), tc = conditionOf(t.resource) ?? (t.fn.k === 'fn' ? conditionOf(t.fn.fn) : undefined);
  const cond: Tri = pc === undefined || pc === tc ? 'match' : 'no-match';
  if (cond === 'no-match') return { fn, qual, principal, action, source: 'unknown', rest: 'unknown', cond, all: 'no-match' };
  // Another function, service or action: no match whatever the source ARN says, and no caller reads
  // `source`/`rest` of such a pair, so the ARN matching (the costly part: every permission meets every
  // trigger on each keystroke) is skipped.
  if (fn === 'no-match' || principal === 'no-match' || action === 'no-match') return { fn, qual, principal, action, source: 'unknown', rest: 'unknown', all: 'no-match' };
  let source: Tri = 'match';
  if (p.sourceArn) source = t.source ? w.arnLike(p.sourceArn.value, t.source, si) : 'unknown';
  if (source === 'unknown' && (t.kind === 'rest-authorizer' || t.kind === 'v2-authorizer') && p.sourceArn && endsInRoute(w, p.sourceArn.value)) source = 'no-match';
  let rest: Tri = 'match';
  if (p.sourceAccount) {
    const a = soleToken(p.sourceAccount.value);
    rest = a?.resource?.startsWith('data.aws_caller_identity.') && a.attr === 'account_id' ? 'match' : 'unknown';
  }
  if (p.principalOrgId) rest = 'unknown';
  if (p.origin === 'json' && p.statement && p.statement.conditions.some((c) => !/^aws:Source(Arn|Account)$/i.test(c.key))) rest = 'unknown';
  if (p.origin === 'json' && p.statement && p.statement.conditions.some((c) => /^aws:SourceArn$/i.test(c.key) && !/^(Arn|String)(Like|Equals)(IfExists)?$/.test(c.operator))) rest = 'unknown';
  if (p.invokedViaFunctionUrl) rest = 'unknown';
  return { fn, qual, principal, action, source, rest, cond, all: and3(fn, qual, principal, action, source, rest) };
}

/**
 * Does an execute-api source ARN end in a literal route or method (`{api}/*\/connect`, `{api}/*\/$connect`)?
 * Such a pattern names an invocation route, never `{api}/authorizers/{id}`.
 */
export function endsInRoute(w: Wiring, v: Value): boolean {
  const items = w.items(v);
  if (!items) return false;
  const text = items.map((i) => (typeof i === 'string' ? i : '\u0000')).join('');
  const m = /^arn:[^:]*:execute-api:[^:]*:[^:]*:[^/]*\/(.*)$/.exec(text);
  if (!m) return false;
  const segs = m[1].split('/');
  return segs.length === 2 && segs[0] !== 'authorizers' && !segs[0].includes('\u0000') && /^[^*?\u0000]+$/.test(segs[1]);
}

export type Verdict =
  /** `perms`: the permissions that let the trigger in. */
  | { k: 'covered'; perms: Permission[] }
  /** Why it is undecided: the function reference, a module handed the function, or the permissions that may or may not apply. */
  | { k: 'unknown'; why: { k: 'fn' } | { k: 'module'; module: string } | { k: 'perms'; perms: Permission[] } }
  /** `conditional`: permissions that would cover the trigger but exist only under a CloudFormation condition. */
  | { k: 'missing'; conditional?: Permission[] }
  | { k: 'source-mismatch'; perms: Permission[] }
  | { k: 'qualifier-mismatch'; perms: Permission[] }
  | { k: 'credentials' };

/** Is the trigger's invocation allowed by the folder's resource policies? */
export function verdictOf(w: Wiring, t: Trigger): Verdict {
  let v = w.verdicts.get(t);
  if (!v) { v = computeVerdict(w, t); w.verdicts.set(t, v); }
  return v;
}

function computeVerdict(w: Wiring, t: Trigger): Verdict {
  if (t.fn.k !== 'fn') return { k: 'unknown', why: { k: 'fn' } };
  if (t.credentials) return { k: 'credentials' };
  // a module of the folder that is handed the function may grant the permission itself
  const module = handedToModule(w, t.fn.fn.address) ?? (t.fn.qual.k === 'alias' ? handedToModule(w, t.fn.qual.alias.address) : undefined);
  if (module !== undefined) return { k: 'unknown', why: { k: 'module', module } };
  // permissions on other functions are definite no-matches: they change none of the answers below
  const covs = w.permsOn(t.fn.fn).map((p) => ({ p, c: coverage(w, p, t) }));
  const covering = covs.filter((x) => x.c.all === 'match');
  if (covering.length) return { k: 'covered', perms: covering.map((x) => x.p) };
  const open = covs.filter((x) => x.c.all === 'unknown');
  if (open.length) return { k: 'unknown', why: { k: 'perms', perms: open.map((x) => x.p) } };
  const near = covs.filter((x) => x.c.fn !== 'no-match' && x.c.principal !== 'no-match' && x.c.action !== 'no-match' && x.c.cond !== 'no-match');
  if (!near.length) {
    const conditional = covs.filter((x) => x.c.cond === 'no-match' && x.c.fn !== 'no-match' && x.c.principal !== 'no-match' && x.c.action !== 'no-match').map((x) => x.p);
    return conditional.length ? { k: 'missing', conditional } : { k: 'missing' };
  }
  const q = near.filter((x) => x.c.qual === 'no-match' && x.c.source !== 'no-match');
  if (q.length) return { k: 'qualifier-mismatch', perms: q.map((x) => x.p) };
  const s = near.filter((x) => x.c.source === 'no-match' && x.c.qual !== 'no-match');
  // a permission that (may) serve another invoker of the function is right: this trigger lacks its own (RULES: source-arn-mismatch)
  const fn = t.fn.fn;
  const wrong = s.filter((x) => !w.triggersOn(fn).some((o) => o !== t && o.service === t.service && coverage(w, x.p, o).all !== 'no-match'));
  if (wrong.length) return { k: 'source-mismatch', perms: wrong.map((x) => x.p) };
  if (s.length) return { k: 'missing' };
  return { k: 'unknown', why: { k: 'perms', perms: near.map((x) => x.p) } };
}

/** The CloudFormation `Condition` a resource is created under (templates only). */
function conditionOf(r: Resource | undefined): string | undefined {
  const a = r ? attr(r.block, 'cfn_condition') : undefined;
  return a && a.value.t === 'lit' && typeof a.value.value === 'string' ? a.value.value : undefined;
}

/** The name of a module block of the folder that is handed `address`, if any. */
function handedToModule(w: Wiring, address: string): string | undefined {
  const re = new RegExp('\\b' + address.replace(/@.*/, '').replace(/[.]/g, '\\.') + '\\b'); // `@module.x`: the instance (model/config.ts)
  for (const [name, m] of w.facts.module.modules) {
    const b = m.value;
    if (re.test(m.file.text.slice(b.bodyStart, b.bodyEnd))) return name;
  }
  return undefined;
}

/** Every trigger a permission may serve (its coverage is not a definite no-match). */
export function triggersServedBy(w: Wiring, p: Permission): Trigger[] {
  const pf = w.permFn(p);
  // a permission on a function meets only that function's triggers (sameFn is 'no-match' for the others, and for a non-function)
  const ts = pf.k === 'fn' ? w.triggersOn(pf.fn) : pf.k === 'other' ? [] : w.triggers;
  return ts.filter((t) => t.fn.k === 'fn' && coverage(w, p, t).all !== 'no-match');
}

/** The one invoker of this permission's service wired to its function in the folder, if exactly one. */
export function soleInvokerFor(facts: Facts, perm: Permission): InvokerExpr | undefined {
  const w = wiringOf(facts);
  const principal = text(perm.principal);
  if (!principal || !isServicePrincipal(principal)) return undefined;
  const pf = w.permFn(perm);
  if (pf.k !== 'fn') return undefined;
  const ts = w.triggersOn(pf.fn).filter((t) => t.service === serviceOf(principal) && t.fn.k === 'fn' && sameFn(t.fn, pf, sameIter(t.resource, perm.resource)) === 'match' && sameQual(t.fn.qual, pf.qual) !== 'no-match');
  if (!ts.length) return undefined;
  if (ts.some((t) => !t.invoker)) return undefined;
  const byInvoker = new Map<string, Trigger[]>();
  for (const t of ts) byInvoker.set(t.invoker!.invoker, [...(byInvoker.get(t.invoker!.invoker) ?? []), t]);
  if (byInvoker.size !== 1) return undefined;
  const [name, list] = [...byInvoker][0];
  const hcls = new Set(list.map((t) => t.invoker!.hcl));
  if (hcls.size === 1) { const i = list[0].invoker!; return { hcl: i.hcl, json: i.json, invoker: name }; }
  // API Gateway: integrations and authorizers of one API -> the whole API
  if (list.every((t) => t.service === 'apigateway')) {
    const ref = name + '.execution_arn';
    return { hcl: `"\${${ref}}/*/*"`, json: `\${${ref}}/*/*`, invoker: name };
  }
  return undefined;
}

