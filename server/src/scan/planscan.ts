/**
 * Scanning a Terraform plan JSON (`terraform show -json tfplan > plan.json`): the file side of the
 * plan front-end (core/frontends/plan). Reads the `.tf` sources of the module folders the plan
 * names (local `source` paths relative to the root module's folder, or the folders
 * `.terraform/modules/modules.json` records), so findings point at the `.tf` attribute; without
 * them findings point at the resource's entry in the plan.
 */
import * as fs from 'fs';
import * as path from 'path';
import { analyzePlan, planSourceFolders } from '../core/frontends/plan';
import { addCoverage, emptyCoverage, wiringCoverage, type Coverage } from '../core/coverage';
import { isPlanJson, mayBePlanJson } from '../core/frontends/plan/read';
import { makeSourceFile } from '../core/source';
import { initParser } from '../host/node-wasm';
import type { SourceFile } from '../core/model/module';
import type { Finding, SeveritySetting } from '../core/types';
import { MAX_FILE_BYTES, toRel } from './fs';
import { mayBeRelevant } from './plan';

export { isPlanJson, mayBePlanJson };

/** Is this file (name and text) a Terraform plan JSON? Cheap test first, then by content. */
export function isPlanFile(name: string, text: string): boolean {
  return name.toLowerCase().endsWith('.json') && isPlanJson(text, true);
}

function planVersion(text: string): string {
  return /"format_version"\s*:\s*"([^"]*)"/.exec(text)?.[1] ?? '';
}

export interface PlanScanOptions {
  rules?: Record<string, SeveritySetting>;
  onRuleError?: (ruleId: string, error: unknown) => void;
}

/**
 * Analyses one plan. `root`: the folder every path of the result is relative to; `planRoot`: the
 * root module's source folder (default: the plan's folder).
 * Returns the findings and the number of source files read.
 */
export async function scanPlanText(root: string, planAbs: string, planText: string, planRoot: string | undefined, opts: PlanScanOptions = {}): Promise<{ findings: Finding[]; sourcesRead: number; texts: Map<string, string>; coverage: Coverage }> {
  // a plan that mentions neither Lambda nor IAM has nothing for the rules (its JSON errors are still reported)
  if (!mayBeRelevant(planText) && isPlanJson(planText) && /^[01]\./.test(planVersion(planText))) return { findings: [], sourcesRead: 0, texts: new Map(), coverage: emptyCoverage() };
  const planPath = toRel(root, planAbs);
  const rootAbs = planRoot ?? path.dirname(planAbs);
  const rootDir = toRel(root, rootAbs);
  let modulesJson: string | undefined;
  try { modulesJson = fs.readFileSync(path.join(rootAbs, '.terraform', 'modules', 'modules.json'), 'utf8'); } catch { modulesJson = undefined; }
  const sources: SourceFile[] = [];
  for (const dir of planSourceFolders(planText, rootDir, modulesJson)) {
    const abs = path.join(root, ...dir.split('/'));
    let names: string[];
    try { names = fs.readdirSync(abs).filter((n) => /\.tf(\.json)?$/i.test(n)).sort(); } catch { continue; }
    if (names.length) await initParser(); // tree-sitter, only when there is Terraform to read
    for (const n of names) {
      const p = path.join(abs, n);
      try {
        const st = fs.statSync(p);
        if (!st.isFile() || st.size > MAX_FILE_BYTES) continue;
        const text = fs.readFileSync(p, 'utf8').replace(/^\uFEFF/, '');
        sources.push(makeSourceFile(dir ? dir + '/' + n : n, text));
      } catch { /* unreadable: the plan still says what it holds */ }
    }
  }
  let coverage = emptyCoverage();
  const findings = analyzePlan({ planPath, planText, rootDir, sources, modulesJson }, { rules: opts.rules, onRuleError: opts.onRuleError, onFacts: (f) => { coverage = addCoverage(coverage, wiringCoverage(f)); } });
  // the texts as analysed, for code frames and fingerprints (nothing is read again from disk)
  const texts = new Map<string, string>([[planPath, planText], ...sources.map((f) => [f.path, f.text] as [string, string])]);
  return { findings, sourcesRead: sources.length, texts, coverage };
}
