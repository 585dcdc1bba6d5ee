/** Safety checks of the language server against hostile workspaces: fixes that would corrupt a file, files outside the workspace. */
import type { Fix } from '../core/types';
import type { SourceFile } from '../core/model/module';
import { makeSourceFile } from '../core/source';
import { applyToText } from '../core/fix/apply';
import { fixedTextProblem } from '../core/fix/verify';
import { isInside, realOr } from '../scan/fs';

/**
 * Why a quick fix must not be offered (its result would not parse or would set an attribute twice),
 * or undefined. `file` is the document the fix is for; `textOf` gives the text of another module file.
 */
export function unsafeFixReason(fix: Fix, file: SourceFile, textOf: (modulePath: string) => string | undefined): string | undefined {
  const byFile = new Map<string, Fix['edits']>();
  for (const e of fix.edits) { const l = byFile.get(e.file); if (l) l.push(e); else byFile.set(e.file, [e]); }
  for (const [p, edits] of byFile) {
    let sf: SourceFile | undefined = p === file.path ? file : undefined;
    if (!sf) { const t = textOf(p); if (t === undefined) continue; sf = makeSourceFile(p, t); }
    const after = applyToText(sf.text, edits.map((e) => ({ start: sf!.lines.offsetAt(e.range.start), end: sf!.lines.offsetAt(e.range.end), newText: e.newText })));
    const why = fixedTextProblem(sf, after);
    if (why) return `${why} in ${p}`;
  }
  return undefined;
}

/** A predicate telling whether a real path lies in one of the folders (their real paths, computed once). */
export function insideFolders(folders: string[]): (real: string) => boolean {
  const reals = folders.map(realOr);
  return (real) => reals.some((r) => isInside(r, real));
}

export const OUTSIDE_WORKSPACE = 'symbolic link to outside the workspace folders (not followed)';

/**
 * Verdicts of unsafeFixReason per document version and fix (a code action request comes with every
 * cursor move). Documents over `maxChars` are not re-parsed per quick fix (one parse of a 1 MB file
 * takes seconds): their fixes are checked when applied through fix-all.
 */
export class FixCheckCache {
  private readonly verdicts = new Map<string, string | undefined>();
  constructor(private readonly maxChars = 256 * 1024, private readonly maxEntries = 500) {}
  check(fix: Fix, uri: string, version: number, compute: () => string | undefined, chars: number): string | undefined {
    if (chars > this.maxChars) return undefined;
    const key = `${uri}@${version}|${JSON.stringify(fix.edits)}`;
    if (this.verdicts.has(key)) return this.verdicts.get(key);
    const v = compute();
    if (this.verdicts.size >= this.maxEntries) this.verdicts.clear();
    this.verdicts.set(key, v);
    return v;
  }
}
