/**
 * Runs the analysis core on one planned module: text in, findings out, with paths relative to the
 * scan root. No file system: the caller supplies texts (without BOM) and the syntax checker.
 */
import { analyzeModule, type SyntaxError } from '../core/analyze';
import { makeSourceFile } from '../core/source';
// Node: the WASM files of this install; browser bundles swap host/node-wasm for host/browser-wasm (scripts/build.mjs)
import { initParser } from '../host/node-wasm';
import type { SourceFile } from '../core/model/module';
import type { Finding, Fix, SeveritySetting } from '../core/types';
import { relativeTo } from './plan';

export type { SyntaxError };

/** HashiCorp's verdict on a `.tf` file: the first error, null when it parses, undefined when unknown. */
export type SyntaxChecker = (path: string, text: string) => Promise<SyntaxError | null | undefined>;

export interface ModuleText {
  /** Root-relative path, `/` separators. */
  path: string;
  text: string;
}

export interface ModuleInput {
  /** Root-relative folder of the module. */
  dir: string;
  files: ModuleText[];
  /** Root-relative paths to report on (default: all). */
  only?: Set<string>;
}

export interface AnalyzeModuleOptions {
  rules?: Record<string, SeveritySetting>;
  checkSyntax?: SyntaxChecker;
  /** Known syntax verdicts per root-relative path and text (skips asking checkSyntax again). */
  syntaxCache?: SyntaxCache;
  onRuleError?: (ruleId: string, error: unknown) => void;
}

/** Syntax verdicts by root-relative path, valid for the text they were computed on. */
export type SyntaxCache = Map<string, { text: string; verdict: SyntaxError | null | undefined }>;

/** The checker's verdict on one file, from the cache when the text is the same. */
export async function verdictOf(path: string, text: string, opts: AnalyzeModuleOptions): Promise<SyntaxError | null | undefined> {
  if (!opts.checkSyntax || !path.toLowerCase().endsWith('.tf')) return undefined;
  const c = opts.syntaxCache?.get(path);
  if (c && c.text === text) return c.verdict;
  const verdict = await opts.checkSyntax(path, text).catch(() => undefined);
  opts.syntaxCache?.set(path, { text, verdict });
  return verdict;
}

/** The checker's verdicts on every `.tf` file of the module (asked concurrently; the checker queues). */
export async function checkModuleSyntax(input: ModuleInput, opts: AnalyzeModuleOptions): Promise<Map<string, SyntaxError | null | undefined>> {
  const out = new Map<string, SyntaxError | null | undefined>();
  const results = await Promise.all(input.files.map((f) => verdictOf(f.path, f.text, opts)));
  input.files.forEach((f, i) => out.set(f.path, results[i]));
  return out;
}

/** Analyses a module; findings, fix edits and related locations carry root-relative paths. */
export async function analyzeModuleTexts(input: ModuleInput, opts: AnalyzeModuleOptions = {}): Promise<Finding[]> {
  await initParser();
  const syntax = await checkModuleSyntax(input, opts);
  return analyzeModuleTextsSync(input, opts, syntax);
}

/**
 * Analyses a module asking the syntax checker (HashiCorp's parser, ~50 ms per KB and serial) only
 * about the `.tf` files in which tree-sitter finds an error: its verdict and message replace
 * tree-sitter's there. Files tree-sitter parses cleanly are taken as parsing. This keeps hcl2json
 * off the hot path of a scan (a monorepo's 4 MB of Terraform: ~60 s through hcl2json).
 */
export async function analyzeModuleTextsChecked(input: ModuleInput, opts: AnalyzeModuleOptions = {}): Promise<Finding[]> {
  await initParser();
  const files = input.files.map((f) => makeSourceFile(relativeTo(input.dir, f.path), f.text));
  const syntax = new Map<string, SyntaxError | null | undefined>();
  for (let i = 0; i < files.length; i++) {
    if (files[i].kind === 'tf' && files[i].syntax?.errors.length) syntax.set(input.files[i].path, await verdictOf(input.files[i].path, input.files[i].text, opts));
  }
  return analyzeModuleTextsSync(input, opts, syntax, files);
}

/** The synchronous part of analyzeModuleTexts (syntax verdicts already known; tree-sitter initialised; `built`: the source files, module-relative, if already made). */
export function analyzeModuleTextsSync(input: ModuleInput, opts: AnalyzeModuleOptions, syntax: Map<string, SyntaxError | null | undefined>, built?: SourceFile[]): Finding[] {
  const rel = (p: string): string => relativeTo(input.dir, p);
  const abs = (p: string): string => (input.dir === '' ? p : input.dir + '/' + p);
  const files = built ?? input.files.map((f) => makeSourceFile(rel(f.path), f.text));
  const syntaxErrors = new Map<string, SyntaxError | null>();
  for (const f of input.files) {
    const v = syntax.get(f.path);
    if (v !== undefined) syntaxErrors.set(rel(f.path), v);
  }
  const only = input.only ? new Set([...input.only].map(rel)) : undefined;
  const findings = analyzeModule(files, { rules: opts.rules, syntaxErrors, only, onRuleError: opts.onRuleError });
  if (input.dir === '') return findings;
  const mapFix = (x: Fix): Fix => ({
    ...x,
    edits: x.edits.map((e) => ({ ...e, file: abs(e.file) })),
    ...(x.snippet ? { snippet: { ...x.snippet, file: abs(x.snippet.file) } } : {}),
  });
  return findings.map((f) => ({
    ...f,
    file: abs(f.file),
    fixes: f.fixes.map(mapFix),
    related: f.related.map((r) => ({ ...r, file: abs(r.file) })),
  }));
}
