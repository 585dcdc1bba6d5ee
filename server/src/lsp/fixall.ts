/** Fix-all: applies every preferred fix of one file, re-analysing between passes (as ESLint's fix loop does). */
import type { SourceFile } from '../core/model/module';
import { makeSourceFile } from '../core/source';
import { analyzeModule, type AnalyzeOptions } from '../core/analyze';
import type { FileEdit } from '../core/types';

const MAX_PASSES = 10;

/**
 * Returns the new text of every file the preferred fixes of `target`'s findings change
 * (fixes may edit other files of the module). Fixes whose edits overlap an edit already chosen
 * in the same pass wait for the next pass.
 */
export function fixAllTexts(files: SourceFile[], target: string, opts: AnalyzeOptions, isCancelled: () => boolean = () => false): Map<string, string> {
  let cur = files.slice();
  const changed = new Map<string, string>();
  for (let pass = 0; pass < MAX_PASSES && !isCancelled(); pass++) {
    const findings = analyzeModule(cur, { ...opts, only: new Set([target]) });
    const chosen: FileEdit[] = [];
    const byPath = new Map(cur.map((f) => [f.path, f]));
    const offs = (e: FileEdit) => { const f = byPath.get(e.file)!; return [f.lines.offsetAt(e.range.start), f.lines.offsetAt(e.range.end)] as const; };
    for (const finding of findings) {
      for (const fix of finding.fixes) {
        if (!fix.preferred || !fix.edits.length) continue;
        if (fix.edits.some((e) => !byPath.has(e.file))) continue;
        const clash = fix.edits.some((e) => chosen.some((c) => {
          if (c.file !== e.file) return false;
          if (c.newText === e.newText && c.range.start.line === e.range.start.line && c.range.start.character === e.range.start.character) return true;
          const [a0, a1] = offs(c), [b0, b1] = offs(e);
          return a0 <= b1 && b0 <= a1;
        }));
        if (clash) continue;
        chosen.push(...fix.edits);
        break; // one fix per finding
      }
    }
    if (!chosen.length) break;
    const edited = new Map<string, FileEdit[]>();
    for (const e of chosen) edited.set(e.file, [...(edited.get(e.file) ?? []), e]);
    cur = cur.map((f) => {
      const es = edited.get(f.path);
      if (!es) return f;
      const sorted = es.map((e) => ({ s: f.lines.offsetAt(e.range.start), e: f.lines.offsetAt(e.range.end), t: e.newText })).sort((a, b) => b.s - a.s || b.e - a.e);
      let text = f.text;
      for (const e of sorted) text = text.slice(0, e.s) + e.t + text.slice(e.e);
      changed.set(f.path, text);
      return makeSourceFile(f.path, text);
    });
  }
  for (const f of files) if (changed.get(f.path) === f.text) changed.delete(f.path);
  return changed;
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
