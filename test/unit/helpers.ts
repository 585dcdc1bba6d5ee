import * as assert from 'assert';
import { initParser } from '../../server/src/host/node-wasm';
import { makeSourceFile } from '../../server/src/core/source';
import { analyzeModule, type AnalyzeOptions } from '../../server/src/core/analyze';
import type { Finding, Fix, TextEdit } from '../../server/src/core/types';
import { LineIndex } from '../../server/src/core/text';

export async function ready(): Promise<void> { await initParser(); }

/** Analyses an in-memory module: `{ "main.tf": "...", "policy.json": "..." }`. */
export function analyze(files: Record<string, string>, opts: AnalyzeOptions = {}): Finding[] {
  return analyzeModule(Object.entries(files).map(([p, t]) => makeSourceFile(p, t)), opts);
}

export function only(findings: Finding[], ruleId: string): Finding[] { return findings.filter((f) => f.ruleId === ruleId); }

/** Applies non-overlapping edits to a text (positions in the original text). */
export function applyEdits(text: string, edits: TextEdit[]): string {
  const li = new LineIndex(text);
  const sorted = edits.map((e) => ({ s: li.offsetAt(e.range.start), e: li.offsetAt(e.range.end), t: e.newText })).sort((a, b) => b.s - a.s || b.e - a.e);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.s) + e.t + out.slice(e.e);
  return out;
}

/** The whole text of each file after applying one fix. */
export function applyFix(files: Record<string, string>, fix: Fix): Record<string, string> {
  const out = { ...files };
  const byFile = new Map<string, TextEdit[]>();
  for (const e of fix.edits) byFile.set(e.file, [...(byFile.get(e.file) ?? []), e]);
  for (const [f, edits] of byFile) out[f] = applyEdits(out[f], edits);
  return out;
}

/** `[line, character, line, character]` of a finding, 0-based (LSP). */
export function rangeOf(f: Finding): [number, number, number, number] {
  return [f.range.start.line, f.range.start.character, f.range.end.line, f.range.end.character];
}

/** The text a finding's range covers. */
export function coveredText(text: string, f: Finding): string {
  const li = new LineIndex(text);
  return text.slice(li.offsetAt(f.range.start), li.offsetAt(f.range.end));
}

export { assert };
