/**
 * Mutation fuzzing of the analysis core: shared by the bounded fuzz test (fixed seed) and
 * `npm run fuzz` (scripts/fuzz.ts, longer, any seed). Inputs are the Terraform / JSON files of
 * ../shared/corpus (read in place, never copied) and small hand-written fixtures; each input is one
 * file of a module folder, mutated, analysed together with its unmutated sibling files.
 */
import * as fs from 'fs';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { makeSourceFile } from '../../../server/src/core/source';
import { analyzeModule } from '../../../server/src/core/analyze';
import { fileKind, type SourceFile } from '../../../server/src/core/model/module';
import { LineIndex } from '../../../server/src/core/text';
import type { Finding, Range } from '../../../server/src/core/types';

export const CORPUS = path.resolve(__dirname, '../../../../shared/corpus');
export const REPO = path.resolve(__dirname, '../../..');

/** mulberry32: small, fast, deterministic. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Folder { name: string; files: { path: string; text: string }[] }

const ANALYSED = (p: string): boolean => fileKind(p) !== 'other';

/** Small fixtures covering every syntax the core models (policies in all four styles, tf.json, tfvars). */
export const FIXTURES: Folder[] = [
  {
    name: 'fixture:api',
    files: [
      { path: 'main.tf', text: `locals {
  fn = "orders"
}

variable "account" {
  default = "123456789012"
}

resource "aws_lambda_function" "orders" {
  function_name = local.fn
  role          = aws_iam_role.orders.arn
}

resource "aws_lambda_permission" "api" {
  statement_id  = "AllowAPI"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.orders.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "\${aws_api_gateway_rest_api.api.execution_arn}/*/*"
}

resource "aws_lambda_permission" "s3" {
  action        = "lambda:*"
  function_name = aws_lambda_function.orders.arn
  principal     = "*"
}

resource "aws_iam_role_policy" "p" {
  role   = aws_iam_role.orders.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["lambda:*"], Resource = "*" }]
  })
}

resource "aws_iam_role" "orders" {
  assume_role_policy = <<EOF
{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
EOF
}

data "aws_iam_policy_document" "d" {
  statement {
    actions   = ["lambda:InvokeFunction"]
    resources = ["*"]
    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }
  }
}

resource "aws_lambda_function_url" "u" {
  function_name      = aws_lambda_function.orders.function_name
  authorization_type = "NONE" # lpg-ignore: public-function-url -- demo
}
` },
      { path: 'policy.json', text: '{\n  "Version": "2012-10-17",\n  "Statement": [\n    {"Effect": "Allow", "Action": "lambda:*", "Resource": "*", "Principal": "*"}\n  ]\n}\n' },
      { path: 'terraform.tfvars', text: 'account = "123456789012"\nregion  = "eu-west-1"\n' },
    ],
  },
  {
    name: 'fixture:tfjson',
    files: [
      { path: 'main.tf.json', text: '{\n  "resource": {\n    "aws_lambda_permission": {\n      "x": {\n        "action": "lambda:InvokeFunction",\n        "function_name": "f",\n        "principal": "sns.amazonaws.com"\n      }\n    }\n  }\n}\n' },
      { path: 'crlf.tf', text: 'resource "aws_lambda_permission" "y" {\r\n  action        = "lambda:InvokeFunction"\r\n  function_name = "f"\r\n  principal     = "s3.amazonaws.com"\r\n}\r\n' },
    ],
  },
];

/** Module folders of the corpus (files of one directory), plus the fixtures. */
export function loadFolders(root = CORPUS): Folder[] {
  const byDir = new Map<string, Folder>();
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && ANALYSED(e.name)) {
        const d = path.relative(root, dir);
        let f = byDir.get(d);
        if (!f) { f = { name: d, files: [] }; byDir.set(d, f); }
        f.files.push({ path: e.name, text: fs.readFileSync(p, 'utf8') });
      }
    }
  };
  walk(root);
  return [...FIXTURES, ...[...byDir.values()].sort((a, b) => (a.name < b.name ? -1 : 1))];
}

const NOISE = ['{', '}', '[', ']', '(', ')', '"', '=', '\n', '\r\n', '\\', '${', '%{', '<<EOF\n', '#', '//', '/*', '*/', ',', ':', '.', '*', ' ', '\t',
  '\u0000', '\uFEFF', '\uD800', '\uDC00', '😀', 'é', '\u200B', 'lambda:*', '"*"', 'null', '-1', '1e999'];

/** Rough HCL/JSON tokens: words, strings, numbers, punctuation, whitespace runs. */
const TOKEN = /"(?:[^"\\\n]|\\.)*"?|[A-Za-z_][\w.-]*|\d+(?:\.\d+)?|\s+|./gsu;

export type Mutation = 'truncate' | 'byte' | 'token-delete' | 'token-dup' | 'token-swap' | 'drop-brace' | 'drop-quote' | 'drop-all-closers' | 'insert-noise' | 'line-dup';
export const MUTATIONS: Mutation[] = ['truncate', 'byte', 'token-delete', 'token-dup', 'token-swap', 'drop-brace', 'drop-quote', 'drop-all-closers', 'insert-noise', 'line-dup'];

export function mutate(text: string, kind: Mutation, r: () => number): string {
  const at = (n: number): number => Math.floor(r() * n);
  const times = 1 + at(4);
  let t = text;
  switch (kind) {
    case 'truncate': return t.slice(0, at(t.length + 1));
    case 'byte':
      for (let i = 0; i < times; i++) {
        const p = at(t.length + 1);
        const c = r() < 0.5 ? String.fromCharCode(at(128)) : String.fromCharCode(at(0x10000));
        t = t.slice(0, p) + c + t.slice(p + (r() < 0.5 ? 1 : 0));
      }
      return t;
    case 'token-delete': case 'token-dup': case 'token-swap': {
      const toks = t.match(TOKEN) ?? [];
      if (!toks.length) return t;
      for (let i = 0; i < times; i++) {
        const k = at(toks.length);
        if (kind === 'token-delete') toks.splice(k, 1);
        else if (kind === 'token-dup') toks.splice(k, 0, toks[k] ?? '');
        else { const j = at(toks.length); [toks[k], toks[j]] = [toks[j], toks[k]]; }
      }
      return toks.join('');
    }
    case 'drop-brace': case 'drop-quote': {
      const re = kind === 'drop-brace' ? /[{}[\]()]/g : /"/g;
      const idx = [...t.matchAll(re)].map((m) => m.index ?? 0);
      for (let i = 0; i < times && idx.length; i++) {
        const p = idx.splice(at(idx.length), 1)[0];
        t = t.slice(0, p) + '\u0001' + t.slice(p + 1); // mark, keep the other indices valid
      }
      return t.replace(/\u0001/g, '');
    }
    case 'drop-all-closers': return t.replace(r() < 0.5 ? /[}\]]/g : /"/g, '');
    case 'insert-noise':
      for (let i = 0; i < times; i++) { const p = at(t.length + 1); t = t.slice(0, p) + NOISE[at(NOISE.length)] + t.slice(p); }
      return t;
    case 'line-dup': {
      const lines = t.split('\n');
      const k = at(lines.length);
      lines.splice(k, 0, ...lines.slice(k, k + 1 + at(8)));
      return lines.join('\n');
    }
  }
}

export interface Problem { input: string; seed: number; index: number; kind: string; detail: string; text: string }

export interface FuzzStats {
  inputs: number;
  crashes: number;
  ruleErrors: number;
  badRanges: number;
  findings: number;
  totalMs: number;
  slowest: { ms: number; input: string; chars: number };
  problems: Problem[];
}

function inside(li: LineIndex, r: Range): boolean {
  const ok = (p: Range['start']): boolean => Number.isInteger(p.line) && Number.isInteger(p.character) && p.line >= 0 && p.character >= 0
    && p.line < li.lineCount && p.character <= li.lineText(p.line).length;
  return ok(r.start) && ok(r.end) && (r.start.line < r.end.line || (r.start.line === r.end.line && r.start.character <= r.end.character));
}

/** Checks every finding: its file is an input, its range, its fixes' edit ranges and related ranges lie inside their documents. */
export function rangeProblems(findings: Finding[], files: SourceFile[]): string[] {
  const byPath = new Map(files.map((f) => [f.path, f.lines]));
  const out: string[] = [];
  for (const f of findings) {
    const li = byPath.get(f.file);
    if (!li) { out.push(`${f.ruleId}: finding in unknown file ${f.file}`); continue; }
    if (!inside(li, f.range)) out.push(`${f.ruleId}: range ${JSON.stringify(f.range)} outside ${f.file}`);
    for (const fx of f.fixes) for (const e of fx.edits) {
      const el = byPath.get(e.file);
      if (!el) out.push(`${f.ruleId}: fix "${fx.title}" edits unknown file ${e.file}`);
      else if (!inside(el, e.range)) out.push(`${f.ruleId}: fix "${fx.title}" edit range ${JSON.stringify(e.range)} outside ${e.file}`);
      if (typeof e.newText !== 'string') out.push(`${f.ruleId}: fix "${fx.title}" edit without text`);
    }
    for (const rel of f.related) {
      const rl = byPath.get(rel.file);
      if (!rl || !inside(rl, rel.range)) out.push(`${f.ruleId}: related ${rel.file} ${JSON.stringify(rel.range)} outside`);
    }
  }
  return out;
}

/** Analyses one set of files with every check; returns the problems found and the time taken. */
export function checkModule(files: SourceFile[]): { ms: number; findings: number; problems: { kind: string; detail: string }[] } {
  const problems: { kind: string; detail: string }[] = [];
  const t0 = performance.now();
  let findings: Finding[] = [];
  try {
    findings = analyzeModule(files, { onRuleError: (id, e) => problems.push({ kind: 'rule-error', detail: `${id}: ${(e as Error)?.stack ?? e}` }) });
  } catch (e) {
    problems.push({ kind: 'crash', detail: String((e as Error)?.stack ?? e) });
  }
  const ms = performance.now() - t0;
  for (const d of rangeProblems(findings, files)) problems.push({ kind: 'bad-range', detail: d });
  return { ms, findings: findings.length, problems };
}

/**
 * Runs `count` mutated inputs from `seed`. Each: pick a folder and one of its files, mutate it with
 * one or two mutations, build the source file (parsing is part of the measured time), analyse the
 * folder. `onProgress` is called after each input.
 */
export function fuzz(folders: Folder[], seed: number, count: number, onProgress?: (i: number, s: FuzzStats) => void): FuzzStats {
  const r = rng(seed);
  const at = (n: number): number => Math.floor(r() * n);
  const stats: FuzzStats = { inputs: 0, crashes: 0, ruleErrors: 0, badRanges: 0, findings: 0, totalMs: 0, slowest: { ms: 0, input: '', chars: 0 }, problems: [] };
  const cache = new Map<string, SourceFile>();
  const pristine = (folder: Folder, i: number): SourceFile => {
    const key = folder.name + '/' + folder.files[i].path;
    let f = cache.get(key);
    if (!f) { f = makeSourceFile(folder.files[i].path, folder.files[i].text); cache.set(key, f); }
    return f;
  };
  for (let n = 0; n < count; n++) {
    const folder = folders[at(folders.length)];
    const k = at(folder.files.length);
    const src = folder.files[k];
    let text = src.text;
    const kinds: string[] = [];
    for (let m = 0, times = 1 + (r() < 0.3 ? 1 : 0); m < times; m++) {
      const kind = MUTATIONS[at(MUTATIONS.length)];
      kinds.push(kind);
      text = mutate(text, kind, r);
    }
    const input = `${folder.name}/${src.path} [${kinds.join('+')}]`;
    const t0 = performance.now();
    let files: SourceFile[] = [];
    const problems: { kind: string; detail: string }[] = [];
    let ms = 0;
    try {
      const mutated = makeSourceFile(src.path, text);
      // Large folders: analyse the mutated file with up to 8 siblings to keep the cost per input bounded.
      const sib = folder.files.map((_, i) => i).filter((i) => i !== k);
      while (sib.length > 8) sib.splice(at(sib.length), 1);
      files = [mutated, ...sib.map((i) => pristine(folder, i))];
      const res = checkModule(files);
      problems.push(...res.problems);
      stats.findings += res.findings;
    } catch (e) {
      problems.push({ kind: 'crash', detail: 'makeSourceFile: ' + String((e as Error)?.stack ?? e) });
    }
    ms = performance.now() - t0;
    stats.inputs++;
    stats.totalMs += ms;
    if (ms > stats.slowest.ms) stats.slowest = { ms, input, chars: text.length };
    for (const p of problems) {
      if (p.kind === 'crash') stats.crashes++;
      else if (p.kind === 'rule-error') stats.ruleErrors++;
      else stats.badRanges++;
      if (stats.problems.length < 50) stats.problems.push({ input, seed, index: n, kind: p.kind, detail: p.detail, text });
    }
    onProgress?.(n, stats);
  }
  return stats;
}

export function summary(s: FuzzStats, seed: number): string {
  return `fuzz seed ${seed}: ${s.inputs} inputs tried, ${s.crashes} crashes, ${s.ruleErrors} rule errors, ${s.badRanges} out-of-document ranges, `
    + `${s.findings} findings; ${(s.totalMs / 1000).toFixed(1)} s total, mean ${(s.totalMs / Math.max(1, s.inputs)).toFixed(1)} ms, `
    + `slowest ${s.slowest.ms.toFixed(0)} ms: ${s.slowest.input} (${s.slowest.chars} chars)`;
}
