/**
 * A workspace of Terraform folders as configurations: the roots are the folders no other folder
 * calls (through a local `source`), each root's configuration is analysed as one, and the findings of
 * every configuration are merged (configuration.ts). Pure: folders come through the host.
 */
import type { Finding } from './types';
import type { AnalyzeOptions } from './analyze';
import { buildConfig, isLocalSource, joinDir, moduleCalls, type ConfigHost, type ConfigProblem, type Configuration } from './model/config';
import { analyzeConfiguration, mergeConfigFindings, type InstanceFinding } from './configuration';
import type { SourceFile } from './model/module';
import { coverageOf, addCoverage, emptyCoverage, type Coverage } from './coverage';
import { pushAll } from './fix/apply';

export interface WorkspaceOptions extends AnalyzeOptions {
  varFiles?: SourceFile[];
  maxDepth?: number;
  /** false: every folder alone (module calls not followed). */
  follow?: boolean;
}

export interface WorkspaceResult {
  findings: Finding[];
  configs: Configuration[];
  problems: ConfigProblem[];
  coverage: Coverage;
}

/** Folders of `dirs` called by another folder of `dirs` through a local source. */
export function calledDirs(host: ConfigHost, dirs: string[]): Set<string> {
  const set = new Set(dirs);
  const called = new Set<string>();
  for (const d of dirs) {
    for (const src of sourcesOf(host, d)) {
      if (!isLocalSource(src)) continue;
      const to = joinDir(d, src);
      if (to !== undefined && to !== d && set.has(to)) called.add(to);
    }
  }
  return called;
}

/** Literal module sources of a folder (cheap when the host can read them without parsing). */
export function sourcesOf(host: ConfigHost, dir: string): string[] {
  if (host.sources) return host.sources(dir);
  const files = host.folder(dir);
  return files ? moduleCalls(files).flatMap((c) => (c.source === undefined ? [] : [c.source])) : [];
}

/** The folders a root reaches through local sources (by text; a superset of its configuration's local folders). */
export function reachable(host: ConfigHost, root: string, dirs: Set<string>): string[] {
  const seen = new Set([root]);
  const todo = [root];
  while (todo.length) {
    const d = todo.pop()!;
    for (const src of sourcesOf(host, d)) {
      if (!isLocalSource(src)) continue;
      const to = joinDir(d, src);
      if (to !== undefined && dirs.has(to) && !seen.has(to)) { seen.add(to); todo.push(to); }
    }
  }
  return [...seen];
}

/** The configurations of a workspace: one per root; folders reached from no root (a cycle) are roots too. */
export function configurationsOf(host: ConfigHost, dirs: string[], opts: WorkspaceOptions = {}, wanted?: (root: string) => boolean): Configuration[] {
  const out: Configuration[] = [];
  forEachConfiguration(host, dirs, opts, wanted, (c) => { out.push(c); });
  return out;
}

/** As configurationsOf, one configuration at a time (a scan keeps none of them longer than needed). */
export function forEachConfiguration(host: ConfigHost, dirs: string[], opts: WorkspaceOptions, wanted: ((root: string) => boolean) | undefined, fn: (c: Configuration) => void): void {
  const called = opts.follow === false ? new Set<string>() : calledDirs(host, dirs);
  const covered = new Set<string>();
  const add = (d: string): void => {
    const c = buildConfig(d, host, { varFiles: opts.varFiles, maxDepth: opts.maxDepth, follow: opts.follow });
    if (!c) return;
    for (const i of c.instances) covered.add(i.dir);
    fn(c);
  };
  for (const d of dirs) if (!called.has(d) && (!wanted || wanted(d))) add(d);
  for (const d of dirs) if (!covered.has(d) && called.has(d) && (!wanted || wanted(d))) add(d);
}

/** Analyses the configurations that contain any of `dirs` (all of them by default) and merges their findings. */
export function analyzeWorkspace(host: ConfigHost, dirs: string[], opts: WorkspaceOptions = {}): WorkspaceResult {
  const configs = configurationsOf(host, dirs, opts);
  const items: InstanceFinding[] = [];
  const problems: ConfigProblem[] = [];
  const seenProblem = new Set<string>();
  let coverage = emptyCoverage();
  for (const c of configs) {
    pushAll(items, analyzeConfiguration(c, opts));
    for (const p of c.problems) {
      const k = `${p.file}|${p.span.start}|${p.message}`;
      if (!seenProblem.has(k)) { seenProblem.add(k); problems.push(p); }
    }
    coverage = addCoverage(coverage, coverageOf(c));
  }
  const findings = mergeConfigFindings(items, configs);
  findings.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character || (a.ruleId < b.ruleId ? -1 : 1));
  return { findings, configs, problems, coverage };
}
