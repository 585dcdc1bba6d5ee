/**
 * Terraform functions of known arguments, evaluated by the module's evaluator (module.ts calls
 * `evalFunction` for the functions it does not know itself): `merge`, `concat`, `flatten`,
 * `lookup`, `coalesce`, `tolist`, `toset`, `try`. A function of an unknown argument is unknown,
 * never a guess.
 */
import type { Expr } from './ast';
import { knownString, UNKNOWN, type Value } from './value';

type Call = Extract<Expr, { t: 'call' }>;

/** The value of a call, or undefined when the function is not one of these (the caller decides). */
export function evalFunction(e: Call, evaluate: (x: Expr) => Value): Value | undefined {
  const args = e.args;
  switch (e.name) {
    case 'merge': {
      const entries: Extract<Value, { k: 'obj' }>['entries'] = [];
      for (const a of args) {
        const v = evaluate(a);
        if (v.k !== 'obj') return UNKNOWN('merge', e);
        for (const x of v.entries) {
          const i = entries.findIndex((y) => y.key === x.key);
          if (i >= 0) entries[i] = x; else entries.push(x);
        }
      }
      return { k: 'obj', entries, src: e };
    }
    case 'concat': {
      const items: Value[] = [];
      for (const a of args) {
        const v = evaluate(a);
        if (v.k !== 'list') return UNKNOWN('concat', e);
        items.push(...v.items);
      }
      return { k: 'list', items, src: e };
    }
    case 'flatten': {
      if (args.length !== 1) return UNKNOWN('flatten', e);
      const out: Value[] = [];
      const go = (v: Value): boolean => {
        if (v.k === 'list') return v.items.every(go);
        if (v.k === 'unknown') return false; // may be a list
        out.push(v);
        return true;
      };
      const v = evaluate(args[0]);
      if (v.k !== 'list' || !go(v)) return UNKNOWN('flatten', e);
      return { k: 'list', items: out, src: e };
    }
    case 'lookup': {
      if (args.length < 2 || args.length > 3) return UNKNOWN('lookup', e);
      const m = evaluate(args[0]);
      const k = knownString(evaluate(args[1]));
      if (m.k !== 'obj' || k === undefined) return UNKNOWN('lookup', e);
      const hit = m.entries.find((x) => x.key === k);
      if (hit) return hit.value;
      return args[2] ? evaluate(args[2]) : UNKNOWN('lookup', e);
    }
    case 'coalesce': {
      for (const a of args) {
        const v = evaluate(a);
        const empty = v.k === 'null' || (v.k === 'str' && v.parts.length === 0); // null or ""
        // skipped only when written so: a variable's null or "" default is a placeholder a caller may set
        if (empty && a.t !== 'lit' && a.t !== 'tmpl') return UNKNOWN('coalesce', e);
        if (empty) continue;
        if (v.k === 'unknown') return UNKNOWN('coalesce', e);
        if (v.k === 'str' && v.parts.every((p) => typeof p !== 'string')) return UNKNOWN('coalesce', e); // a reference: may be ""
        return v;
      }
      return UNKNOWN('coalesce', e);
    }
    case 'tolist': case 'toset': {
      if (args.length !== 1) return UNKNOWN(e.name, e);
      const v = evaluate(args[0]);
      if (v.k !== 'list') return UNKNOWN(e.name, e);
      if (e.name === 'tolist') return { ...v, src: e };
      // a set has no duplicates (known strings compared; a set of references stays as written)
      const seen = new Set<string>();
      const items = v.items.filter((x) => { const s = knownString(x); if (s === undefined) return true; if (seen.has(s)) return false; seen.add(s); return true; });
      return { k: 'list', items, src: e };
    }
    case 'try': {
      for (const a of args) {
        const v = evaluate(a);
        // an attribute or key that does not exist is an error: try() takes the next argument
        if (v.k === 'unknown' && v.why === 'no such key') continue;
        return v;
      }
      return UNKNOWN('try', e);
    }
    default: return undefined;
  }
}
