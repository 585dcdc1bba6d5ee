/**
 * The scan of configurations: every planned folder is read, the folders no other folder calls are the
 * roots, each root's configuration (its local and installed modules) is analysed as one
 * (core/workspace.ts). Installed modules (`.terraform/modules/...`, which the walk skips) and folders
 * outside the plan are read from disk here, once.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Finding } from '../core/types';
import { makeSourceFile } from '../core/source';
import type { SourceFile } from '../core/model/module';
import type { ConfigHost, ConfigProblem, Configuration } from '../core/model/config';
import { configurationsOf, reachable } from '../core/workspace';
import { isLocalSource } from '../core/model/config';
import { analyzeConfiguration, mergeConfigFindings, type InstanceFinding } from '../core/configuration';
import { addCoverage, coverageOf, emptyCoverage, type Coverage } from '../core/coverage';
import { isTerraformFile, mayBeRelevant, worthReading, type ModulePlan } from './plan';
import { verdictOf, type AnalyzeModuleOptions, type ModuleInput, type SyntaxError } from './module';
import { readText, type ScanIssue } from './fs';

export interface ConfigScanResult {
  findings: Finding[];
  coverage: Coverage;
  problems: ScanIssue[];
  /** Folders (module instances' folders) analysed. */
  modules: number;
  filesRead: number;
}

/** A user's variable file (`--var-file`) or `--var NAME=VALUE` values, as a `.tfvars` source file. */
export interface VarSource { path: string; text: string }

/** `--var NAME=VALUE` as tfvars text: VALUE is HCL when it is a list, object, number or bool, else a string. */
export function varAssignment(arg: string): string | undefined {
  const i = arg.indexOf('=');
  if (i <= 0) return undefined;
  const name = arg.slice(0, i).trim();
  if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(name)) return undefined;
  const value = arg.slice(i + 1);
  const hcl = /^\s*[[{]/.test(value) || /^(true|false|null|-?\d+(\.\d+)?)$/.test(value.trim()) ? value : JSON.stringify(value);
  return `${name} = ${hcl}\n`;
}

export async function scanConfigurations(
  root: string,
  plans: ModulePlan[],
  load: (m: ModulePlan) => Promise<{ input: ModuleInput }>,
  reportable: (rootRelative: string) => boolean,
  opts: Omit<AnalyzeModuleOptions, 'onRuleError'> & { varFiles?: VarSource[]; follow?: boolean; onRuleError?: (ruleId: string, error: unknown, module: string) => void },
): Promise<ConfigScanResult> {
  const inputs = new Map<string, ModuleInput>();
  for (const p of plans) inputs.set(p.dir, (await load(p)).input);
  const made = new Map<string, SourceFile[] | undefined>();
  const texts = new Map<string, string>();
  const relevantDirs = new Set<string>();
  const only = new Set<string>();
  for (const [dir, input] of inputs) {
    if (input.files.some((f) => mayBeRelevant(f.text))) relevantDirs.add(dir);
    for (const f of input.files) { texts.set(f.path, f.text); if (reportable(f.path)) only.add(f.path); }
  }

  /** A folder outside the plan (an installed module): its Terraform and policy files, read once. */
  const readDir = (dir: string): SourceFile[] | undefined => {
    const abs = path.join(root, ...dir.split('/'));
    let names: string[];
    try { names = fs.readdirSync(abs).sort(); } catch { return undefined; }
    const files: SourceFile[] = [];
    for (const n of names) {
      const lower = n.toLowerCase();
      if (!(isTerraformFile(lower) || lower.endsWith('.json'))) continue;
      const rel = dir === '' ? n : dir + '/' + n;
      let text: string;
      try {
        if (!fs.statSync(path.join(abs, n)).isFile()) continue;
        text = fs.readFileSync(path.join(abs, n), 'utf8').replace(/^\uFEFF/, '');
      } catch { continue; }
      if (!worthReading(rel, text)) continue;
      texts.set(rel, text);
      if (mayBeRelevant(text)) relevantDirs.add(dir);
      files.push(makeSourceFile(rel, text));
    }
    return files.some((f) => f.kind === 'tf' || f.kind === 'tfjson') ? files : undefined;
  };
  const host: ConfigHost = {
    folder(dir) {
      if (made.has(dir)) return made.get(dir);
      const input = inputs.get(dir);
      const files = input ? input.files.map((f) => makeSourceFile(f.path, f.text)) : readDir(dir);
      made.set(dir, files);
      return files;
    },
    manifest(dir) {
      try { return fs.readFileSync(path.join(root, ...dir.split('/').filter(Boolean), '.terraform', 'modules', 'modules.json'), 'utf8'); } catch { return undefined; }
    },
  };
  // module sources by text, so that folders of configurations with nothing to check are never parsed
  const SOURCE = /(?:\bsource\s*=\s*|"source"\s*:\s*)"([^"\n]*)"/g;
  host.sources = (dir) => {
    const input = inputs.get(dir);
    if (!input) { const files = host.folder(dir); return files ? files.flatMap((f) => [...f.text.matchAll(SOURCE)].map((m) => m[1])) : []; }
    return input.files.filter((f) => isTerraformFile(f.path)).flatMap((f) => [...f.text.matchAll(SOURCE)].map((m) => m[1]));
  };
  const planDirs = new Set(plans.map((p) => p.dir));
  const reportDirs = new Set([...inputs].filter(([, i]) => i.files.some((f) => only.has(f.path))).map(([d]) => d));
  // a root is analysed when a folder it reaches has something to check and something to report, or it calls installed modules
  const wanted = (root: string): boolean => {
    if (opts.follow === false) return relevantDirs.has(root) && reportDirs.has(root);
    const r = reachable(host, root, planDirs);
    const installed = !!host.manifest?.(root) && host.sources!(root).some((s) => !isLocalSource(s));
    return (installed || r.some((d) => relevantDirs.has(d))) && r.some((d) => reportDirs.has(d));
  };
  const varFiles = (opts.varFiles ?? []).map((v) => makeSourceFile(v.path, v.text));
  const analysed = configurationsOf(host, plans.map((p) => p.dir), { varFiles, follow: opts.follow }, wanted);

  // HashiCorp's verdict only where tree-sitter sees an error (as analyzeModuleTextsChecked)
  const syntaxErrors = new Map<string, SyntaxError | null>();
  for (const c of analysed) for (const i of c.instances) for (const f of i.files) {
    const p = realPathOf(f.path);
    if (f.kind === 'tf' && f.syntax?.errors.length && !syntaxErrors.has(p)) {
      const v = await verdictOf(p, f.text, { checkSyntax: opts.checkSyntax, syntaxCache: opts.syntaxCache });
      if (v !== undefined) syntaxErrors.set(p, v);
    }
  }
  const items: InstanceFinding[] = [];
  const problems: ScanIssue[] = [];
  const seen = new Set<string>();
  let coverage = emptyCoverage();
  const dirs = new Set<string>();
  const files = new Set<string>();
  for (const c of analysed) {
    items.push(...analyzeConfiguration(c, { rules: opts.rules, syntaxErrors, only, onRuleError: (id, e) => opts.onRuleError?.(id, e, c.rootDir) }));
    coverage = addCoverage(coverage, coverageOf(c));
    for (const p of c.problems) {
      const k = `${p.file}|${p.span.start}|${p.message}`;
      if (seen.has(k)) continue;
      seen.add(k);
      problems.push(problemIssue(p, texts.get(p.file)));
    }
    for (const i of c.instances) { dirs.add(i.dir); for (const f of i.files) files.add(realPathOf(f.path)); }
  }
  return { findings: mergeConfigFindings(items, analysed), coverage, problems, modules: dirs.size, filesRead: files.size };
}

function realPathOf(p: string): string { const i = p.indexOf('\u0000'); return i < 0 ? p : p.slice(0, i); }

function problemIssue(p: ConfigProblem, text: string | undefined): ScanIssue {
  const line = text === undefined ? undefined : text.slice(0, p.span.start).split('\n').length;
  return { file: p.file, message: line ? `line ${line}: ${p.message}` : p.message };
}

export type { Configuration };
