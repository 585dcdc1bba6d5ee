/**
 * `--fix`: applies every finding's preferred fixes to a module's texts, re-analysing until nothing
 * is left to fix (at most a few rounds). Every fix result is re-parsed (tree-sitter or jsonc-parser,
 * plus the injected syntax checker, HashiCorp's parser, for `.tf`): a fix that would leave a syntax
 * error or set an attribute twice is dropped with its reason. A fix is applied once: when its
 * finding is still there afterwards it is not applied again, and not counted as a fix.
 * Pure except for the injected syntax checker: the caller writes the files.
 */
import type { Finding, Fix } from '../core/types';
import { LineIndex } from '../core/text';
import { makeSourceFile } from '../core/source';
import { fixedTextProblem } from '../core/fix/verify';
import { EditSet, applyOffsetEdits, pushAll, type OffsetEdit } from '../core/fix/apply';
import { analyzeModuleTexts, verdictOf, type AnalyzeModuleOptions, type ModuleInput } from './module';

export { applyOffsetEdits } from '../core/fix/apply';

/** A fix's edits as offsets in the current texts (undefined when it names a file the module does not have). */
function toOffsets(fix: Fix, texts: Map<string, string>, lines: Map<string, LineIndex>): OffsetEdit[] | undefined {
  const out: OffsetEdit[] = [];
  for (const e of fix.edits) {
    const t = texts.get(e.file);
    if (t === undefined) return undefined;
    let li = lines.get(e.file);
    if (!li || li.text !== t) { li = new LineIndex(t); lines.set(e.file, li); }
    out.push({ file: e.file, start: li.offsetAt(e.range.start), end: li.offsetAt(e.range.end), newText: e.newText });
  }
  return out;
}

export interface Chosen { fix: Fix; finding: Finding; edits: OffsetEdit[] }

/**
 * The preferred fixes of the findings that can be applied together: one per finding (its first
 * preferred fix), no two touching the same text, no duplicates. Order: as the findings come.
 * O(n log n) in the number of findings.
 */
export function selectFixes(findings: Finding[], texts: Map<string, string>): Chosen[] {
  const chosen: Chosen[] = [];
  const taken = new EditSet();
  const seen = new Set<string>();
  const lines = new Map<string, LineIndex>();
  for (const finding of findings) {
    const fix = finding.fixes.find((f) => f.preferred && f.edits.length > 0);
    if (!fix) continue;
    const key = JSON.stringify(fix.edits);
    if (seen.has(key)) continue; // the same edit offered by two findings
    const edits = toOffsets(fix, texts, lines);
    if (!edits) continue;
    if (edits.some((e) => taken.clashes(e))) continue;
    seen.add(key);
    for (const e of edits) taken.add(e);
    chosen.push({ fix, finding, edits });
  }
  return chosen;
}

export interface AppliedFix { ruleId: string; file: string; title: string; /** Files the fix edits. */ files: string[] }
export interface RejectedFix { ruleId: string; file: string; title: string; reason: string }

export interface FixResult {
  /** Final texts of every file of the module (root-relative path -> text). */
  texts: Map<string, string>;
  /** Files whose text changed. */
  changed: string[];
  /** The fixes applied, in order, with the finding each fixed. */
  applied: AppliedFix[];
  /** Fixes left out (they would break a file's syntax or duplicate an attribute, or did not remove their finding). */
  rejected: RejectedFix[];
  /** Findings of the final texts. */
  findings: Finding[];
  rounds: number;
}

/** Fixes a module in memory. `maxRounds` bounds re-analysis (fixes that enable other fixes). */
export async function fixModule(input: ModuleInput, opts: AnalyzeModuleOptions = {}, maxRounds = 4): Promise<FixResult> {
  let texts = new Map(input.files.map((f) => [f.path, f.text] as const));
  const original = new Map(texts);
  const o: AnalyzeModuleOptions = { ...opts, syntaxCache: opts.syntaxCache ?? new Map() };
  let applied: AppliedFix[] = [];
  const rejected: RejectedFix[] = [];
  const rejectedKeys = new Set<string>();
  /** Fixes applied so far, by finding and fix: never applied twice. */
  const appliedKeys = new Map<string, AppliedFix>();
  const current = (): ModuleInput => ({ ...input, files: [...texts].map(([path, text]) => ({ path, text })) });
  let findings = await analyzeModuleTexts(current(), o);
  let rounds = 0;
  while (rounds < maxRounds) {
    const candidates = findings.filter((f) => !rejectedKeys.has(findingKey(f)) && !appliedKeys.has(fixKey(f)));
    const chosen = selectFixes(candidates, texts);
    if (!chosen.length) break;
    rounds++;
    const ok: Chosen[] = [];
    const next = await applyVerified(texts, chosen, o, ok, (c, reason) => {
      rejected.push({ ruleId: c.finding.ruleId, file: c.finding.file, title: c.fix.title, reason });
      rejectedKeys.add(findingKey(c.finding));
    });
    for (const c of ok) {
      const a: AppliedFix = { ruleId: c.finding.ruleId, file: c.finding.file, title: c.fix.title, files: [...new Set(c.edits.map((e) => e.file))] };
      applied.push(a);
      appliedKeys.set(fixKey(c.finding), a);
    }
    const progressed = [...next].some(([p, t]) => texts.get(p) !== t);
    texts = next;
    if (!progressed) break;
    findings = await analyzeModuleTexts(current(), o);
  }
  // A fix whose finding is still there did not fix it: not counted, said so.
  const left = new Set(findings.map(fixKey));
  const stuck = new Set([...appliedKeys].filter(([k]) => left.has(k)).map(([, a]) => a));
  if (stuck.size) {
    applied = applied.filter((a) => !stuck.has(a));
    for (const a of stuck) rejected.push({ ruleId: a.ruleId, file: a.file, title: a.title, reason: 'the finding is still there after the fix' });
  }
  const changed = [...texts].filter(([p, t]) => original.get(p) !== t).map(([p]) => p);
  return { texts, changed, applied, rejected, findings, rounds };
}

function findingKey(f: Finding): string {
  return `${f.ruleId}|${f.file}|${f.range.start.line}:${f.range.start.character}|${f.message}`;
}
/** A finding and its preferred fix, without positions (they move as fixes are applied). */
function fixKey(f: Finding): string {
  const fix = f.fixes.find((x) => x.preferred && x.edits.length > 0);
  return `${f.ruleId}|${f.file}|${f.message}|${fix ? fix.title : ''}`;
}

/**
 * Applies the chosen fixes to the texts, keeping only those whose result re-parses: all at once when
 * the result is fine, else halves (bisection) down to the single fixes to drop.
 */
async function applyVerified(texts: Map<string, string>, chosen: Chosen[], opts: AnalyzeModuleOptions, ok: Chosen[], reject: (c: Chosen, reason: string) => void): Promise<Map<string, string>> {
  const trial = applyOffsetEdits(texts, chosen.flatMap((c) => c.edits));
  const problem = await problemOf(texts, trial, opts);
  if (!problem) { pushAll(ok, chosen); return trial; }
  if (chosen.length === 1) { reject(chosen[0], problem); return texts; }
  const mid = chosen.length >> 1;
  const a = await applyVerified(texts, chosen.slice(0, mid), opts, ok, reject);
  // the second half's offsets refer to `texts`: re-select them against the texts after the first half
  if (a === texts) return applyVerified(texts, chosen.slice(mid), opts, ok, reject);
  const okSet = new Set(ok);
  const done = chosen.slice(0, mid).filter((x) => okSet.has(x)).flatMap((x) => x.edits);
  const rest = chosen.slice(mid).map((c) => ({ ...c, edits: shiftEdits(c.edits, done) }));
  return applyVerified(a, rest, opts, ok, reject);
}

/** Offsets of `edits` after `before` (non-overlapping with them) were applied. */
function shiftEdits(edits: OffsetEdit[], before: OffsetEdit[]): OffsetEdit[] {
  return edits.map((e) => {
    let delta = 0;
    for (const b of before) if (b.file === e.file && b.end <= e.start) delta += b.newText.length - (b.end - b.start);
    return { ...e, start: e.start + delta, end: e.end + delta };
  });
}

/** Why the new texts must not be used: a file that parsed no longer does (per tree-sitter / jsonc, then the checker), or has an attribute twice. */
async function problemOf(before: Map<string, string>, after: Map<string, string>, opts: AnalyzeModuleOptions): Promise<string | undefined> {
  for (const [p, t] of after) {
    const old = before.get(p)!;
    if (old === t) continue;
    const pr = fixedTextProblem(makeSourceFile(fileName(p), old), t);
    if (pr) return `${pr} in ${p}`;
    if (!opts.checkSyntax || !p.toLowerCase().endsWith('.tf')) continue;
    const was = await verdictOf(p, old, opts);
    const now = await verdictOf(p, t, opts);
    if (was === null && now) return `it would break the syntax of ${p} (HashiCorp's parser: ${now.line + 1}:${now.character + 1} ${now.message})`;
  }
  return undefined;
}

function fileName(p: string): string { const i = p.lastIndexOf('/'); return i < 0 ? p : p.slice(i + 1); }
