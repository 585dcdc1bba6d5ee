import type { Finding, Fix, RelatedLocation, Severity, SeveritySetting } from './types';
import type { Span } from './model/ast';
import { ModuleIndex, type SourceFile } from './model/module';
import { buildFacts, type Facts } from './model/facts';
import type { FixSpec, Report, Rule, RuleContext } from './rules/rule';
import { allRules } from './rules';
import { collectSuppressions, isSuppressed, type Suppressions } from './suppress';
import { suppressionFix } from './fix/suppression';
import { parseJsonFile, jsonErrorMessage } from './model/tfjson';
import { mayBePolicyJson } from './source';
import { isPlanJson } from './frontends/plan/read';
import { tooDeepAt, nestingMessage } from './limits';
import { isJsonTemplate } from './model/template';
import { MULTI_LINE_STRING } from './parse/hclcheck';
import { templateGroups } from './frontends/cfn/group';

/** A syntax error from the authoritative parser (hcl2json), 0-based line and UTF-16 character. */
export interface SyntaxError { line: number; character: number; message: string }

export interface AnalyzeOptions {
  /** Severity per rule id; `off` disables it. */
  rules?: Record<string, SeveritySetting>;
  /** Per file: the authoritative syntax error, `null` when the file parses. Files absent here use the structural parser's errors. */
  syntaxErrors?: Map<string, SyntaxError | null>;
  /** Called when a rule throws: the rule's findings are lost, the others still report. */
  onRuleError?: (ruleId: string, error: unknown) => void;
  /** Only report findings in these files (the others are still read for cross-file wiring). */
  only?: Set<string>;
  /** Rules to run (defaults to all). */
  ruleSet?: Rule[];
  /** Receives the folder's facts once the rules ran (their wiring index and verdicts are cached on them: the wiring graph reads them). */
  onFacts?: (facts: Facts) => void;
}

export function effectiveSeverity(rule: Rule, opts: AnalyzeOptions): Severity | undefined {
  const s = opts.rules?.[rule.meta.id];
  if (s === 'off') return undefined;
  return s ?? rule.meta.severity;
}

const FACTS = new WeakMap<ModuleIndex, ReturnType<typeof buildFacts>>();
/** The facts of an index, built once (coverage reads the same wiring as the rules). */
export function factsOf(mi: ModuleIndex): ReturnType<typeof buildFacts> {
  let f = FACTS.get(mi);
  if (!f) { f = buildFacts(mi); FACTS.set(mi, f); }
  return f;
}

/** Analyses one Terraform module (a folder): all its files together. Never throws for bad input. */
export function analyzeModule(files: SourceFile[], opts: AnalyzeOptions = {}): Finding[] {
  // each CloudFormation template is a stack of its own: analysed alone (with the files it includes)
  const groups = templateGroups(files);
  if (groups) return groups.flatMap((g) => g.post(analyzeFiles(g.files, opts)));
  return analyzeFiles(files, opts);
}

/** The findings of a folder's CloudFormation templates only (each its own stack); Terraform configurations are analysed apart (configuration.ts). */
export function analyzeTemplates(files: SourceFile[], opts: AnalyzeOptions = {}): Finding[] {
  const groups = templateGroups(files);
  if (!groups) return [];
  return groups.filter((g) => g.files[0]?.kind === 'cfn').flatMap((g) => g.post(analyzeFiles(g.files, opts)));
}

function analyzeFiles(files: SourceFile[], opts: AnalyzeOptions): Finding[] {
  return analyzeIndex(new ModuleIndex(files), files, opts);
}

/** Analyses an index already built (a folder, or a whole configuration: model/config.ts) over its files. */
export function analyzeIndex(mi: ModuleIndex, files: SourceFile[], opts: AnalyzeOptions = {}): Finding[] {
  const facts = factsOf(mi);
  const byPath = new Map(files.map((f) => [f.path, f]));
  const supp = new Map<string, Suppressions>();
  const suppOf = (f: SourceFile): Suppressions => {
    let s = supp.get(f.path);
    if (!s) { s = collectSuppressions(f); supp.set(f.path, s); }
    return s;
  };
  const findings: Finding[] = [];
  const seen = new Set<string>();
  for (const rule of opts.ruleSet ?? allRules) {
    const severity = effectiveSeverity(rule, opts);
    if (!severity) continue;
    const reports: Report[] = [];
    const ctx: RuleContext = {
      module: mi, facts,
      file: (p) => { const f = byPath.get(p); if (!f) throw new Error('no file ' + p); return f; },
      report: (r) => reports.push(r),
    };
    try {
      if (rule.meta.id === 'parse-error') for (const r of parseErrors(files, opts)) reports.push(r);
      else rule.check(ctx);
    } catch (e) {
      opts.onRuleError?.(rule.meta.id, e);
      continue;
    }
    for (const r of reports) {
      const f = byPath.get(r.file);
      if (!f) continue;
      if (opts.only && !opts.only.has(f.path)) continue;
      if (isSuppressed(suppOf(f), rule.meta.id, r.span)) continue;
      const key = `${rule.meta.id}|${r.file}|${r.span.start}|${r.span.end}|${r.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      findings.push(toFinding(rule, r.atMost && RANK[r.atMost] < RANK[severity] ? r.atMost : severity, f, r, byPath));
    }
  }
  opts.onFacts?.(facts);
  findings.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character || (a.ruleId < b.ruleId ? -1 : 1));
  return findings;
}

const RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

function toFinding(rule: Rule, severity: Severity, f: SourceFile, r: Report, byPath: Map<string, SourceFile>): Finding {
  const range = f.lines.range(r.span.start, r.span.end);
  const toFix = (x: FixSpec): Fix => {
    const fix: Fix = {
      title: x.title, preferred: x.preferred,
      edits: x.edits.map((e) => {
        const ef = byPath.get(e.file) ?? f;
        return { file: ef.path, range: ef.lines.range(e.start, e.end), newText: e.newText };
      }),
    };
    if (x.snippet !== undefined && x.edits.length === 1) fix.snippet = { file: fix.edits[0].file, range: fix.edits[0].range, text: x.snippet };
    return fix;
  };
  const fixes = (r.fixes ?? []).map(toFix);
  const sup = rule.meta.id === 'parse-error' ? undefined : suppressionFix(f, rule.meta.id, r.suppressTarget ?? r.span);
  if (sup) fixes.push(toFix(sup));
  const related: RelatedLocation[] = (r.related ?? []).flatMap((x) => {
    const rf = byPath.get(x.file);
    return rf ? [{ file: rf.path, range: rf.lines.range(x.span.start, x.span.end), message: x.message }] : [];
  });
  return { ruleId: rule.meta.id, severity, file: f.path, range, message: r.message, fixes, related };
}

function parseErrors(files: SourceFile[], opts: AnalyzeOptions): Report[] {
  const out: Report[] = [];
  for (const f of files) {
    if (f.kind === 'other' || f.kind === 'tfvars') continue;
    const auth = opts.syntaxErrors?.get(f.path);
    if (auth === null) continue;
    if (auth) {
      const start = f.lines.offsetAt({ line: auth.line, character: auth.character });
      // an open string: at its opening quote (HashiCorp points at the line break), with HashiCorp's message
      const own = f.syntax?.errors[0];
      if (own && own.message === MULTI_LINE_STRING && auth.message.startsWith('Invalid multi-line string') && f.lines.positionAt(own.span.start).line === auth.line) {
        out.push({ file: f.path, span: own.span, message: auth.message });
        continue;
      }
      out.push({ file: f.path, span: tokenSpan(f, start), message: auth.message });
      continue;
    }
    if (f.kind === 'cfn') {
      const e = f.syntax?.errors[0];
      if (e) out.push({ file: f.path, span: firstLine(f, e.span), message: e.message });
      continue;
    }
    if (f.kind === 'json') {
      if (!mayBePolicyJson(f.text) || isPlanJson(f.text)) continue;
      const deep = tooDeepAt(f.text, true);
      if (deep >= 0) { out.push({ file: f.path, span: { start: deep, end: deep + 1 }, message: `JSON: ${nestingMessage()}` }); continue; }
      const { errors } = parseJsonFile(f.text);
      if (errors.length && isJsonTemplate(f.text)) continue; // a Terraform template (templatefile()), not broken JSON
      if (errors.length) out.push({ file: f.path, span: { start: errors[0].offset, end: errors[0].offset + Math.max(1, errors[0].length) }, message: `JSON: ${jsonErrorMessage(errors[0])}` });
      continue;
    }
    const e = f.syntax?.errors[0];
    if (e) out.push({ file: f.path, span: e.span.end > e.span.start ? firstLine(f, e.span) : tokenSpan(f, e.span.start), message: e.message });
  }
  for (const r of out) r.span = outsideCrlf(byPathOf(files, r.file).text, r.span);
  return out;
}

function byPathOf(files: SourceFile[], p: string): SourceFile { return files.find((f) => f.path === p)!; }

/** A span whose ends do not fall between the `\r` and the `\n` of a CRLF (a position no editor can show). */
function outsideCrlf(t: string, span: Span): Span {
  const inside = (o: number): boolean => o > 0 && o < t.length && t.charCodeAt(o - 1) === 13 && t.charCodeAt(o) === 10;
  let { start, end } = span;
  if (inside(start)) start--;
  if (inside(end)) end = end - 1 > start ? end - 1 : end + 1;
  return { start, end };
}

/** A span cut at the end of its first line (a recovery node of a binary or badly broken file can cover all of it). */
function firstLine(f: SourceFile, span: Span): Span {
  const line = f.lines.positionAt(span.start).line;
  const eol = f.lines.lineStart(line) + f.lines.lineText(line).length;
  return { start: span.start, end: Math.max(span.start + 1, Math.min(span.end, eol)) };
}

/** The span of the token at an offset (at least one character, within the line). */
function tokenSpan(f: SourceFile, start: number): Span {
  const t = f.text;
  let end = start;
  while (end < t.length && /[^\s{}()[\],=]/.test(t[end])) end++;
  if (end === start && start < t.length && t[start] !== '\n' && t[start] !== '\r') end = start + 1;
  return { start, end };
}
