/** `node:assert/strict` for the web extension host bundle of the suite (the calls the suite makes). */
class AssertionError extends Error { override name = 'AssertionError'; }
const show = (v: unknown) => { try { return JSON.stringify(v); } catch { return String(v); } };
function same(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || !a || !b) return false;
  if (Array.isArray(a) !== Array.isArray(b) || Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  const ka = Object.keys(a), kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
export function ok(v: unknown, message?: string): asserts v { if (!v) throw new AssertionError(message ?? `expected a truthy value, got ${show(v)}`); }
export function equal<T>(a: unknown, b: T, message?: string): asserts a is T { if (!Object.is(a, b)) throw new AssertionError(message ?? `${show(a)} !== ${show(b)}`); }
export function deepEqual<T>(a: unknown, b: T, message?: string): asserts a is T { if (!same(a, b)) throw new AssertionError(message ?? `not deep-equal:\n  actual:   ${show(a)}\n  expected: ${show(b)}`); }
export function match(s: string, re: RegExp, message?: string): void { if (!re.test(s)) throw new AssertionError(message ?? `${show(s)} does not match ${re}`); }
export default { ok, equal, deepEqual, match };
