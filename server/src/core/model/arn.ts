/**
 * Three-valued `ArnLike` matching over symbolic strings.
 *
 * A pattern (a permission's `source_arn`, a policy's `Resource`) is matched against the ARN a caller
 * presents (the invoker's source ARN, a function ARN), as AWS does: case-sensitive, `*` and `?`
 * wildcards, and each of the first five `:`-separated components matched on its own (a wildcard there
 * never crosses a `:`; everything after the fifth `:` is one component).
 *
 * Both sides may hold Terraform references whose values the folder does not show. A reference with a
 * known shape (`aws_api_gateway_rest_api.x.execution_arn` is `arn:{partition}:execute-api:{region}:{account}:{api-id}`)
 * is expanded into literal text and *atoms*: unknown strings with an identity and a character class.
 * The same atom on both sides is equal; two atoms of the same distinct class from different resources
 * (two APIs' ids, two buckets' names) are different strings; anything else unknown stays unknown.
 * The answer is `match` only when the pattern matches for every possible value of the atoms,
 * `no-match` only when it matches for none, `unknown` otherwise.
 */
import type { Token, Value } from './value';

export type Tri = 'match' | 'no-match' | 'unknown';

export interface Atom {
  /** Identity: equal ids are equal strings. */
  id: string;
  /** Character class, e.g. `apigw-id`, `s3-bucket`, `partition`. */
  cls: string;
  /** Characters the value can never contain. */
  forbid: string;
  /** Two atoms of this class with different ids are different strings. */
  distinct: boolean;
  /** Anything at all, possibly empty (variables, module outputs): only equal to itself. */
  opaque: boolean;
  /** Identity uncertain (an instance key such as `each.key` read in another iteration context). */
  fuzzy?: boolean;
}

/** A symbolic string as literal text and atoms. */
export type SymItem = string | Atom;

export interface ArnEnv {
  /** Expands a reference into text and atoms; undefined when its shape is unknown (it becomes opaque). */
  expand?(tok: Token): SymItem[] | undefined;
}

type PItem = { k: 'c'; c: string } | { k: 'w'; c: string } | { k: 'a'; a: Atom };
type VItem = { k: 'c'; c: string } | { k: 'a'; a: Atom };
type R = 0 | 1 | 2;

export function opaqueAtom(id: string): Atom {
  return { id, cls: 'opaque', forbid: '', distinct: false, opaque: true };
}

/** Expands a symbolic value into items. */
export function symItems(v: Value, env: ArnEnv = {}): SymItem[] | undefined {
  if (v.k === 'num' || v.k === 'bool') return [String(v.v)];
  if (v.k !== 'str') return undefined;
  const out: SymItem[] = [];
  for (const p of v.parts) {
    if (typeof p === 'string') out.push(p);
    else out.push(...(env.expand?.(p) ?? [opaqueAtom('ref:' + p.ref)]));
  }
  return out;
}

function toP(items: SymItem[]): PItem[] {
  const out: PItem[] = [];
  for (const it of items) {
    if (typeof it === 'string') for (const c of it) out.push(c === '*' || c === '?' ? { k: 'w', c } : { k: 'c', c });
    else out.push({ k: 'a', a: it });
  }
  return out;
}
function toV(items: SymItem[]): VItem[] {
  const out: VItem[] = [];
  for (const it of items) {
    if (typeof it === 'string') for (const c of it) out.push({ k: 'c', c });
    else out.push({ k: 'a', a: it });
  }
  return out;
}

const max = (a: R, b: R): R => (a > b ? a : b);
const down = (a: R): R => (a > 1 ? 1 : a);

function sameAtom(x: Atom, y: Atom): boolean { return x.id === y.id && !x.fuzzy && !y.fuzzy; }

function matchItems(P: PItem[], V: VItem[]): R {
  // component index of each pattern position (99: unknown, after an atom that may hold ':')
  const comp: number[] = [];
  let c = 0;
  for (let i = 0; i <= P.length; i++) {
    comp.push(c);
    const p = P[i];
    if (!p) break;
    if (p.k === 'c' && p.c === ':') c = c === 99 ? 99 : c + 1;
    else if (p.k === 'a' && !p.a.forbid.includes(':')) c = 99;
  }
  const memo = new Map<number, R>();
  const W = V.length + 1;

  /** The non-empty rest of atom `a` (partly consumed by a `*`) must match from pattern position i. */
  const partialRest = (i: number, a: Atom): R => {
    const q = P[i];
    if (a.opaque) return 1;
    if (!q) return 0;
    if (q.k === 'w') return q.c === '*' ? 0 : 1;
    if (q.k === 'c') return a.forbid.includes(q.c) ? 0 : 1;
    return 1;
  };

  const m = (i: number, j: number): R => {
    const key = i * W + j;
    const hit = memo.get(key);
    if (hit !== undefined) return hit;
    const r = step(i, j);
    memo.set(key, r);
    return r;
  };

  const step = (i: number, j: number): R => {
    if (i === P.length) {
      if (j === V.length) return 2;
      return V.slice(j).every((v) => v.k === 'a' && v.a.opaque) ? 1 : 0;
    }
    const p = P[i];
    const v = V[j];
    if (p.k === 'w' && p.c === '*') {
      let r = m(i + 1, j);
      if (r === 2 || !v) return r;
      if (v.k === 'c') {
        if (v.c === ':' && comp[i] < 5) return r;
        r = max(r, v.c === ':' && comp[i] === 99 ? down(m(i, j + 1)) : m(i, j + 1));
      } else {
        const colonRisk = comp[i] < 5 && !v.a.forbid.includes(':');
        const whole = m(i, j + 1);
        r = max(r, colonRisk ? down(whole) : whole);
        r = max(r, partialRest(i + 1, v.a));
      }
      return r;
    }
    if (p.k === 'w') { // '?'
      if (!v) return 0;
      if (v.k === 'c') return v.c === ':' && comp[i] < 5 ? 0 : m(i + 1, j + 1);
      if (v.a.opaque) return 1;
      return max(down(m(i + 1, j + 1)), partialRest(i + 1, v.a)) > 0 ? 1 : 0;
    }
    if (p.k === 'c') {
      if (!v) return 0;
      if (v.k === 'c') return v.c === p.c ? m(i + 1, j + 1) : 0;
      const y = v.a;
      if (y.opaque) return 1;
      if (y.forbid.includes(p.c)) return 0;
      // y is exactly the pattern's literal text i..k
      let r: R = 0;
      for (let k = i; k < P.length; k++) {
        const q = P[k];
        if (q.k === 'c' && !y.forbid.includes(q.c)) {
          r = max(r, down(m(k + 1, j + 1)));
          if (r === 1) break;
        } else if (q.k === 'c') break;
        else { r = 1; break; }
      }
      return r;
    }
    // pattern atom
    const x = p.a;
    if (v && v.k === 'a' && sameAtom(x, v.a)) return m(i + 1, j + 1);
    if (x.opaque) return 1;
    if (!v) return 0;
    if (v.k === 'a') {
      const y = v.a;
      if (y.opaque) return 1;
      // x and y may be equal (lockstep), or one a proper prefix of the other
      const differ = x.cls === y.cls && x.distinct && y.distinct && x.id !== y.id && !x.fuzzy && !y.fuzzy;
      const np = P[i + 1], nv = V[j + 1];
      const okP = !!np && !(np.k === 'c' && y.forbid.includes(np.c));
      const okV = !!nv && !(nv.k === 'c' && x.forbid.includes(nv.c));
      const equal: R = differ ? 0 : down(m(i + 1, j + 1));
      return okP || okV ? 1 : equal;
    }
    if (x.forbid.includes(v.c)) return 0;
    let r: R = 0;
    for (let k = j; k < V.length; k++) {
      const q = V[k];
      if (q.k === 'c' && !x.forbid.includes(q.c)) {
        r = max(r, down(m(i + 1, k + 1)));
        if (r === 1) break;
      } else if (q.k === 'c') break;
      else { r = 1; break; }
    }
    return r;
  };
  return m(0, 0);
}

/** Does the pattern match the value (ArnLike, case-sensitive)? Items: literal text and atoms. */
const P_MEMO = new WeakMap<SymItem[], PItem[]>();
const V_MEMO = new WeakMap<SymItem[], VItem[]>();
export function arnLikeItems(pattern: SymItem[], value: SymItem[]): Tri {
  if (pattern.length === 1 && pattern[0] === '*') return 'match';
  // item lists are read-only and often met again (one permission against every trigger): converted once
  let p = P_MEMO.get(pattern);
  if (!p) { p = toP(pattern); P_MEMO.set(pattern, p); }
  let v = V_MEMO.get(value);
  if (!v) { v = toV(value); V_MEMO.set(value, v); }
  const r = matchItems(p, v);
  return r === 2 ? 'match' : r === 0 ? 'no-match' : 'unknown';
}

/** ArnLike over evaluated Terraform values. */
export function arnLike(pattern: Value | undefined, value: Value | undefined, env: ArnEnv = {}): Tri {
  if (!pattern || !value) return 'unknown';
  const p = symItems(pattern, env), v = symItems(value, env);
  if (!p || !v) return 'unknown';
  return arnLikeItems(p, v);
}

/** Case-insensitive glob of an IAM action pattern (`lambda:Invoke*`) against an action name. */
const ACTION_RE = new Map<string, RegExp>();
export function actionLike(pattern: string, action: string): boolean {
  let re = ACTION_RE.get(pattern);
  if (!re) {
    re = new RegExp('^' + pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$', 'i');
    if (ACTION_RE.size > 1000) ACTION_RE.clear(); // patterns come from user files: bounded
    ACTION_RE.set(pattern, re);
  }
  return re.test(action);
}

/** Three-valued AND / OR. */
export function and3(...xs: Tri[]): Tri {
  if (xs.includes('no-match')) return 'no-match';
  if (xs.includes('unknown')) return 'unknown';
  return 'match';
}
export function or3(...xs: Tri[]): Tri {
  if (xs.includes('match')) return 'match';
  if (xs.includes('unknown')) return 'unknown';
  return 'no-match';
}

// ---------- shapes of Terraform references ----------

/** Placeholder spec: atom class, forbidden characters, distinctness, attribute holding its literal value. */
interface Slot { cls: string; forbid: string; distinct: boolean; literalAttr?: string }
const SLOTS: Record<string, Slot> = {
  apiid: { cls: 'apigw-id', forbid: ':/*?', distinct: true },
  bucket: { cls: 's3-bucket', forbid: ':/*?', distinct: true, literalAttr: 'bucket' },
  topic: { cls: 'sns-topic', forbid: ':/*?', distinct: true, literalAttr: 'name' },
  rule: { cls: 'events-rule', forbid: ':*?', distinct: true },
  loggroup: { cls: 'log-group', forbid: ':*?', distinct: true, literalAttr: 'name' },
  tg: { cls: 'target-group', forbid: ':*?', distinct: true },
  pool: { cls: 'cognito-pool', forbid: ':/*?', distinct: true },
  iotrule: { cls: 'iot-rule', forbid: ':/*?', distinct: true, literalAttr: 'name' },
  fname: { cls: 'lambda-fn', forbid: ':/*?', distinct: true, literalAttr: 'function_name' },
  version: { cls: 'lambda-version', forbid: ':/*?', distinct: false },
  aname: { cls: 'lambda-alias', forbid: ':/*?', distinct: false, literalAttr: 'name' },
  dist: { cls: 'cloudfront-id', forbid: ':/*?', distinct: true },
  alarm: { cls: 'alarm', forbid: ':*?', distinct: true, literalAttr: 'alarm_name' },
  queue: { cls: 'sqs-queue', forbid: ':/*?', distinct: true, literalAttr: 'name' },
  authid: { cls: 'authorizer-id', forbid: ':/*?', distinct: true },
  bus: { cls: 'event-bus', forbid: ':/*?', distinct: true, literalAttr: 'name' },
  role: { cls: 'iam-role', forbid: ':*?', distinct: true, literalAttr: 'name' },
};

const LAMBDA_ARN = 'arn:{P}:lambda:{R}:{A}:function:{fname}';
const INVOKE = (fn: string): string => `arn:{P}:apigateway:{R}:lambda:path/2015-03-31/functions/${fn}/invocations`;

/** Shapes of resource attributes. `{afn}` is the function of an alias (resolved through the module). */
export const SHAPES: Record<string, Record<string, string>> = {
  aws_api_gateway_rest_api: { execution_arn: 'arn:{P}:execute-api:{R}:{A}:{apiid}', arn: 'arn:{P}:apigateway:{R}::/restapis/{apiid}', id: '{apiid}' },
  aws_apigatewayv2_api: { execution_arn: 'arn:{P}:execute-api:{R}:{A}:{apiid}', arn: 'arn:{P}:apigateway:{R}::/apis/{apiid}', id: '{apiid}' },
  aws_s3_bucket: { arn: 'arn:{P}:s3:::{bucket}', id: '{bucket}', bucket: '{bucket}' },
  aws_sns_topic: { arn: 'arn:{P}:sns:{R}:{A}:{topic}', id: 'arn:{P}:sns:{R}:{A}:{topic}', name: '{topic}' },
  aws_cloudwatch_event_rule: { arn: 'arn:{P}:events:{R}:{A}:rule/{rule}' },
  aws_cloudwatch_event_bus: { arn: 'arn:{P}:events:{R}:{A}:event-bus/{bus}', name: '{bus}' },
  aws_cloudwatch_log_group: { arn: 'arn:{P}:logs:{R}:{A}:log-group:{loggroup}', name: '{loggroup}', id: '{loggroup}' },
  aws_lb_target_group: { arn: 'arn:{P}:elasticloadbalancing:{R}:{A}:targetgroup/{tg}', id: 'arn:{P}:elasticloadbalancing:{R}:{A}:targetgroup/{tg}' },
  aws_alb_target_group: { arn: 'arn:{P}:elasticloadbalancing:{R}:{A}:targetgroup/{tg}', id: 'arn:{P}:elasticloadbalancing:{R}:{A}:targetgroup/{tg}' },
  aws_cognito_user_pool: { arn: 'arn:{P}:cognito-idp:{R}:{A}:userpool/{pool}', id: '{pool}' },
  aws_iot_topic_rule: { arn: 'arn:{P}:iot:{R}:{A}:rule/{iotrule}', name: '{iotrule}' },
  aws_lambda_function: {
    arn: LAMBDA_ARN, function_name: '{fname}', id: '{fname}', invoke_arn: INVOKE(LAMBDA_ARN),
    qualified_arn: LAMBDA_ARN + ':{version}', qualified_invoke_arn: INVOKE(LAMBDA_ARN + ':{version}'), version: '{version}',
  },
  aws_lambda_alias: { arn: 'arn:{P}:lambda:{R}:{A}:function:{afn}:{aname}', invoke_arn: INVOKE('arn:{P}:lambda:{R}:{A}:function:{afn}:{aname}'), name: '{aname}' },
  aws_cloudfront_distribution: { arn: 'arn:{P}:cloudfront::{A}:distribution/{dist}', id: '{dist}' },
  aws_cloudwatch_metric_alarm: { arn: 'arn:{P}:cloudwatch:{R}:{A}:alarm:{alarm}' },
  aws_sqs_queue: { arn: 'arn:{P}:sqs:{R}:{A}:{queue}' },
  aws_api_gateway_authorizer: { id: '{authid}' },
  aws_apigatewayv2_authorizer: { id: '{authid}' },
  aws_iam_role: { arn: 'arn:{P}:iam::{A}:role/{role}' },
};

export const PARTITION: Atom = { id: '$partition', cls: 'partition', forbid: ':/*?', distinct: false, opaque: false };
export const REGION: Atom = { id: '$region', cls: 'region', forbid: ':/*?', distinct: false, opaque: false };
export const ACCOUNT: Atom = { id: '$account', cls: 'account', forbid: ':/*?', distinct: false, opaque: false };

/** What the shape expander needs from the module (literal names, an alias's function). */
export interface ShapeHost {
  /** Literal value of a resource's attribute, when the folder shows it. */
  literal?(resource: string, attr: string): string | undefined;
  /** Items naming the function of an alias (`{afn}`). */
  aliasFunction?(alias: string): SymItem[] | undefined;
  /** Literal rule path (`[bus/]name`) of an EventBridge rule. */
  rulePath?(resource: string): string | undefined;
  /** Are `each.key`/`count.index` instance keys on both sides the same iteration? */
  sameIteration?: boolean;
  /** Module-specific expansions tried first (e.g. `aws_api_gateway_resource.x.path`). */
  special?(tok: Token): SymItem[] | undefined;
}

function isLiteralKey(key: string): boolean { return /^(".*"|\d+)$/.test(key); }

/** Expands a reference token into text and atoms by its resource type and attribute. */
export function expandToken(tok: Token, host: ShapeHost = {}): SymItem[] | undefined {
  const r = tok.resource;
  if (!r || !tok.attr) return undefined;
  const sp = host.special?.(tok);
  if (sp) return sp;
  if (r.startsWith('data.')) {
    const [, type] = r.split('.');
    if (type === 'aws_partition' && tok.attr === 'partition') return [PARTITION];
    if (type === 'aws_region' && (tok.attr === 'name' || tok.attr === 'region' || tok.attr === 'id')) return [REGION];
    if (type === 'aws_caller_identity' && tok.attr === 'account_id') return [ACCOUNT];
    return undefined;
  }
  const type = r.slice(0, r.indexOf('.'));
  const shape = SHAPES[type]?.[tok.attr];
  if (!shape) return undefined;
  const key = tok.key;
  const fuzzy = key !== undefined && !isLiteralKey(key) && !host.sameIteration;
  const inst = r + (key !== undefined ? `[${key}]` : '');
  const out: SymItem[] = [];
  const re = /\{([A-Za-z]+)\}/g;
  let last = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(shape))) {
    if (m.index > last) out.push(shape.slice(last, m.index));
    last = m.index + m[0].length;
    const name = m[1];
    if (name === 'P') out.push(PARTITION);
    else if (name === 'R') out.push(REGION);
    else if (name === 'A') out.push(ACCOUNT);
    else if (name === 'afn') {
      const f = key === undefined ? host.aliasFunction?.(r) : undefined;
      out.push(...(f ?? [{ id: inst + '#afn', cls: 'lambda-fn', forbid: ':/*?', distinct: false, opaque: false, fuzzy }]));
    } else {
      const slot = SLOTS[name];
      const lit = key === undefined ? (name === 'rule' ? host.rulePath?.(r) : slot.literalAttr ? host.literal?.(r, slot.literalAttr) : undefined) : undefined;
      if (lit !== undefined && lit !== '') out.push(lit);
      else out.push({ id: inst + '#' + name, cls: slot.cls, forbid: slot.forbid, distinct: slot.distinct, opaque: false, fuzzy });
    }
  }
  if (last < shape.length) out.push(shape.slice(last));
  return out;
}

/** Service component of an ARN given as items, when literal (`execute-api`, `s3`...). */
export function arnService(items: SymItem[]): string | undefined {
  let text = '';
  for (const it of items) {
    if (typeof it === 'string') text += it;
    else if (it.cls === 'partition') text += 'aws';
    else { text += '\u0000'; }
    const m = /^arn:[^:]*:([^:]*):/.exec(text);
    if (m) return /[\u0000*?]/.test(m[1]) ? undefined : m[1];
  }
  return undefined;
}
