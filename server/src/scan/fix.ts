/**
 * `--fix`: applies every finding's preferred fixes to a module's texts, re-analysing until nothing
 * is left to fix (at most a few rounds). Pure except for the injected syntax checker: the caller
 * writes the files.
 */
import type { Finding, Fix } from '../core/types';
import { LineIndex } from '../core/text';
import { parse as parseJson, type ParseError } from 'jsonc-parser';
import { analyzeModuleTexts, verdictOf, type AnalyzeModuleOptions, type ModuleInput } from './module';

function jsonParses(text: string): boolean {
  const errors: ParseError[] = [];
  parseJson(text, errors, { allowTrailingComma: true });
  return errors.length === 0;
}

interface OffsetEdit { file: string; start: number; end: number; newText: string }

/** A fix's edits as offsets in the current texts (undefined when it names a file the module does not have). */
function toOffsets(fix: Fix, texts: Map<string, string>): OffsetEdit[] | undefined {
  const out: OffsetEdit[] = [];
  for (const e of fix.edits) {
    const t = texts.get(e.file);
    if (t === undefined) return undefined;
    const li = new LineIndex(t);
    out.push({ file: e.file, start: li.offsetAt(e.range.start), end: li.offsetAt(e.range.end), newText: e.newText });
  }
  return out;
}

/** Edits touch or overlap (closed intervals: two insertions at one point conflict too). */
function conflicts(a: OffsetEdit, b: OffsetEdit): boolean {
  return a.file === b.file && a.start <= b.end && b.start <= a.end;
}

/**
 * The preferred fixes of the findings that can be applied together: one per finding (its first
 * preferred fix), no two touching the same text, no duplicates. Order: as the findings come.
 */
export function selectFixes(findings: Finding[], texts: Map<string, string>): { fix: Fix; finding: Finding; edits: OffsetEdit[] }[] {
  const chosen: { fix: Fix; finding: Finding; edits: OffsetEdit[] }[] = [];
  const taken: OffsetEdit[] = [];
  const seen = new Set<string>();
  for (const finding of findings) {
    const fix = finding.fixes.find((f) => f.preferred && f.edits.length > 0);
    if (!fix) continue;
    const key = JSON.stringify(fix.edits);
    if (seen.has(key)) continue; // the same edit offered by two findings
    const edits = toOffsets(fix, texts);
    if (!edits) continue;
    if (edits.some((e) => taken.some((t) => conflicts(e, t)))) continue;
    seen.add(key);
    taken.push(...edits);
    chosen.push({ fix, finding, edits });
  }
  return chosen;
}

/** Applies non-overlapping offset edits to the texts (returns new texts; unchanged files keep their entry). */
export function applyOffsetEdits(texts: Map<string, string>, edits: OffsetEdit[]): Map<string, string> {
  const out = new Map(texts);
  const byFile = new Map<string, OffsetEdit[]>();
  for (const e of edits) byFile.set(e.file, [...(byFile.get(e.file) ?? []), e]);
  for (const [file, list] of byFile) {
    let t = out.get(file)!;
    for (const e of [...list].sort((a, b) => b.start - a.start || b.end - a.end)) t = t.slice(0, e.start) + e.newText + t.slice(e.end);
    out.set(file, t);
  }
  return out;
}

export interface FixResult {
  /** Final texts of every file of the module (root-relative path -> text). */
  texts: Map<string, string>;
  /** Files whose text changed. */
  changed: string[];
  /** The fixes applied, in order, with the finding each fixed. */
  applied: { ruleId: string; file: string; title: string }[];
  /** Fixes left out because they would break a file's syntax. */
  rejected: { ruleId: string; file: string; title: string; reason: string }[];
  /** Findings of the final texts. */
  findings: Finding[];
  rounds: number;
}

/** Fixes a module in memory. `maxRounds` bounds re-analysis (fixes that enable other fixes). */
export async function fixModule(input: ModuleInput, opts: AnalyzeModuleOptions = {}, maxRounds = 4): Promise<FixResult> {
  let texts = new Map(input.files.map((f) => [f.path, f.text] as const));
  const original = new Map(texts);
  const o: AnalyzeModuleOptions = { ...opts, syntaxCache: opts.syntaxCache ?? new Map() };
  const applied: FixResult['applied'] = [];
  const rejected: FixResult['rejected'] = [];
  const rejectedKeys = new Set<string>();
  const current = (): ModuleInput => ({ ...input, files: [...texts].map(([path, text]) => ({ path, text })) });
  let findings = await analyzeModuleTexts(current(), o);
  let rounds = 0;
  while (rounds < maxRounds) {
    const candidates = findings.filter((f) => !rejectedKeys.has(findingKey(f)));
    const chosen = selectFixes(candidates, texts);
    if (!chosen.length) break;
    rounds++;
    // Apply all; if a file that parsed no longer does, fall back to one fix at a time.
    let next = applyOffsetEdits(texts, chosen.flatMap((c) => c.edits));
    const broken = await brokenFiles(texts, next, o);
    if (broken.length) {
      next = texts;
      for (const c of chosen) {
        const trial = applyOffsetEdits(next, c.edits);
        const b = await brokenFiles(next, trial, o);
        if (b.length) {
          rejected.push({ ruleId: c.finding.ruleId, file: c.finding.file, title: c.fix.title, reason: `would break the syntax of ${b.join(', ')}` });
          rejectedKeys.add(findingKey(c.finding));
          continue;
        }
        next = trial;
        applied.push({ ruleId: c.finding.ruleId, file: c.finding.file, title: c.fix.title });
      }
    } else {
      for (const c of chosen) applied.push({ ruleId: c.finding.ruleId, file: c.finding.file, title: c.fix.title });
    }
    const progressed = [...next].some(([p, t]) => texts.get(p) !== t);
    texts = next;
    if (!progressed) break;
    findings = await analyzeModuleTexts(current(), o);
  }
  const changed = [...texts].filter(([p, t]) => original.get(p) !== t).map(([p]) => p);
  return { texts, changed, applied, rejected, findings, rounds };
}

function findingKey(f: Finding): string {
  return `${f.ruleId}|${f.file}|${f.range.start.line}:${f.range.start.character}|${f.message}`;
}

/** `.tf` files that parsed before and do not after (per the checker). Updates the cache with the new verdicts. */
async function brokenFiles(before: Map<string, string>, after: Map<string, string>, opts: AnalyzeModuleOptions): Promise<string[]> {
  const out: string[] = [];
  for (const [p, t] of after) {
    if (before.get(p) === t) continue;
    if (p.toLowerCase().endsWith('.json')) {
      if (jsonParses(before.get(p)!) && !jsonParses(t)) out.push(p);
      continue;
    }
    if (!opts.checkSyntax || !p.toLowerCase().endsWith('.tf')) continue;
    const was = await verdictOf(p, before.get(p)!, opts);
    const now = await verdictOf(p, t, opts);
    if (was === null && now) out.push(p);
  }
  return out;
}

