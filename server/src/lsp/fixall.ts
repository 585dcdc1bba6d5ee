/** Fix-all: applies every preferred fix of one file, re-analysing between passes (as ESLint's fix loop does). */
import type { SourceFile } from '../core/model/module';
import { makeSourceFile } from '../core/source';
import { analyzeModule, type AnalyzeOptions } from '../core/analyze';
import type { Finding, Fix } from '../core/types';
import { EditSet, applyToText, type OffsetEdit } from '../core/fix/apply';
import { fixedTextProblem } from '../core/fix/verify';

const MAX_PASSES = 10;

export interface FixAllResult {
  /** New text of every file the fixes change. */
  texts: Map<string, string>;
  /** Fixes left out: their result would not parse or would set an attribute twice, or they did not remove their finding. */
  dropped: { ruleId: string; title: string; reason: string }[];
}

/** A finding and its fix, without positions (they move as fixes are applied). */
const keyOf = (f: Finding, fix: Fix): string => `${f.ruleId}|${f.file}|${f.message}|${fix.title}`;

/**
 * Returns the new text of every file the preferred fixes of `target`'s findings change
 * (fixes may edit other files of the module), and the fixes dropped with their reason. Fixes whose
 * edits overlap an edit already chosen in the same pass wait for the next pass. Each fix is applied
 * at most once; every pass's result is re-parsed, and a fix whose result would not parse (or would
 * set an attribute twice) is dropped.
 */
export function fixAllTexts(files: SourceFile[], target: string, opts: AnalyzeOptions, isCancelled: () => boolean = () => false): Map<string, string> {
  return fixAll(files, target, opts, isCancelled).texts;
}

export function fixAll(files: SourceFile[], target: string, opts: AnalyzeOptions, isCancelled: () => boolean = () => false): FixAllResult {
  let cur = files.slice();
  const changed = new Map<string, string>();
  const dropped: FixAllResult['dropped'] = [];
  const done = new Set<string>();
  for (let pass = 0; pass < MAX_PASSES && !isCancelled(); pass++) {
    const findings = analyzeModule(cur, { ...opts, only: new Set([target]) });
    if (pass > 0) {
      // a fix applied in an earlier pass whose finding is still there: it did not fix it
      for (const f of findings) for (const fix of f.fixes) if (fix.preferred && done.has(keyOf(f, fix)) && !dropped.some((d) => d.title === fix.title && d.ruleId === f.ruleId)) dropped.push({ ruleId: f.ruleId, title: fix.title, reason: 'the finding is still there after the fix' });
    }
    const byPath = new Map(cur.map((f) => [f.path, f]));
    const taken = new EditSet();
    const chosen: { finding: Finding; fix: Fix; edits: OffsetEdit[] }[] = [];
    for (const finding of findings) {
      for (const fix of finding.fixes) {
        if (!fix.preferred || !fix.edits.length) continue;
        if (done.has(keyOf(finding, fix))) break; // applied once already
        if (fix.edits.some((e) => !byPath.has(e.file))) continue;
        const edits = fix.edits.map((e) => { const f = byPath.get(e.file)!; return { file: e.file, start: f.lines.offsetAt(e.range.start), end: f.lines.offsetAt(e.range.end), newText: e.newText }; });
        if (edits.some((e) => taken.clashes(e))) continue;
        for (const e of edits) taken.add(e);
        chosen.push({ finding, fix, edits });
        break; // one fix per finding
      }
    }
    if (!chosen.length) break;
    // Apply the pass; a file whose result does not re-parse is retried one fix at a time.
    const apply = (list: typeof chosen, base: Map<string, SourceFile>): Map<string, string> => {
      const byFile = new Map<string, OffsetEdit[]>();
      for (const c of list) for (const e of c.edits) { const l = byFile.get(e.file); if (l) l.push(e); else byFile.set(e.file, [e]); }
      const out = new Map<string, string>();
      for (const [p, es] of byFile) out.set(p, applyToText(base.get(p)!.text, es));
      return out;
    };
    const problem = (texts: Map<string, string>): string | undefined => {
      for (const [p, t] of texts) { const pr = fixedTextProblem(byPath.get(p)!, t); if (pr) return pr; }
      return undefined;
    };
    let result = apply(chosen, byPath);
    if (problem(result)) {
      // one fix at a time, each checked against the texts of this pass
      const good: typeof chosen = [];
      for (const c of chosen) {
        const pr = problem(apply([c], byPath));
        if (pr) { dropped.push({ ruleId: c.finding.ruleId, title: c.fix.title, reason: pr }); done.add(keyOf(c.finding, c.fix)); continue; }
        if (problem(apply([...good, c], byPath))) { continue; } // fine alone, not with the others: next pass
        good.push(c);
      }
      result = apply(good, byPath);
      for (const c of good) done.add(keyOf(c.finding, c.fix));
      if (!good.length) continue; // all dropped: the next pass tries the fixes that waited
    } else {
      for (const c of chosen) done.add(keyOf(c.finding, c.fix));
    }
    cur = cur.map((f) => {
      const t = result.get(f.path);
      if (t === undefined || t === f.text) return f;
      changed.set(f.path, t);
      return makeSourceFile(f.path, t);
    });
  }
  for (const f of files) if (changed.get(f.path) === f.text) changed.delete(f.path);
  return { texts: changed, dropped };
}

/** The smallest single edit turning `a` into `b` (common prefix and suffix kept), in offsets of `a`. */
export function minimalEdit(a: string, b: string): { start: number; end: number; newText: string } {
  let s = 0;
  const n = Math.min(a.length, b.length);
  while (s < n && a.charCodeAt(s) === b.charCodeAt(s)) s++;
  let e = 0;
  while (e < n - s && a.charCodeAt(a.length - 1 - e) === b.charCodeAt(b.length - 1 - e)) e++;
  // do not split a CRLF or a surrogate pair
  while (s > 0 && (a[s - 1] === '\r' || isHigh(a.charCodeAt(s - 1)))) s--;
  while (e > 0 && (a[a.length - e] === '\n' || isLow(a.charCodeAt(a.length - e)))) e--;
  return { start: s, end: a.length - e, newText: b.slice(s, b.length - e) };
}
const isHigh = (c: number) => c >= 0xd800 && c <= 0xdbff;
const isLow = (c: number) => c >= 0xdc00 && c <= 0xdfff;
