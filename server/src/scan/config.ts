/**
 * The configuration file `.lpg.json` at the scanned root:
 *   {"rules": {"<rule id>": "off" | "info" | "warning" | "error"}, "ignore": ["glob", ...]}
 * Globs (glob.ts: matched in time linear in the path) match paths relative to the root with `/`
 * separators; they can never match anything outside the root (patterns with `..` segments or
 * absolute paths are rejected). At most MAX_IGNORE_GLOBS globs of GLOB_LIMITS.maxLength characters.
 * Pure: the caller reads the file.
 */
import { compileGlob, GLOB_LIMITS } from './glob';
import { parse as parseJsonc, printParseErrorCode, type ParseError } from 'jsonc-parser';
import type { SeveritySetting } from '../core/types';
import { allRules } from '../core/rules';

export const CONFIG_FILE = '.lpg.json';

/** Most `ignore` globs a configuration may hold (a bigger list is refused, not matched against every path). */
export const MAX_IGNORE_GLOBS = 1000;

/** Every rule id of the catalogue (RULES.md), implemented or not yet: stable public names. */
export const CATALOGUE_RULE_IDS = [
  'missing-source-arn', 'missing-source-account', 'missing-event-source-token', 'public-invoke-principal',
  'public-function-url', 'broad-permission-action', 'broad-source-arn', 'wildcard-lambda-action',
  'wildcard-lambda-resource', 'missing-invoke-permission', 'source-arn-mismatch', 'qualifier-mismatch',
  'credentials-role-cannot-invoke', 'function-url-missing-invoke-function', 'parse-error',
];

export function knownRuleIds(): string[] {
  const ids = new Set(CATALOGUE_RULE_IDS);
  for (const r of allRules) ids.add(r.meta.id);
  return [...ids];
}

export interface LpgConfig {
  rules: Record<string, SeveritySetting>;
  ignore: string[];
}

export class ConfigError extends Error {
  constructor(readonly file: string, message: string) { super(`${file}: ${message}`); this.name = 'ConfigError'; }
}

const SEVERITIES = new Set(['off', 'info', 'warning', 'error']);

/** Parses and validates a configuration file's text (JSON, comments allowed). Throws ConfigError. */
export function parseConfig(text: string, file = CONFIG_FILE): LpgConfig {
  const errors: ParseError[] = [];
  const raw: unknown = parseJsonc(text.replace(/^\uFEFF/, ''), errors, { allowTrailingComma: true, disallowComments: false });
  if (errors.length) {
    const e = errors[0];
    const before = text.slice(0, e.offset);
    const line = before.split('\n').length;
    const col = e.offset - before.lastIndexOf('\n');
    throw new ConfigError(file, `invalid JSON at ${line}:${col}: ${printParseErrorCode(e.error)}`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ConfigError(file, 'expected a JSON object with "rules" and/or "ignore"');
  const obj = raw as Record<string, unknown>;
  for (const k of Object.keys(obj)) {
    if (k !== 'rules' && k !== 'ignore' && k !== '$schema') throw new ConfigError(file, `unknown key "${k}" (expected "rules" or "ignore")`);
  }
  const rules: Record<string, SeveritySetting> = {};
  if (obj.rules !== undefined) {
    if (typeof obj.rules !== 'object' || obj.rules === null || Array.isArray(obj.rules)) throw new ConfigError(file, '"rules" must be an object: {"<rule id>": "off" | "info" | "warning" | "error"}');
    const known = new Set(knownRuleIds());
    for (const [id, sev] of Object.entries(obj.rules as Record<string, unknown>)) {
      if (!known.has(id)) throw new ConfigError(file, `unknown rule id "${id}" in "rules" (known: ${[...known].sort().join(', ')})`);
      if (typeof sev !== 'string' || !SEVERITIES.has(sev)) throw new ConfigError(file, `rule "${id}": severity must be "off", "info", "warning" or "error", not ${JSON.stringify(sev)}`);
      rules[id] = sev as SeveritySetting;
    }
  }
  const ignore: string[] = [];
  if (obj.ignore !== undefined) {
    if (!Array.isArray(obj.ignore)) throw new ConfigError(file, '"ignore" must be an array of glob strings');
    if (obj.ignore.length > MAX_IGNORE_GLOBS) throw new ConfigError(file, `"ignore" has ${obj.ignore.length} globs: the limit is ${MAX_IGNORE_GLOBS}`);
    for (const g of obj.ignore) {
      if (typeof g !== 'string' || !g.trim()) throw new ConfigError(file, `"ignore" entries must be non-empty glob strings, not ${JSON.stringify(g)}`);
      const p = g.replace(/^!/, '');
      if (p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p) || p.split(/[\\/]/).includes('..')) {
        throw new ConfigError(file, `ignore glob "${g}" reaches outside the scanned root: globs are relative to the folder of ${CONFIG_FILE} and may not start with "/" or contain ".."`);
      }
      if (g.length > GLOB_LIMITS.maxLength) throw new ConfigError(file, `ignore glob "${g.slice(0, 40)}…" is invalid: longer than ${GLOB_LIMITS.maxLength} characters`);
      try { compileGlob(p); } catch (e) { throw new ConfigError(file, `ignore glob "${g}" is invalid: ${(e as Error).message}`); }
      ignore.push(g);
    }
  }
  return { rules, ignore };
}

/**
 * A predicate telling whether a root-relative path (`/` separators) is ignored. A folder glob
 * (`modules/legacy` or `modules/legacy/`) ignores everything under it; `!glob` re-includes.
 */
export function ignoreMatcher(globs: string[]): (relPath: string) => boolean {
  if (!globs.length) return () => false;
  const compiled = globs.map((g) => {
    const neg = g.startsWith('!');
    const p = (neg ? g.slice(1) : g).replace(/^\.\//, '').replace(/\/+$/, '');
    // `p/**` matches `p` itself and everything under it
    let test: (s: string) => boolean;
    try { test = compileGlob(p + '/**'); } catch { test = () => false; } // editor settings are not validated up front: a bad glob matches nothing
    return { neg, test };
  });
  return (rel) => {
    const r = rel.replace(/\\/g, '/').replace(/^\.\//, '');
    if (r === '..' || r.startsWith('../')) return false;
    let ignored = false;
    for (const c of compiled) if (c.test(r)) ignored = !c.neg;
    return ignored;
  };
}
