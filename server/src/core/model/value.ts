import type { Expr } from './ast';

/**
 * A reference whose value the folder does not show: a resource attribute
 * (`aws_lambda_function.x.arn`), a data source, a module output, `each.key`, a variable with no default.
 * Tokens keep identity: the same reference always yields an equal token.
 */
export interface Token {
  /** Canonical reference text, e.g. `aws_lambda_function.x.arn` or `aws_lambda_function.x["a"].arn`. */
  ref: string;
  /** `type.name` of a resource of the folder (or `data.type.name`, `module.name`); undefined for other unknowns. */
  resource?: string;
  /** Attribute read from the resource, e.g. `arn`, `invoke_arn`, `execution_arn`. */
  attr?: string;
  /** Instance key text for `for_each`/`count` resources, e.g. `each.key`, `"a"`, `0`. */
  key?: string;
}

export type Sym = string | Token;

/** `src` is the expression the value came from; `file` its file when that is not the file being read (locals, variables). */
interface Src { src?: Expr; file?: string }
export type Value =
  | ({ k: 'str'; parts: Sym[] } & Src)
  | ({ k: 'num'; v: number } & Src)
  | ({ k: 'bool'; v: boolean } & Src)
  | ({ k: 'null' } & Src)
  | ({ k: 'obj'; entries: { key: string; value: Value; keySrc?: Expr }[] } & Src)
  | ({ k: 'list'; items: Value[] } & Src)
  /** `jsonencode(value)`: keeps the structure (and its source spans) of what was encoded. */
  | ({ k: 'json'; of: Value } & Src)
  | ({ k: 'unknown'; why: string } & Src);

/** Marks a value (and what it contains) as coming from `file`, unless already marked. */
export function tagFile(v: Value, file: string): Value {
  if (v.file) return v;
  v.file = file;
  if (v.k === 'obj') for (const e of v.entries) tagFile(e.value, file);
  else if (v.k === 'list') for (const i of v.items) tagFile(i, file);
  else if (v.k === 'json') tagFile(v.of, file);
  return v;
}

export const UNKNOWN = (why: string, src?: Expr): Value => ({ k: 'unknown', why, src });

/** The string when fully known. */
export function knownString(v: Value | undefined): string | undefined {
  if (!v) return undefined;
  if (v.k === 'str' && v.parts.every((p) => typeof p === 'string')) return (v.parts as string[]).join('');
  if (v.k === 'num') return String(v.v);
  if (v.k === 'bool') return String(v.v);
  return undefined;
}

/** Terraform-like text of a symbolic string: `${aws_api_gateway_rest_api.api.execution_arn}/*\/*`. */
export function symText(v: Value | undefined): string | undefined {
  if (!v) return undefined;
  if (v.k !== 'str') return knownString(v);
  return v.parts.map((p) => (typeof p === 'string' ? p : '${' + p.ref + '}')).join('');
}

/** The single token of a string that is nothing but one reference. */
export function soleToken(v: Value | undefined): Token | undefined {
  if (v && v.k === 'str' && v.parts.length === 1 && typeof v.parts[0] !== 'string') return v.parts[0];
  return undefined;
}

export function tokens(v: Value | undefined): Token[] {
  if (!v || v.k !== 'str') return [];
  return v.parts.filter((p): p is Token => typeof p !== 'string');
}

export function isUnknown(v: Value | undefined): boolean {
  return !v || v.k === 'unknown';
}

/** Concatenates symbolic strings, merging adjacent literal text. */
export function concat(items: Sym[]): Sym[] {
  const out: Sym[] = [];
  for (const it of items) {
    if (typeof it === 'string') {
      if (it === '') continue;
      if (typeof out[out.length - 1] === 'string') out[out.length - 1] = (out[out.length - 1] as string) + it;
      else out.push(it);
    } else out.push(it);
  }
  return out;
}

export function strVal(s: string, src?: Expr): Value { return { k: 'str', parts: s === '' ? [] : [s], src }; }

/** Reads `obj.key` (exact key). */
export function getKey(v: Value | undefined, key: string): Value | undefined {
  if (!v) return undefined;
  if (v.k === 'json') return getKey(v.of, key);
  if (v.k !== 'obj') return undefined;
  for (const e of v.entries) if (e.key === key) return e.value;
  return undefined;
}

/** A value as a list of values (a single value is a one-item list). */
export function asList(v: Value | undefined): Value[] {
  if (!v) return [];
  if (v.k === 'list') return v.items;
  return [v];
}
