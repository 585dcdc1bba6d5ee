/**
 * The fix fuzzer: random valid module folders of ../shared/corpus (and the fuzz fixtures), randomly
 * re-styled (CRLF line endings, tab indentation, blocks of one attribute written on one line), every
 * preferred fix applied, one at a time and all together (`--fix`); each result must parse with
 * HashiCorp's parser (the hcl2json wrapper) or jsonc-parser, and the fixed finding must be gone.
 * A fix the safety net drops (its result would not re-parse) is counted, not applied.
 * Shared by the bounded test (fixfuzz.test.ts) and `npm run fuzz -- --fixes SEED N`.
 */
import { parse as parseJson, type ParseError } from 'jsonc-parser';
import type { Finding } from '../../../server/src/core/types';
import { LineIndex } from '../../../server/src/core/text';
import { applyToText } from '../../../server/src/core/fix/apply';
import { fixedTextProblemOf } from '../../../server/src/core/fix/verify';
import { analyzeModuleTexts, fixModule, type ModuleInput } from '../../../server/src/scan';
import type { Hcl2Json } from '../../../server/src/hcl2json';
import * as fs from 'fs';
import { ALIAS, FN, LOGS, REST, S3, perm, restIntegration } from '../rules/outage-fixtures';
import * as path from 'path';
import { REPO, loadFolders, rng, type Folder } from './fuzzlib';

/** Small modules whose preferred fixes insert whole blocks or change other files (outages: missing permissions, qualifiers, source ARNs). */
export function outageFolders(): Folder[] {
  const f = (name: string, ...texts: string[]): Folder => ({ name: `outage:${name}`, files: texts.map((text, i) => ({ path: i === 0 ? 'main.tf' : `f${i}.tf`, text })) });
  return [
    f('rest-no-permission', FN, REST, restIntegration()),
    f('rest-one-file', FN + '\n' + REST + '\n' + restIntegration()),
    f('logs-no-permission', FN, LOGS),
    f('s3-no-permission', FN, S3),
    f('s3-wrong-principal', FN, S3, perm('s3', 'sns.amazonaws.com')),
    f('alias-qualifier', FN, ALIAS, REST, restIntegration('aws_lambda_alias.live.invoke_arn'), perm('api', 'apigateway.amazonaws.com', '"${aws_api_gateway_rest_api.api.execution_arn}/*/*"')),
    f('rest-no-source-arn', FN, REST, restIntegration(), perm('api', 'apigateway.amazonaws.com')),
    f('rest-wrong-source-arn', FN, REST, restIntegration(), perm('api', 'apigateway.amazonaws.com', '"arn:aws:execute-api:eu-west-1:123456789012:other/*/*"')),
  ];
}

/** The repository's examples and test fixtures (they exercise preferred fixes the corpus lacks: missing permissions, qualifiers, event source tokens). */
export function repoFolders(): Folder[] {
  const out: Folder[] = [];
  for (const d of ['examples', 'test/fixtures']) {
    const root = path.join(REPO, d);
    if (fs.existsSync(root)) for (const f of loadFolders(root)) if (!f.name.startsWith('fixture:')) out.push({ ...f, name: `${d}/${f.name}` });
  }
  return out;
}

export interface FixFuzzProblem { kind: 'unparsable' | 'still-there' | 'fix-all-unparsable' | 'crash'; folder: string; detail: string; text?: string }
export interface FixFuzzStats {
  folders: number;
  /** Folders left out because a file did not parse before any fix. */
  invalid: number;
  fixes: number;
  applied: number;
  dropped: number;
  fixAlls: number;
  parsedByHashiCorp: number;
  problems: FixFuzzProblem[];
  byRule: Record<string, number>;
}

const MAX_TF_CHARS = 48 * 1024; // HashiCorp's parser takes ~15 ms per KB: keep the folders small

function jsonOk(t: string): boolean { const e: ParseError[] = []; parseJson(t, e, { allowTrailingComma: true }); return e.length === 0; }

/** Random re-styling that keeps a file valid: CRLF, tabs, one-attribute blocks on one line. */
export function restyle(text: string, r: () => number): string {
  let t = text;
  if (r() < 0.3) t = t.replace(/^((?: {2})+)/gm, (m) => '\t'.repeat(m.length / 2));
  if (r() < 0.4) {
    // `resource "a" "b" {\n  x = 1\n}` -> `resource "a" "b" { x = 1 }` (a single-line block: one attribute, no nesting)
    t = t.replace(/^((?:resource|data) "[^"\n]+" "[^"\n]+") \{\r?\n[ \t]*([A-Za-z_][\w-]*[ \t]*=[ \t]*"[^"\n$%]*")[ \t]*\r?\n\}$/gm, '$1 { $2 }');
  }
  if (r() < 0.3) t = t.replace(/\r?\n/g, '\r\n');
  return t;
}

type Count = Map<string, number>;
const keyOf = (f: Finding): string => `${f.ruleId}|${f.file}|${f.message}`;
function counts(fs: Finding[]): Count { const m: Count = new Map(); for (const f of fs) m.set(keyOf(f), (m.get(keyOf(f)) ?? 0) + 1); return m; }

/**
 * Runs `count` folder trials from `seed`. Per folder: every preferred fix alone, then the whole
 * `--fix` loop; the results are parsed with HashiCorp's parser (`hcl`).
 */
export async function fixFuzz(folders: Folder[], seed: number, count: number, hcl: Hcl2Json, progress?: (i: number, s: FixFuzzStats) => void): Promise<FixFuzzStats> {
  const r = rng(seed);
  const s: FixFuzzStats = { folders: 0, invalid: 0, fixes: 0, applied: 0, dropped: 0, fixAlls: 0, parsedByHashiCorp: 0, problems: [], byRule: {} };
  folders = [...folders, ...repoFolders(), ...outageFolders()];
  const small = folders.filter((f) => f.files.some((x) => /\.tf(\.json)?$/i.test(x.path)) && f.files.reduce((n, x) => n + (x.path.endsWith('.tf') ? x.text.length : 0), 0) <= MAX_TF_CHARS);
  // folders with at least one preferred fix (most of the corpus has none)
  const usable: Folder[] = [];
  for (const f of small) if ((await analyzeModuleTexts({ dir: '', files: f.files })).some((x) => x.fixes.some((y) => y.preferred && y.edits.length))) usable.push(f);
  if (!usable.length) throw new Error('no corpus folder with a preferred fix');
  const parsesHcl = async (p: string, t: string): Promise<string | undefined> => {
    if (p.toLowerCase().endsWith('.tf')) {
      const v = await hcl.checkSyntax(p, t);
      s.parsedByHashiCorp++;
      return v === null ? undefined : v === undefined ? undefined : `${v.line + 1}:${v.character + 1} ${v.message}`;
    }
    if (p.toLowerCase().endsWith('.json')) return jsonOk(t) ? undefined : 'JSON syntax error';
    return undefined;
  };
  for (let i = 0; i < count; i++) {
    const folder = usable[Math.floor(r() * usable.length)];
    const files = folder.files.map((f) => ({ path: f.path, text: /\.tf$/i.test(f.path) ? restyle(f.text, r) : f.text }));
    try {
      // valid files only
      let valid = true;
      for (const f of files) if (await parsesHcl(f.path, f.text)) { valid = false; break; }
      if (!valid) { s.invalid++; continue; }
      s.folders++;
      const input: ModuleInput = { dir: '', files };
      const findings = await analyzeModuleTexts(input);
      const before = counts(findings);
      const texts = new Map(files.map((f) => [f.path, f.text] as const));
      for (const finding of findings) {
        const fix = finding.fixes.find((x) => x.preferred && x.edits.length);
        if (!fix) continue;
        s.fixes++;
        s.byRule[finding.ruleId] = (s.byRule[finding.ruleId] ?? 0) + 1;
        const byFile = new Map<string, { start: number; end: number; newText: string }[]>();
        for (const e of fix.edits) {
          const t = texts.get(e.file)!;
          const li = new LineIndex(t);
          const l = byFile.get(e.file) ?? [];
          l.push({ start: li.offsetAt(e.range.start), end: li.offsetAt(e.range.end), newText: e.newText });
          byFile.set(e.file, l);
        }
        const after = new Map(texts);
        let dropped: string | undefined;
        for (const [p, es] of byFile) {
          const t = applyToText(texts.get(p)!, es);
          dropped ??= fixedTextProblemOf(p.split('/').pop()!, texts.get(p)!, t);
          after.set(p, t);
        }
        if (dropped) { s.dropped++; continue; }
        s.applied++;
        for (const p of byFile.keys()) {
          const err = await parsesHcl(p, after.get(p)!);
          if (err) s.problems.push({ kind: 'unparsable', folder: folder.name, detail: `${finding.ruleId} "${fix.title}" in ${p}: ${err}`, text: after.get(p) });
        }
        const now = counts(await analyzeModuleTexts({ dir: '', files: [...after].map(([path, text]) => ({ path, text })) }));
        if ((now.get(keyOf(finding)) ?? 0) >= (before.get(keyOf(finding)) ?? 0)) s.problems.push({ kind: 'still-there', folder: folder.name, detail: `${finding.ruleId} "${fix.title}": ${finding.message}` });
      }
      // the whole --fix loop (without HashiCorp's parser as a checker: the tree-sitter safety net alone)
      const all = await fixModule(input);
      s.fixAlls++;
      for (const p of all.changed) {
        const err = await parsesHcl(p, all.texts.get(p)!);
        if (err) s.problems.push({ kind: 'fix-all-unparsable', folder: folder.name, detail: `${p}: ${err}`, text: all.texts.get(p) });
      }
    } catch (e) {
      s.problems.push({ kind: 'crash', folder: folder.name, detail: e instanceof Error ? e.stack ?? e.message : String(e) });
    }
    progress?.(i, s);
  }
  return s;
}

export function fixSummary(s: FixFuzzStats, seed: number): string {
  const rules = Object.entries(s.byRule).sort().map(([k, v]) => `${k} ${v}`).join(', ');
  return `fix fuzz seed ${seed}: ${s.folders} valid folders (${s.invalid} invalid left out), ${s.fixes} preferred fixes: ${s.applied} applied alone, ${s.dropped} dropped by the re-parse; ${s.fixAlls} --fix runs; ${s.parsedByHashiCorp} HashiCorp parses; ${s.problems.length} problems [${rules}]`;
}
