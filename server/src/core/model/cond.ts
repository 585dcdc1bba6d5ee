/**
 * Decides `count`/`for_each` of resources in module instances: `local.create && var.enabled ? 1 : 0`,
 * `var.x == null ? 0 : 1`, `var.items` (an empty map or list). Registry modules create most of their
 * resources behind such flags (terraform-aws-modules/lambda's function URL exists only with
 * `create_lambda_function_url = true`); a resource whose count is known to be 0 does not exist.
 *
 * A small recursive-descent reader of the operators these expressions use (`? :`, `||`, `&&`, `==`,
 * `!=`, `!`, parentheses, literals, `var.`/`local.` traversals, `length()`); anything else is unknown.
 */
import type { Attribute, Expr } from './ast';
import type { ModuleIndex } from './module';
import type { Value } from './value';

type V = { k: 'bool'; v: boolean } | { k: 'num'; v: number } | { k: 'str'; v: string } | { k: 'null' } | { k: 'coll'; n: number } | undefined;

const TOKEN = /\s*(\?|:|\|\||&&|==|!=|>=|<=|>|<|!|\(|\)|,|\[|\]|-?\d+(?:\.\d+)?|"(?:[^"\\$%]|\\.)*"|[A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z_][A-Za-z0-9_-]*|\[\d+\])*)/y;

function lex(text: string): string[] | undefined {
  const out: string[] = [];
  TOKEN.lastIndex = 0;
  let i = 0;
  while (i < text.length) {
    if (/^\s*$/.test(text.slice(i))) break;
    TOKEN.lastIndex = i;
    const m = TOKEN.exec(text);
    if (!m) return undefined;
    out.push(m[1]);
    i = TOKEN.lastIndex;
  }
  return out;
}

function fromValue(v: Value): V {
  switch (v.k) {
    case 'bool': return { k: 'bool', v: v.v };
    case 'num': return { k: 'num', v: v.v };
    case 'null': return { k: 'null' };
    case 'str': return v.parts.every((p) => typeof p === 'string') ? { k: 'str', v: v.parts.join('') } : undefined;
    case 'list': return { k: 'coll', n: v.items.length };
    case 'obj': return { k: 'coll', n: v.entries.length };
    default: return undefined;
  }
}

function traversal(text: string): Expr {
  const parts = text.split('.');
  const steps: Extract<Expr, { t: 'trav' }>['steps'] = [];
  const span = { start: 0, end: 0 };
  for (const p of parts.slice(1)) {
    const m = /^([^[]+)((?:\[\d+\])*)$/.exec(p);
    if (!m) break;
    steps.push({ k: 'attr', name: m[1], span });
    for (const ix of m[2].match(/\d+/g) ?? []) steps.push({ k: 'index', expr: { t: 'lit', value: Number(ix), span }, span });
  }
  return { t: 'trav', root: parts[0], steps, span };
}

/** Evaluates a condition-like expression text in an instance; undefined when unknown. */
export function evalCondText(text: string, mi: ModuleIndex, depth = 0): V {
  if (depth > 8) return undefined;
  const toks = lex(text);
  if (!toks) return undefined;
  let i = 0;
  const peek = (): string | undefined => toks[i];
  const eat = (t: string): boolean => (toks[i] === t ? (i++, true) : false);
  let bad = false;
  const truth = (v: V): boolean | undefined => (v?.k === 'bool' ? v.v : undefined);
  const eq = (a: V, b: V): boolean | undefined => {
    if (!a || !b) return undefined;
    if (a.k === 'null' || b.k === 'null') return a.k === b.k;
    if (a.k === 'coll' || b.k === 'coll') return undefined;
    return a.k === b.k ? a.v === b.v : false;
  };
  const primary = (): V => {
    const t = toks[i++];
    if (t === undefined) { bad = true; return undefined; }
    if (t === '(') { const v = ternary(); if (!eat(')')) bad = true; return v; }
    if (t === '!') { const v = truth(primary()); return v === undefined ? undefined : { k: 'bool', v: !v }; }
    if (t === 'true' || t === 'false') return { k: 'bool', v: t === 'true' };
    if (t === 'null') return { k: 'null' };
    if (/^-?\d/.test(t)) return { k: 'num', v: Number(t) };
    if (t.startsWith('"')) { try { return { k: 'str', v: JSON.parse(t) as string }; } catch { return undefined; } }
    if (peek() === '(') {
      // a function call: length(x) is known for known collections; anything else unknown
      i++;
      const args: V[] = [];
      if (!eat(')')) { do args.push(ternary()); while (eat(',')); if (!eat(')')) bad = true; }
      if (t === 'length' && args.length === 1 && args[0]?.k === 'coll') return { k: 'num', v: args[0].n };
      if (t === 'length' && args.length === 1 && args[0]?.k === 'str') return { k: 'num', v: args[0].v.length };
      return undefined;
    }
    const loc = /^local\.([A-Za-z_][A-Za-z0-9_-]*)$/.exec(t);
    const l = loc ? mi.locals.get(loc[1]) : undefined;
    if (l && l.value.value.t === 'other') return evalCondText(l.file.text.slice(l.value.value.span.start, l.value.value.span.end), mi, depth + 1);
    if (/^(var|local)\./.test(t)) return fromValue(mi.evaluate(traversal(t)));
    return undefined;
  };
  const compare = (): V => {
    let a = primary();
    for (;;) {
      if (eat('==')) { const r = eq(a, primary()); a = r === undefined ? undefined : { k: 'bool', v: r }; }
      else if (eat('!=')) { const r = eq(a, primary()); a = r === undefined ? undefined : { k: 'bool', v: !r }; }
      else if (['>', '<', '>=', '<='].includes(peek() ?? '')) {
        const op = toks[i++];
        const b = primary();
        a = a?.k === 'num' && b?.k === 'num' ? { k: 'bool', v: op === '>' ? a.v > b.v : op === '<' ? a.v < b.v : op === '>=' ? a.v >= b.v : a.v <= b.v } : undefined;
      } else return a;
    }
  };
  const and = (): V => {
    let a = compare();
    while (eat('&&')) {
      const b = compare();
      const x = truth(a), y = truth(b);
      a = x === false || y === false ? { k: 'bool', v: false } : x === undefined || y === undefined ? undefined : { k: 'bool', v: true };
    }
    return a;
  };
  const or = (): V => {
    let a = and();
    while (eat('||')) {
      const b = and();
      const x = truth(a), y = truth(b);
      a = x === true || y === true ? { k: 'bool', v: true } : x === undefined || y === undefined ? undefined : { k: 'bool', v: false };
    }
    return a;
  };
  const ternary = (): V => {
    const c = or();
    if (!eat('?')) return c;
    const a = ternary();
    if (!eat(':')) { bad = true; return undefined; }
    const b = ternary();
    const x = truth(c);
    return x === undefined ? (a && b && JSON.stringify(a) === JSON.stringify(b) ? a : undefined) : x ? a : b;
  };
  const v = ternary();
  return bad || i !== toks.length ? undefined : v;
}

/** Is a resource with this `count`/`for_each` known to have no instance? */
export function knownAbsent(a: Attribute | undefined, mi: ModuleIndex, text: string): boolean {
  if (!a) return false;
  const e = a.value;
  let v: V;
  if (e.t === 'other') v = evalCondText(text.slice(e.span.start, e.span.end), mi);
  else v = fromValue(mi.evaluate(e));
  if (a.name === 'count') return v?.k === 'num' && v.v === 0 || v?.k === 'bool' && v.v === false;
  return v?.k === 'coll' && v.n === 0;
}
