/**
 * Fingerprints of findings that survive line shifts, and the baseline file built on them
 * (`lpg scan --baseline FILE`, `--write-baseline`). The same fingerprint is SARIF's
 * `partialFingerprints["lpg/v1"]` and GitLab Code Quality's `fingerprint`.
 *
 * A fingerprint is the SHA-256 (first 32 hex digits) of: the rule id, the file (as reported,
 * relative to the working directory), the message with positions taken out, the text under the
 * finding's range with its whitespace collapsed, and the number of earlier findings of the same
 * file with the same four values (so two identical mistakes in one file stay two). Lines and
 * columns are not part of it: code added above a finding does not change it; editing the flagged
 * text, the resource it names or moving it to another file does.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import type { Finding } from '../core/types';
import { LineIndex } from '../core/text';

export const FINGERPRINT_KEY = 'lpg/v1';

export interface Fingerprinted {
  /** The finding's file relative to the working directory, with `/` (absolute when outside it). */
  fingerprintFile: string;
  finding: Finding;
  /** The file's text, when it could be read. */
  text?: string;
  fingerprint?: string;
}

/** Positions such as `3:5`, `3,5-7` or `line 12` in a message (parser messages carry them). */
const POSITIONS = /\b(?:line|lines|column|col)\s+\d+\b|\b\d+(?:[:,]\d+)+(?:-\d+(?:[:,]\d+)*)?\b/gi;

function rangeText(text: string | undefined, f: Finding, lines: Map<string, LineIndex>): string {
  if (text === undefined) return '';
  let li = lines.get(text); // one index per file, not per finding (a 5 MB plan has 100 findings)
  if (!li) { li = new LineIndex(text); lines.set(text, li); }
  if (f.range.start.line >= li.lineCount) return '';
  const a = li.offsetAt(f.range.start);
  const b = li.offsetAt(f.range.end);
  return text.slice(a, Math.max(a, b)).replace(/\s+/g, ' ').trim().slice(0, 2000);
}

/** Sets `fingerprint` on every item (in place), in the order given (the order findings are reported). */
export function assignFingerprints(items: Fingerprinted[]): void {
  const seen = new Map<string, number>();
  const lines = new Map<string, LineIndex>();
  for (const it of items) {
    const f = it.finding;
    const key = [f.ruleId, it.fingerprintFile, f.message.replace(POSITIONS, '#'), rangeText(it.text, f, lines)].join('\u0000');
    const n = seen.get(key) ?? 0;
    seen.set(key, n + 1);
    it.fingerprint = createHash('sha256').update(key + '\u0000' + n).digest('hex').slice(0, 32);
  }
}

// ---------- baseline ----------

export interface BaselineEntry { ruleId: string; file: string; fingerprint: string; message?: string }
export interface Baseline { version: 1; tool: 'lpg'; findings: BaselineEntry[] }

export class BaselineError extends Error {}

export function readBaseline(file: string): Baseline {
  let text: string;
  try { text = fs.readFileSync(file, 'utf8'); } catch (e) {
    throw new BaselineError(`cannot read baseline ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file (create it with --write-baseline)' : (e as Error).message}`);
  }
  let doc: unknown;
  try { doc = JSON.parse(text); } catch (e) { throw new BaselineError(`baseline ${file} is not JSON: ${(e as Error).message}`); }
  const d = doc as Partial<Baseline>;
  if (!d || typeof d !== 'object' || d.version !== 1 || !Array.isArray(d.findings)) {
    throw new BaselineError(`baseline ${file} is not an lpg baseline (expected {"version": 1, "findings": [...]})`);
  }
  for (const [i, e] of d.findings.entries()) {
    if (!e || typeof e.ruleId !== 'string' || typeof e.file !== 'string' || typeof e.fingerprint !== 'string') {
      throw new BaselineError(`baseline ${file}: findings[${i}] needs string ruleId, file and fingerprint`);
    }
  }
  return { version: 1, tool: 'lpg', findings: d.findings };
}

export function baselineText(items: Fingerprinted[]): string {
  const findings: BaselineEntry[] = items.map((it) => ({ ruleId: it.finding.ruleId, file: it.fingerprintFile, fingerprint: it.fingerprint!, message: it.finding.message }));
  findings.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : a.fingerprint < b.fingerprint ? -1 : 1));
  return JSON.stringify({ version: 1, tool: 'lpg', findings }, null, 2) + '\n';
}

/** The items not in the baseline (matched by rule, file and fingerprint), and how many were in it. */
export function filterBaseline<T extends Fingerprinted>(items: T[], baseline: Baseline): { kept: T[]; known: number } {
  const known = new Set(baseline.findings.map((e) => `${e.ruleId}\u0000${e.file}\u0000${e.fingerprint}`));
  const kept = items.filter((it) => !known.has(`${it.finding.ruleId}\u0000${it.fingerprintFile}\u0000${it.fingerprint}`));
  return { kept, known: items.length - kept.length };
}
