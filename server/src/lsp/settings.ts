/** The `lpg` settings of one workspace folder: editor settings (`workspace/configuration`) merged with the folder's `.lpg.json`. */
import * as fs from 'fs';
import * as path from 'path';
import { CONFIG_FILE, MAX_IGNORE_GLOBS, ignoreMatcher, parseConfigEntries } from '../scan/config';
import { kindOf, readTextSync } from '../scan/fs';

/** Largest `.lpg.json` read (the CLI's limit). */
const MAX_CONFIG_BYTES = 1024 * 1024;
import type { SeveritySetting } from '../core/types';

export type RunMode = 'onType' | 'onSave';

export interface Settings {
  run: RunMode;
  debounceMs: number;
  rules: Record<string, SeveritySetting>;
  /** Globs relative to the workspace folder (editor `lpg.exclude` and `.lpg.json` `ignore`). */
  exclude: string[];
  maxFileSizeMB: number;
  /** Variable files (relative to the workspace folder) for the root modules, later ones winning (`lpg.varFiles`). */
  varFiles: string[];
}

export const DEFAULT_SETTINGS: Settings = { run: 'onType', debounceMs: 150, rules: {}, exclude: [], maxFileSizeMB: 4, varFiles: [] };

const SEVERITIES = new Set(['off', 'info', 'warning', 'error']);

function rulesOf(x: unknown): Record<string, SeveritySetting> {
  const out: Record<string, SeveritySetting> = {};
  if (x && typeof x === 'object' && !Array.isArray(x)) {
    for (const [k, v] of Object.entries(x as Record<string, unknown>)) {
      const s = typeof v === 'string' ? v.toLowerCase() : '';
      if (SEVERITIES.has(s)) out[k] = s as SeveritySetting;
      else if (s === 'information' || s === 'hint') out[k] = 'info';
    }
  }
  return out;
}

function globsOf(x: unknown): string[] {
  if (Array.isArray(x)) return x.filter((g): g is string => typeof g === 'string' && g.length > 0);
  // VS Code style `{"glob": true}` objects, as in files.exclude
  if (x && typeof x === 'object') return Object.entries(x as Record<string, unknown>).filter(([, v]) => v === true).map(([k]) => k);
  return [];
}

/** Normalises whatever the client sent for section `lpg` (missing or wrong values fall back to defaults). */
export function normalizeSettings(raw: unknown): Settings {
  const r = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const debounce = Number(r.debounceMs);
  const max = Number(r.maxFileSizeMB);
  return {
    run: r.run === 'onSave' ? 'onSave' : 'onType',
    debounceMs: Number.isFinite(debounce) && debounce >= 0 ? Math.min(debounce, 60_000) : DEFAULT_SETTINGS.debounceMs,
    rules: rulesOf(r.rules),
    // a workspace's settings come from the repository (.vscode/settings.json): bounded like `.lpg.json`
    exclude: globsOf(r.exclude).slice(0, MAX_IGNORE_GLOBS),
    maxFileSizeMB: Number.isFinite(max) && max > 0 ? max : DEFAULT_SETTINGS.maxFileSizeMB,
    varFiles: Array.isArray(r.varFiles) ? r.varFiles.filter((v): v is string => typeof v === 'string' && v.length > 0) : [],
  };
}

/** `whole`: the error is about the file itself (not a regular file, unreadable, too large): none of it applies. */
export interface ProjectConfig { rules: Record<string, SeveritySetting>; ignore: string[]; error?: string; whole?: boolean }

/** Reads `<root>/.lpg.json` with the CLI's validation, entry by entry: the valid entries apply, the errors are listed. */
export function readProjectConfig(root: string): ProjectConfig {
  const file = path.join(root, CONFIG_FILE);
  // Read as the CLI reads it: a FIFO, socket or device is never opened for a blocking read, size limited.
  let st: fs.Stats;
  try { st = fs.statSync(file); } catch { return { rules: {}, ignore: [] }; }
  if (!st.isFile()) return { rules: {}, ignore: [], error: `${file}: ${kindOf(st)}, not a regular file`, whole: true };
  const r = readTextSync(file, CONFIG_FILE, { maxBytes: MAX_CONFIG_BYTES, tooBig: (size, max) => `${(size / 1048576).toFixed(1)} MB is over the ${max / 1048576} MB limit of a configuration file` });
  if ('message' in r) return r.incomplete ? { rules: {}, ignore: [] } : { rules: {}, ignore: [], error: `${file}: ${r.message.replace(/^skipped: /, '')}`, whole: true };
  const text = r.text;
  // entry by entry: a bad entry is left out (and reported), the others apply
  const { config, errors } = parseConfigEntries(text, file);
  return errors.length ? { ...config, error: `${file}: ${errors.join('; ')}` } : config;
}

/** Editor settings win over `.lpg.json` per rule; excludes are the union of both. */
export function mergeSettings(editor: Settings, project: ProjectConfig): Settings {
  return { ...editor, rules: { ...project.rules, ...editor.rules }, exclude: [...project.ignore, ...editor.exclude] };
}

/** A matcher of paths relative to the workspace folder (`/` separators), with the CLI's glob semantics (folder globs cover their contents, `!glob` re-includes). */
export function excludeMatcher(globs: string[]): (rel: string) => boolean {
  return ignoreMatcher(globs);
}
