/**
 * Scanning folders and files from disk: the orchestration shared by the `lpg` CLI and the language
 * server's "Scan Workspace". Walks the target, groups files into modules (plan.ts), analyses each
 * module (module.ts) and optionally fixes it (fix.ts). Paths in results are relative to the root.
 */
import * as fsp from 'fs/promises';
import * as path from 'path';
import type { Finding } from '../core/types';
import { initParser } from '../host/node-wasm';
import { CONFIG_FILE, ConfigError, ignoreMatcher, parseConfig, type LpgConfig } from './config';
import { mayBeRelevant, planModules, worthReading, type ModulePlan } from './plan';
import { analyzeModuleTextsChecked, type AnalyzeModuleOptions, type ModuleInput, type SyntaxChecker } from './module';
import { fixModule, type AppliedFix, type RejectedFix } from './fix';
import { pushAll } from '../core/fix/apply';
import { AnalysisPool } from './pool';
import { isInside, kindOf, readText, readTextSync, realOr, toRel, walk, writeTextAtomic, type ReadText, type ScanIssue } from './fs';
import * as fs from 'fs';
import { isPlanFile, scanPlanText } from './planscan';
import { scanConfigurations, type VarSource } from './configs';
import { addCoverage, emptyCoverage, type Coverage } from '../core/coverage';

export * from './config';
export * from './plan';
export * from './module';
export * from './fix';
export { walk, readText, readTextSync, writeTextAtomic, toRel, type ScanIssue } from './fs';
export { isPlanFile, scanPlanText } from './planscan';
export { varAssignment, type VarSource } from './configs';

export interface ScanOptions {
  /** Configuration file (absolute); default `.lpg.json` in the root when it exists. */
  configFile?: string;
  /** Configuration already loaded (overrides configFile and the root's `.lpg.json`). */
  config?: LpgConfig;
  checkSyntax?: SyntaxChecker;
  /** Called once the walk found `.tf` files to check, before reading them (start the syntax checker early). */
  warmUp?: () => void;
  /** `write`: apply preferred fixes and write the files; `dry-run`: compute them only. */
  fix?: 'write' | 'dry-run';
  onRuleError?: (ruleId: string, error: unknown, module: string) => void;
  /** Called after each module (progress). */
  onModule?: (dir: string, findings: Finding[]) => void;
  /** The root module's source folder of the Terraform plans scanned (absolute; default: each plan's folder). */
  planRoot?: string;
  /** Variable files (`--var-file`, `--var`) for the roots, in precedence order (last wins). */
  varFiles?: VarSource[];
  /** Analyse each folder alone (module calls not followed). */
  noModules?: boolean;
}

/** Plan JSON files can be bigger than the source files a scan reads. */
const PLAN_MAX_BYTES = 256 * 1024 * 1024;

export interface FileChange {
  /** Root-relative path. */
  file: string;
  before: string;
  after: string;
  bom: boolean;
  /** Written to disk (false in dry-run or when refused). */
  written: boolean;
  /** Why it was not written. */
  message?: string;
}

export interface ScanResult {
  /** Absolute folder that paths are relative to. */
  root: string;
  /** Root-relative path of the file when the target was a file. */
  file?: string;
  config: LpgConfig;
  configFile?: string;
  /** Files found that lpg checks (Terraform, tfvars, policy JSON), relevant or not: none (undefined) is "nothing to check". */
  candidates?: number;
  findings: Finding[];
  issues: ScanIssue[];
  filesRead: number;
  modules: number;
  /** Root-relative paths of the files read and folders of the modules analysed (callers scanning overlapping targets count each once). */
  read: { files: string[]; modules: string[]; perDir?: [string, number][] };
  /** Root-relative paths of the Terraform plans analysed. */
  plans?: string[];
  /** Triggers found, decided and undecided (configurations only). */
  coverage?: Coverage;
  /** With `fix`: the fixes applied (and written, with `write`), those left out, and the files changed. */
  fixed?: { applied: AppliedFix[]; rejected: RejectedFix[]; changes: FileChange[] };
  /** Texts of the files with findings, as analysed (for code frames: nothing is read again from disk). */
  texts: Map<string, string>;
  /** Notices about the configuration (a `.lpg.json` that is not a regular file is ignored). */
  notices: ScanIssue[];
}

/** Largest configuration file read (bytes): a bigger one is refused with this limit. */
export const MAX_CONFIG_BYTES = 1024 * 1024;

/** Loads the configuration for a root: the explicit file, or `.lpg.json` in the root, or defaults. Throws ConfigError. */
export async function loadConfig(root: string, configFile?: string): Promise<{ config: LpgConfig; file?: string; notice?: string }> {
  const file = configFile ?? path.join(root, CONFIG_FILE);
  const none = { config: { rules: {}, ignore: [] } };
  let st: fs.Stats;
  try { st = fs.statSync(file); } catch (e) {
    if (!configFile && (e as NodeJS.ErrnoException).code === 'ENOENT') return none;
    st = undefined as never;
  }
  // A `.lpg.json` that is a FIFO, socket, device or folder is ignored (never opened for a blocking read).
  if (!configFile && st && !st.isFile()) return { ...none, notice: `ignored: ${kindOf(st)}, not a regular file` };
  const r = readTextSync(file, CONFIG_FILE, {
    maxBytes: MAX_CONFIG_BYTES,
    tooBig: (size, max) => `${(size / 1048576).toFixed(1)} MB is over the ${max / 1048576} MB limit of a configuration file`,
    // the root's `.lpg.json` may not be a link to outside the root
    allowed: configFile ? undefined : (real) => isInside(realOr(root), real),
    outsideMessage: 'symbolic link to outside the scanned root (not followed)',
  });
  if ('message' in r) {
    if (!configFile && / not a regular file|outside the scanned root/.test(r.message)) return { ...none, notice: `ignored: ${r.message.replace(/^skipped: /, '')}` };
    throw new ConfigError(file, r.message.startsWith('cannot read') ? r.message.replace('cannot read file', 'cannot read configuration') : r.message.replace(/^skipped: /, ''));
  }
  return { config: parseConfig(r.text, file), file };
}

/** Scans a folder or a single file (its folder is analysed, only the file is reported). */
export async function scan(target: string, opts: ScanOptions = {}): Promise<ScanResult> {
  target = path.resolve(target);
  const st = await fsp.stat(target); // throws for a missing target: a usage error for the caller
  const root = st.isDirectory() ? target : path.dirname(target);
  const single = st.isDirectory() ? undefined : toRel(root, target);
  if (single && single.toLowerCase().endsWith('.json') && st.isFile() && st.size <= PLAN_MAX_BYTES) {
    const text = (await fsp.readFile(target, 'utf8').catch(() => '')).replace(/^\uFEFF/, '');
    if (isPlanFile(single, text)) return scanPlanTarget(target, text, opts);
  }
  const { config, file: configFile, notice } = opts.config ? { config: opts.config, file: undefined, notice: undefined } : await loadConfig(root, opts.configFile);
  const isIgnored = ignoreMatcher(config.ignore);
  const pruneDirs = !config.ignore.some((g) => g.startsWith('!'));
  const realRoot = realOr(root);
  const inRoot = (real: string): boolean => isInside(realRoot, real);
  const walked = await walk(root, (rel, isDir) => isDir && pruneDirs && isIgnored(rel), { allowed: inRoot });
  const issues: ScanIssue[] = walked.issues.filter((i) => (single ? i.file === single : i.file !== CONFIG_FILE)); // the configuration file has its own notice
  const notices: ScanIssue[] = notice ? [{ file: CONFIG_FILE, message: notice }] : [];
  let plans = planModules(walked.files);
  if (single) {
    plans = plans.filter((m) => m.files.includes(single));
    if (!plans.length) plans = [{ dir: '', files: [single] }]; // a file of a kind the walk does not read: analyse it alone
  }
  const reportable = (p: string): boolean => (single ? p === single : !isIgnored(p));
  plans = plans.filter((m) => m.files.some(reportable));

  if (opts.warmUp && plans.some((m) => m.files.some((f) => f.toLowerCase().endsWith('.tf')))) opts.warmUp();
  await initParser();
  const result: ScanResult = { root, file: single, config, configFile, findings: [], issues, filesRead: 0, modules: 0, texts: new Map(), notices, read: { files: [], modules: [] } };
  if (opts.fix) result.fixed = { applied: [], rejected: [], changes: [] };
  const reads = new Map<string, ReadText>();
  const keepTexts = (findings: Finding[], texts?: Map<string, string>): void => {
    for (const f of findings) if (!result.texts.has(f.file)) { const t = texts?.get(f.file) ?? reads.get(f.file)?.text; if (t !== undefined) result.texts.set(f.file, t); }
  };

  const plansFound: { rel: string; text: string }[] = [];
  /** The plans found while walking (analysed on their own, after the folders). */
  const analysePlans = async (): Promise<void> => {
    for (const p of plansFound) {
      const r = await scanPlanText(root, path.join(root, ...p.rel.split('/')), p.text, opts.planRoot, { rules: config.rules, onRuleError: (id, e) => opts.onRuleError?.(id, e, p.rel) });
      const findings = r.findings.filter((f) => !isIgnored(f.file));
      keepTexts(findings, r.texts);
      (result.plans ??= []).push(p.rel);
      result.coverage = addCoverage(result.coverage ?? emptyCoverage(), r.coverage);
      result.modules++;
      result.filesRead += 1 + r.sourcesRead;
      opts.onModule?.(p.rel, findings);
      result.findings.push(...findings);
    }
  };

  const load = async (m: ModulePlan): Promise<{ input: ModuleInput }> => {
    const files: { path: string; text: string }[] = [];
    for (const rel of m.files) {
      const r = await readText(path.join(root, ...rel.split('/')), rel, { allowed: inRoot, raw: !!opts.fix });
      if ('message' in r) { issues.push(r); continue; }
      // a Terraform plan is analysed on its own (below), not as a file of the folder's module
      if (isPlanFile(rel, r.text)) {
        if (reportable(rel)) { plansFound.push({ rel, text: r.text }); result.candidates = (result.candidates ?? 0) + 1; }
        continue;
      }
      if (!worthReading(rel, r.text) && !(single === rel)) continue;
      if (worthReading(rel, r.text)) result.candidates = (result.candidates ?? 0) + 1;
      if (opts.fix) reads.set(rel, r); // without fixes, the texts of findings come from scanConfigurations (every file read kept was the peak memory of a monorepo scan)
      files.push({ path: rel, text: r.text });
    }
    const only = new Set(files.map((f) => f.path).filter(reportable));
    // Pre-filter: a module that mentions neither Lambda nor IAM policies is not parsed at all (a single file target always is).
    if (!single && !files.some((f) => mayBeRelevant(f.text))) only.clear();
    const input: ModuleInput = { dir: m.dir, files, only };
    return { input };
  };

  /** The findings of whole configurations: roots and the modules they call (configs.ts), the folders' texts from `from`. */
  const configurations = async (from: typeof load): Promise<void> => {
    const r = await scanConfigurations(root, plans, from, reportable, { allowed: inRoot, rules: config.rules, checkSyntax: opts.checkSyntax, varFiles: opts.varFiles, follow: !opts.noModules, onRuleError: opts.onRuleError });
    result.findings = r.findings;
    keepTexts(r.findings, r.texts);
    result.coverage = r.coverage;
    result.modules = r.modules;
    result.filesRead = r.filesRead;
    result.read = { files: [], modules: [], perDir: r.perDir };
    issues.push(...r.problems);
  };

  if (!opts.fix) {
    await configurations(load);
    await analysePlans();
    return result;
  }

  // Analyses run in worker threads (pool.ts) when there are enough modules, at most 2 per worker in flight; results are taken in order.
  let pool: AnalysisPool | undefined;
  let poolTried = false;
  const inflight: { dir: string; p: Promise<Finding[]> }[] = [];
  const settle = async (x: { dir: string; p: Promise<Finding[]> }): Promise<void> => {
    const findings = await x.p;
    opts.onModule?.(x.dir, findings);
    pushAll(result.findings, findings);
    keepTexts(findings);
  };
  /** --fix: every folder's input as read, and the texts after its fixes (what the findings left are found in). */
  const inputs = new Map<string, ModuleInput>();
  const after = new Map<string, string>();
  try {
  let next = plans.length ? load(plans[0]) : undefined;
  for (let i = 0; i < plans.length; i++) {
    const cur = await next!;
    next = i + 1 < plans.length ? load(plans[i + 1]) : undefined; // read ahead while this one is analysed
    const { input } = cur;
    inputs.set(plans[i].dir, input);
    if (!input.files.length || !input.only!.size) continue;
    result.modules++;
    result.filesRead += input.files.length;
    result.read.modules.push(input.dir);
    for (const f of input.files) result.read.files.push(f.path);
    const aopts: AnalyzeModuleOptions = {
      rules: config.rules, checkSyntax: opts.checkSyntax,
      onRuleError: (id, e) => opts.onRuleError?.(id, e, input.dir),
    };
    if (opts.fix) {
      const r = await fixModule(input, aopts);
      let findings = r.findings;
      let applied = r.applied;
      let texts = r.texts;
      const failed = new Set<string>();
      for (const file of r.changed) {
        const rd = reads.get(file)!;
        const change: FileChange = { file, before: rd.text, after: r.texts.get(file)!, bom: rd.bom, written: false };
        if (opts.fix === 'write') {
          const err = await writeTextAtomic(path.join(root, ...file.split('/')), change.after, rd.bom, rd.raw, { allowed: inRoot });
          if (err) { change.message = err; failed.add(file); issues.push({ file, message: `not fixed: ${err}`, incomplete: true }); } else change.written = true;
        }
        result.fixed!.changes.push(change);
      }
      if (failed.size) {
        // The truth on disk: files not written keep their text, their fixes are not applied, and the
        // findings are those of the texts as they now are on disk.
        applied = applied.filter((a) => !a.files.some((f) => failed.has(f)));
        texts = new Map([...r.texts].map(([p, t]) => [p, failed.has(p) ? reads.get(p)!.text : t] as const));
        findings = await analyzeModuleTextsChecked({ ...input, files: input.files.map((f) => ({ path: f.path, text: texts.get(f.path)! })) }, aopts);
      }
      for (const [p, t] of texts) after.set(p, t);
      pushAll(result.fixed!.applied, applied);
      pushAll(result.fixed!.rejected, r.rejected);
      opts.onModule?.(input.dir, findings);
      pushAll(result.findings, findings);
      keepTexts(findings, texts);
    } else {
      if (!poolTried && result.modules >= 3) { poolTried = true; pool = AnalysisPool.create(); }
      inflight.push({ dir: input.dir, p: pool ? pool.analyze(input, aopts) : analyzeModuleTextsChecked(input, aopts) });
      while (inflight.length > (pool ? pool.size * 2 : 0)) await settle(inflight.shift()!);
    }
  }
  while (inflight.length) await settle(inflight.shift()!);
  } finally {
    pool?.dispose();
  }
  if (opts.fix) {
    // The fixes are found folder by folder (an edit that names another module's resources is never certain); the
    // findings left are those of whole configurations over the texts after the fixes, as a scan without --fix
    // reports them (a mistake across a module call, or one that only a variable file introduces, is not lost).
    const load2 = async (m: ModulePlan): Promise<{ input: ModuleInput }> => {
      const input = inputs.get(m.dir) ?? (await load(m)).input;
      return { input: { ...input, files: input.files.map((f) => { const t = after.get(f.path); return t === undefined ? f : { path: f.path, text: t }; }) } };
    };
    await configurations(load2);
  }
  await analysePlans();
  return result;
}

/** `lpg scan plan.json`: one Terraform plan, with the `.tf` sources of its modules when present. */
async function scanPlanTarget(target: string, text: string, opts: ScanOptions): Promise<ScanResult> {
  const root = opts.planRoot ?? path.dirname(target);
  const { config, file: configFile, notice } = opts.config ? { config: opts.config, file: undefined, notice: undefined } : await loadConfig(root, opts.configFile);
  const rel = toRel(root, target);
  const notices: ScanIssue[] = notice ? [{ file: CONFIG_FILE, message: notice }] : [];
  const result: ScanResult = { root, file: rel, config, configFile, candidates: 1, findings: [], issues: [], filesRead: 0, modules: 1, plans: [rel], texts: new Map(), notices, read: { files: [rel], modules: [rel] } };
  if (opts.fix) {
    result.fixed = { applied: [], rejected: [], changes: [] };
    notices.push({ file: rel, message: 'fixes are not applied from a plan: run lpg scan --fix on the Terraform source folder' });
  }
  const r = await scanPlanText(root, target, text, opts.planRoot, { rules: config.rules, onRuleError: (id, e) => opts.onRuleError?.(id, e, rel) });
  const isIgnored = ignoreMatcher(config.ignore);
  result.findings = r.findings.filter((f) => f.file === rel || !isIgnored(f.file));
  for (const f of result.findings) { const t = r.texts.get(f.file); if (t !== undefined) result.texts.set(f.file, t); }
  result.filesRead = 1 + r.sourcesRead;
  result.coverage = r.coverage;
  opts.onModule?.(rel, r.findings);
  return result;
}
