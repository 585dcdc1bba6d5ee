/**
 * Folders analysed alone (no module call links them to another folder of the workspace): the
 * incremental path of configurations (incremental.ts) for them too. After a keystroke that only
 * changes attributes no rule read, the folder's findings are carried over the edit instead of the
 * rules re-running over the whole folder; parse-errors are found per keystroke (they follow the
 * syntax verdicts). Folders with CloudFormation/SAM templates keep the analysis of every keystroke.
 */
import type { Finding } from '../core/types';
import { analyzeIndex, analyzeModule, type AnalyzeOptions } from '../core/analyze';
import type { SourceFile } from '../core/model/module';
import type { Facts } from '../core/model/facts';
import { allRules } from '../core/rules';
import { moveFindingList, ReadLog } from './incremental';
import { NO_MODULE } from './configs';

export interface FolderAnalysis {
  findings: Finding[];
  /** Carried over an edit: the fixes of findings in the edited block are missing until a full analysis. */
  provisional: boolean;
  /** The facts of the analysis (the wiring view); undefined when carried (build them from the files). */
  facts?: Facts[];
}

export class LspFolders {
  private readonly last = new Map<string, { files: SourceFile[]; key: string; findings: Finding[]; carried: boolean }>();
  private readonly log = new ReadLog();

  /** Entries kept (the bench-only memory probe). */
  size(): number { return this.last.size; }

  forget(dir: string): void { this.last.delete(dir); }

  /** The findings of a folder's files (paths relative to it), or undefined for a folder with templates (analyse it as before). */
  analyze(dir: string, files: SourceFile[], opts: AnalyzeOptions, incremental: boolean): FolderAnalysis | undefined {
    if (files.some((f) => f.kind === 'cfn')) { this.last.delete(dir); return undefined; }
    const rules = opts.ruleSet ?? allRules;
    const ruleSet = rules.filter((r) => r.meta.id !== 'parse-error');
    const parseRule = rules.find((r) => r.meta.id === 'parse-error');
    const key = JSON.stringify([opts.rules ?? {}, ruleSet.map((r) => r.meta.id)]);
    const hit = this.last.get(dir);
    let found: Finding[] | undefined;
    let provisional = false;
    let facts: Facts[] | undefined;
    if (hit && hit.key === key && hit.files.length === files.length) {
      const diff: number[] = [];
      for (let i = 0; i < files.length && diff.length < 2; i++) if (hit.files[i] !== files[i]) diff.push(i);
      if (!diff.length && (incremental || !hit.carried)) { found = hit.findings; provisional = hit.carried; }
      else if (incremental && diff.length === 1) {
        const a = hit.files[diff[0]], b = files[diff[0]];
        const e = a.path === b.path && a.syntax ? this.log.edit(a, b) : undefined;
        const moved = e && moveFindingList(hit.findings, b.path, a, b, e.edit, e.fixText);
        if (moved) { found = moved; provisional = true; this.last.set(dir, { files, key, findings: moved, carried: true }); }
      }
    }
    if (!found) {
      const fs: Facts[] = [];
      found = this.log.record(() => analyzeModule(files, { ...opts, ruleSet, syntaxErrors: undefined, only: undefined, onFacts: (f) => fs.push(f) }));
      facts = fs;
      this.last.set(dir, { files, key, findings: found, carried: false });
    }
    const findings = [...found];
    if (parseRule) findings.push(...analyzeIndex(NO_MODULE, files, { ...opts, ruleSet: [parseRule], only: undefined }));
    // the order of one analysis of the folder (analyze.ts)
    findings.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character || (a.ruleId < b.ruleId ? -1 : 1));
    return { findings, provisional, facts };
  }
}
