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
import { TextModels } from '../core/textmodels';
import { analyzeTemplates } from '../core/analyze';
import type { SourceFile } from '../core/model/module';
import type { ConfigHost, ConfigProblem, Configuration } from '../core/model/config';
import { calledDirs, reachable } from '../core/workspace';
import { buildConfig, isLocalSource, joinDir } from '../core/model/config';
import { analyzeConfiguration, instanceCounts, mergeConfigFindings, type InstanceFinding } from '../core/configuration';
import { addCoverage, coverageOf, emptyCoverage, wiringCoverage, type Coverage } from '../core/coverage';
import { isTerraformFile, mayBeRelevant, worthReading, type ModulePlan } from './plan';
import { verdictOf, type AnalyzeModuleOptions, type ModuleInput, type SyntaxError } from './module';
import { readTextSync, type ScanIssue } from './fs';
import { pushAll } from '../core/fix/apply';

export interface ConfigScanResult {
  findings: Finding[];
  coverage: Coverage;
  problems: ScanIssue[];
  /** Folders (module instances' folders) analysed. */
  modules: number;
  filesRead: number;
  /** Files read per module folder (root-relative): callers scanning overlapping targets count each folder once. */
  perDir?: [string, number][];
  /** Texts of the files analysed (root-relative paths): those of the findings, for code frames. */
  texts: Map<string, string>;
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
  opts: Omit<AnalyzeModuleOptions, 'onRuleError'> & { varFiles?: VarSource[]; follow?: boolean; /** Real paths that may be read (symbolic links confined to the scanned root). */ allowed?: (real: string) => boolean; onRuleError?: (ruleId: string, error: unknown, module: string) => void },
): Promise<ConfigScanResult> {
  // module sources by text, so that folders of configurations with nothing to check are never parsed
  const SOURCE = /(?:\bsource\s*=\s*|"source"\s*:\s*)"([^"\n]*)"/g;
  const sourcesOf = (files: { path: string; text: string }[]): string[] => files.filter((f) => isTerraformFile(f.path)).flatMap((f) => [...f.text.matchAll(SOURCE)].map((m) => m[1]));
  const inputs = new Map<string, ModuleInput>();
  const srcMap = new Map<string, string[]>();
  const made = new Map<string, SourceFile[] | undefined>();
  const texts = new Map<string, string>();
  const relevantDirs = new Set<string>();
  const reportDirs = new Set<string>();
  const only = new Set<string>();
  const fileCount = new Map<string, number>();
  // identical Terraform texts of several folders: parsed and modelled once
  const models = new TextModels();
  for (const p of plans) {
    const input = (await load(p)).input;
    srcMap.set(p.dir, sourcesOf(input.files));
    fileCount.set(p.dir, input.files.length);
    for (const f of input.files) if (reportable(f.path)) { only.add(f.path); reportDirs.add(p.dir); }
    // texts are kept only for folders with something to check (the others, if a configuration needs them, are read again)
    if (input.files.some((f) => mayBeRelevant(f.text))) {
      relevantDirs.add(p.dir);
      inputs.set(p.dir, input);
      for (const f of input.files) { texts.set(f.path, f.text); models.expect(f.path, f.text); }
    }
  }

  /** A folder outside the plan (an installed module): its Terraform and policy files, read once. */
  const readDir = (dir: string): SourceFile[] | undefined => {
    const abs = path.join(root, ...dir.split('/'));
    let names: string[];
    try { names = fs.readdirSync(abs).sort(); } catch { return undefined; }
    const files: SourceFile[] = [];
    for (const n of names) {
      const lower = n.toLowerCase();
      if (!(isTerraformFile(lower) || lower.endsWith('.json') || lower.endsWith('.tfvars'))) continue;
      const rel = dir === '' ? n : dir + '/' + n;
      // as the walk reads: regular files only, no link out of the scanned root, size-limited, UTF-8
      const r = readTextSync(path.join(abs, n), rel, { allowed: opts.allowed, raw: false });
      if ('message' in r) continue;
      const text = r.text;
      if (!worthReading(rel, text)) continue;
      texts.set(rel, text);
      if (mayBeRelevant(text)) relevantDirs.add(dir);
      files.push(makeSourceFile(rel, text));
    }
    return files.some((f) => f.kind === 'tf' || f.kind === 'tfjson') ? files : undefined;
  };
  const manifests = new Map<string, string | undefined>();
  const host: ConfigHost = {
    folder(dir) {
      if (made.has(dir)) return made.get(dir);
      const input = inputs.get(dir);
      const files = input ? input.files.map((f) => models.make(f.path, f.text)) : readDir(dir);
      made.set(dir, files);
      return files;
    },
    manifest(dir) {
      // asked for every root (which roots to analyse) and again when its configuration is built: read once
      if (manifests.has(dir)) return manifests.get(dir);
      const file = path.join(root, ...dir.split('/').filter(Boolean), '.terraform', 'modules', 'modules.json');
      // most folders have no .terraform: a stat that does not throw, not an open that fails with an exception
      let there = true;
      try { there = !!fs.statSync(file, { throwIfNoEntry: false }); } catch { /* not ENOENT: let the read say */ }
      const r = there ? readTextSync(file, '.terraform/modules/modules.json', { allowed: opts.allowed, raw: false }) : undefined;
      const text = r && !('message' in r) ? r.text : undefined;
      manifests.set(dir, text);
      return text;
    },
  };
  host.sources = (dir) => {
    const known = srcMap.get(dir);
    if (known) return known;
    const files = host.folder(dir);
    const v = files ? sourcesOf(files) : [];
    srcMap.set(dir, v);
    return v;
  };
  const planDirs = new Set(plans.map((p) => p.dir));
  const calledByText = new Set<string>();
  for (const d of planDirs) for (const src of host.sources!(d)) { if (!isLocalSource(src)) continue; const to = joinDir(d, src); if (to !== undefined && to !== d) calledByText.add(to); }
  // a root is analysed when a folder it reaches has something to check and something to report, or it calls installed modules
  const wanted = (root: string): boolean => {
    if (opts.follow === false) return relevantDirs.has(root) && reportDirs.has(root);
    const r = reachable(host, root, planDirs);
    const installed = !!host.manifest?.(root) && host.sources!(root).some((s) => !isLocalSource(s));
    return (installed || r.some((d) => relevantDirs.has(d))) && r.some((d) => reportDirs.has(d));
  };
  const varFiles = (opts.varFiles ?? []).map((v) => makeSourceFile(v.path, v.text));
  const items: InstanceFinding[] = [];
  const problems: ScanIssue[] = [];
  const seen = new Set<string>();
  let coverage = emptyCoverage();
  const dirs = new Set<string>();
  const counts = new Map<string, number>();
  // HashiCorp's verdict only where tree-sitter sees an error (as analyzeModuleTextsChecked)
  const syntaxErrors = new Map<string, SyntaxError | null>();
  // one configuration at a time (as forEachConfiguration, with the syntax checker awaited in between)
  const dirList = plans.map((p) => p.dir);
  const called = opts.follow === false ? new Set<string>() : calledDirs(host, dirList);
  const covered = new Set<string>();
  const roots = dirList.filter((d) => !called.has(d) && wanted(d));
  const fallback = (): string | undefined => dirList.find((d) => !covered.has(d) && called.has(d) && wanted(d) && !roots.includes(d));
  for (let r = roots.shift() ?? fallback(); r !== undefined; r = roots.shift() ?? fallback()) {
    covered.add(r); // never built twice, even when the folder is gone
    const c = buildConfig(r, host, { varFiles, follow: opts.follow });
    if (!c) continue;
    for (const i of c.instances) covered.add(i.dir);
    for (const i of c.instances) for (const f of i.files) {
      const p = realPathOf(f.path);
      if (f.kind === 'tf' && f.syntax?.errors.length && !syntaxErrors.has(p)) {
        const v = await verdictOf(p, f.text, { checkSyntax: opts.checkSyntax, syntaxCache: opts.syntaxCache });
        if (v !== undefined) syntaxErrors.set(p, v);
      }
    }
    pushAll(items, analyzeConfiguration(c, { rules: opts.rules, syntaxErrors, only, onRuleError: (id, e) => opts.onRuleError?.(id, e, c.rootDir) }));
    coverage = addCoverage(coverage, coverageOf(c));
    for (const p of c.problems) {
      const k = `${p.file}|${p.span.start}|${p.message}`;
      if (seen.has(k)) continue;
      seen.add(k);
      problems.push(problemIssue(p, texts.get(p.file)));
    }
    instanceCounts([c], counts);
    for (const i of c.instances) dirs.add(i.dir);
    // a root is in no other configuration: its parsed files are not needed again
    if (!calledByText.has(c.rootDir)) made.delete(c.rootDir);
  }
  const findings = mergeConfigFindings(items, counts);
  // CloudFormation / SAM templates: each is a stack of its own, analysed per folder with the files it includes
  for (const [dir, input] of inputs) {
    const others = input.files.filter((f) => !isTerraformFile(f.path) && !f.path.toLowerCase().endsWith('.tfvars'));
    if (!others.length) continue;
    const files = others.map((f) => makeSourceFile(f.path, f.text));
    if (!files.some((f) => f.kind === 'cfn')) continue;
    pushAll(findings, analyzeTemplates(files, { rules: opts.rules, only, onRuleError: (id, e) => opts.onRuleError?.(id, e, dir), onFacts: (f) => { coverage = addCoverage(coverage, wiringCoverage(f)); } }));
    if (!dirs.has(dir)) dirs.add(dir);
  }
  let filesRead = 0;
  for (const d of dirs) filesRead += fileCount.get(d) ?? made.get(d)?.length ?? 0;
  return { findings, coverage, problems, texts, modules: dirs.size, filesRead, perDir: [...dirs].map((d): [string, number] => [d, fileCount.get(d) ?? made.get(d)?.length ?? 0]) };
}

function realPathOf(p: string): string { const i = p.indexOf('\u0000'); return i < 0 ? p : p.slice(0, i); }

function problemIssue(p: ConfigProblem, text: string | undefined): ScanIssue {
  const line = text === undefined ? undefined : text.slice(0, p.span.start).split('\n').length;
  return { file: p.file, message: line ? `line ${line}: ${p.message}` : p.message };
}

export type { Configuration };
