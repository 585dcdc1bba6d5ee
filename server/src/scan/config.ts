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

/** Parses and validates a configuration file's text (JSON, comments allowed). Throws ConfigError listing every error. */
export function parseConfig(text: string, file = CONFIG_FILE): LpgConfig {
  const r = parseConfigEntries(text, file);
  if (r.errors.length) throw new ConfigError(file, r.errors.join('; '));
  return r.config;
}

/**
 * Parses a configuration file entry by entry: a bad entry is left out (and listed), the valid ones
 * apply (the editor keeps working while one line is wrong). Invalid JSON or a non-object yields no entry.
 */
export function parseConfigEntries(text: string, file = CONFIG_FILE): { config: LpgConfig; errors: string[] } {
  const errors: string[] = [];
  const rules: Record<string, SeveritySetting> = {};
  const ignore: string[] = [];
  const config = { rules, ignore };
  const perrors: ParseError[] = [];
  const raw: unknown = parseJsonc(text.replace(/^\uFEFF/, ''), perrors, { allowTrailingComma: true, disallowComments: false });
  if (perrors.length) {
    const e = perrors[0];
    const before = text.slice(0, e.offset);
    const line = before.split('\n').length;
    const col = e.offset - before.lastIndexOf('\n');
    return { config, errors: [`invalid JSON at ${line}:${col}: ${printParseErrorCode(e.error)}`] };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { config, errors: ['expected a JSON object with "rules" and/or "ignore"'] };
  const obj = raw as Record<string, unknown>;
  for (const k of Object.keys(obj)) {
    if (k !== 'rules' && k !== 'ignore' && k !== '$schema') errors.push(`unknown key "${k}" (expected "rules" or "ignore")`);
  }
  if (obj.rules !== undefined) {
    if (typeof obj.rules !== 'object' || obj.rules === null || Array.isArray(obj.rules)) errors.push('"rules" must be an object: {"<rule id>": "off" | "info" | "warning" | "error"}');
    else {
      const known = new Set(knownRuleIds());
      for (const [id, sev] of Object.entries(obj.rules as Record<string, unknown>)) {
        if (!known.has(id)) { errors.push(`unknown rule id "${id}" in "rules" (known: ${[...known].sort().join(', ')})`); continue; }
        if (typeof sev !== 'string' || !SEVERITIES.has(sev)) { errors.push(`rule "${id}": severity must be "off", "info", "warning" or "error", not ${JSON.stringify(sev)}`); continue; }
        rules[id] = sev as SeveritySetting;
      }
    }
  }
  if (obj.ignore !== undefined) {
    if (!Array.isArray(obj.ignore)) errors.push('"ignore" must be an array of glob strings');
    else if (obj.ignore.length > MAX_IGNORE_GLOBS) errors.push(`"ignore" has ${obj.ignore.length} globs: the limit is ${MAX_IGNORE_GLOBS}`);
    else for (const g of obj.ignore) {
      if (typeof g !== 'string' || !g.trim()) { errors.push(`"ignore" entries must be non-empty glob strings, not ${JSON.stringify(g)}`); continue; }
      const p = g.replace(/^!/, '');
      if (p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p) || p.split(/[\\/]/).includes('..')) {
        errors.push(`ignore glob "${g}" reaches outside the scanned root: globs are relative to the folder of ${CONFIG_FILE} and may not start with "/" or contain ".."`);
        continue;
      }
      if (g.length > GLOB_LIMITS.maxLength) { errors.push(`ignore glob "${g.slice(0, 40)}…" is invalid: longer than ${GLOB_LIMITS.maxLength} characters`); continue; }
      try { compileGlob(p); } catch (e) { errors.push(`ignore glob "${g}" is invalid: ${(e as Error).message}`); continue; }
      ignore.push(g);
    }
  }
  return { config, errors };
}

/** The JSON schema of `.lpg.json` (contributed to VS Code: completion, hover and errors inside the file). */
export function configSchema(): Record<string, unknown> {
  const sev = { enum: ['off', 'info', 'warning', 'error'], description: 'Severity of the rule\'s findings, or off.' };
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'Lambda Permission Guard configuration (.lpg.json)',
    type: 'object',
    additionalProperties: false,
    properties: {
      $schema: { type: 'string' },
      rules: {
        type: 'object',
        description: 'Severity per rule id, overriding the default.',
        properties: Object.fromEntries(knownRuleIds().sort().map((id) => [id, { ...sev, description: `${allRules.find((r) => r.meta.id === id)?.meta.title ?? id} (docs/rules/${id}.md)` }])),
        additionalProperties: false,
      },
      ignore: {
        type: 'array',
        description: 'Globs (relative to the folder of .lpg.json) of files never checked; a leading ! re-includes.',
        items: { type: 'string', minLength: 1, not: { pattern: '(^!?/)|(^!?[A-Za-z]:[\\\\/])|(^|[\\\\/])\\.\\.([\\\\/]|$)' } },
      },
    },
  };
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
