/**
 * Output formats of `lpg scan`: text (default), json, sarif. Pure functions of the results.
 */
import type { Finding, Fix, Severity } from '../core/types';
import type { RuleMeta } from '../core/types';
import { LineIndex } from '../core/text';
import { reasonCounts, type Coverage } from '../core/coverage';

/** One finding ready for output: paths already as they must be printed. */
export interface OutFinding {
  /** Path for JSON output (relative to the PATH given). */
  file: string;
  /** Path for text output (as the user would type it, relative to the working directory when possible). */
  displayFile: string;
  /** URI for SARIF (relative to the working directory, or a file:// URI). */
  uri: string;
  /** The file's text (for code frames); undefined when not available. */
  text?: string;
  finding: Finding;
  /** Maps another root-relative path like `file` (fix edits). */
  editFile: (rootRelative: string) => string;
  /** Maps another root-relative path like `uri` (related locations). */
  uriFor: (rootRelative: string) => string;
  /** Line-shift-proof fingerprint (fingerprint.ts); SARIF `partialFingerprints["lpg/v1"]`. */
  fingerprint?: string;
}

export interface OutError { file?: string; /** Text output only: the path as findings print it. */ displayFile?: string; message: string; /** SARIF only (not printed in JSON). */ uri?: string }

export interface Summary {
  files: number;
  modules: number;
  findings: number;
  error: number;
  warning: number;
  info: number;
  fixed: number;
}

// ---------- escaping ----------

/** Makes text safe for a terminal: control characters, bidi overrides and line separators become escapes. */
export function escapeControl(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]|\n/g, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    const code = c.charCodeAt(0);
    return code <= 0xff ? '\\x' + code.toString(16).padStart(2, '0') : '\\u' + code.toString(16).padStart(4, '0');
  });
}

// ---------- text ----------

/** `file:line:col severity message [ruleId]` plus a code frame with a caret underline. */
export function formatText(items: OutFinding[], summary: Summary, opts: { frames?: boolean; coverage?: Coverage } = {}): string {
  const out: string[] = [];
  for (const it of items) {
    const f = it.finding;
    const { line, character } = f.range.start;
    out.push(`${escapeControl(it.displayFile)}:${line + 1}:${character + 1} ${f.severity} ${escapeControl(f.message)} [${f.ruleId}]`);
    if (opts.frames !== false && it.text !== undefined) out.push(...codeFrame(it.text, f));
  }
  if (items.length) out.push('');
  if (opts.coverage && opts.coverage.triggers) out.push(coverageLine(opts.coverage));
  out.push(summaryLine(summary));
  return out.join('\n') + '\n';
}

export function summaryLine(s: Summary): string {
  const parts = [`${s.error} ${s.error === 1 ? 'error' : 'errors'}`, `${s.warning} ${s.warning === 1 ? 'warning' : 'warnings'}`, `${s.info} info`];
  const head = s.findings === 0 ? 'No findings' : `${s.findings} ${s.findings === 1 ? 'finding' : 'findings'} (${parts.join(', ')})`;
  const fixed = s.fixed ? `; fixed ${s.fixed}` : '';
  return `${head} in ${s.files} ${s.files === 1 ? 'file' : 'files'} (${s.modules} ${s.modules === 1 ? 'module' : 'modules'})${fixed}.`;
}

/** `Triggers: 12 found, 9 decided (7 covered), 3 undecided: 2 module source not installed: run terraform init; 1 value from a data source.` */
export function coverageLine(c: Coverage): string {
  const und = c.undecided.length;
  const reasons = Object.entries(reasonCounts(c)).map(([r, n]) => `${n} ${escapeControl(r)}`).join('; ');
  return `Triggers: ${c.triggers} found, ${c.decided} decided (${c.covered} covered), ${und} undecided${und ? ': ' + reasons : ''}.`;
}

/** The finding's first line, with a gutter, and a caret line under the range (up to its end on that line). */
export function codeFrame(text: string, f: Finding): string[] {
  const li = new LineIndex(text);
  const { line, character } = f.range.start;
  if (line >= li.lineCount) return [];
  const raw = li.lineText(line);
  const endChar = f.range.end.line === line ? Math.max(f.range.end.character, character + 1) : raw.length;
  const MAX = 160;
  // Show a window of the line around the start when it is long.
  let from = 0;
  if (character > MAX - 40) from = character - 40;
  const shown = raw.slice(from, from + MAX);
  const gutter = String(line + 1);
  const pad = ' '.repeat(gutter.length);
  const vis = (s: string): string => escapeControl(s.replace(/\t/g, '  '));
  const before = vis(raw.slice(from, character));
  const under = vis(raw.slice(character, Math.min(endChar, from + MAX)));
  const width = (s: string): number => [...s].length;
  return [
    `  ${gutter} | ${(from > 0 ? '…' : '') + vis(shown)}${from + MAX < raw.length ? '…' : ''}`,
    `  ${pad} | ${(from > 0 ? ' ' : '') + ' '.repeat(width(before))}${'^'.repeat(Math.max(1, width(under)))}`,
  ];
}

// ---------- json ----------

export interface JsonFinding {
  file: string;
  ruleId: string;
  severity: Severity;
  message: string;
  range: JsonRange;
  fixes: { title: string; preferred: boolean; edits: { file: string; range: JsonRange; newText: string }[] }[];
  /** Related locations (the module call chain, the other end of a wiring), when there are any. */
  related?: { file: string; range: JsonRange; message: string }[];
}
interface JsonRange { start: { line: number; column: number }; end: { line: number; column: number } }

function jsonRange(r: Finding['range']): JsonRange {
  return { start: { line: r.start.line + 1, column: r.start.character + 1 }, end: { line: r.end.line + 1, column: r.end.character + 1 } };
}

export function toJsonFinding(it: OutFinding): JsonFinding {
  const f = it.finding;
  return {
    file: it.file, ruleId: f.ruleId, severity: f.severity, message: f.message, range: jsonRange(f.range),
    fixes: f.fixes.map((x: Fix) => ({ title: x.title, preferred: x.preferred, edits: x.edits.map((e) => ({ file: it.editFile(e.file), range: jsonRange(e.range), newText: e.newText })) })),
    ...(f.related.length ? { related: f.related.map((r) => ({ file: it.editFile(r.file), range: jsonRange(r.range), message: r.message })) } : {}),
  };
}

export function formatJson(items: OutFinding[], errors: OutError[], summary: Summary, coverage?: Coverage): string {
  const errs = errors.map((e) => (e.file !== undefined ? { file: e.file, message: e.message } : { message: e.message }));
  const cov = coverage ?? { triggers: 0, decided: 0, covered: 0, undecided: [] };
  // `coverage` (added after `summary`): triggers found, decided, covered, and each undecided one with its reason
  const jc = { triggers: cov.triggers, decided: cov.decided, covered: cov.covered, undecided: cov.undecided.length, reasons: reasonCounts(cov), undecidedTriggers: cov.undecided };
  return JSON.stringify({ version: 1, findings: items.map(toJsonFinding), errors: errs, summary, coverage: jc }, null, 2) + '\n';
}

// ---------- sarif ----------

const SARIF_LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note' };
const SECURITY_SEVERITY: Record<Severity, string> = { error: '8.0', warning: '5.0', info: '3.0' };

export interface SarifOptions {
  version: string;
  informationUri?: string;
  /** `file:///.../` URI of the folder relative URIs are based on (the working directory). */
  baseUri: string;
  /** Rule documentation link for a rule id, when known. */
  helpUri?: (id: string) => string | undefined;
  errors: OutError[];
  executionSuccessful: boolean;
}

export function formatSarif(items: OutFinding[], rules: RuleMeta[], o: SarifOptions): string {
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
  const driverRules = rules.map((r) => {
    const help = r.docs;
    const rule: Record<string, unknown> = {
      id: r.id,
      name: r.id.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase()),
      shortDescription: { text: r.title },
      fullDescription: { text: firstParagraph(r.docs) },
      help: { text: stripMarkdown(help), markdown: `**${r.id}** (${r.severity}, ${r.kind})\n\n${help}` },
      defaultConfiguration: { level: SARIF_LEVEL[r.severity] },
      properties: {
        tags: r.kind === 'exposure' ? ['security', 'terraform', 'aws-lambda'] : r.kind === 'outage' ? ['correctness', 'reliability', 'terraform', 'aws-lambda'] : ['syntax'],
        precision: 'high',
        'problem.severity': r.severity === 'info' ? 'recommendation' : r.severity,
        ...(r.kind === 'exposure' ? { 'security-severity': SECURITY_SEVERITY[r.severity] } : {}),
      },
    };
    const uri = o.helpUri?.(r.id);
    if (uri) rule.helpUri = uri;
    return rule;
  });
  const results = items.map((it) => {
    const f = it.finding;
    const idx = ruleIndex.get(f.ruleId);
    return {
      ruleId: f.ruleId,
      ...(idx !== undefined ? { ruleIndex: idx } : {}),
      level: SARIF_LEVEL[f.severity],
      message: { text: f.message },
      ...(it.fingerprint ? { partialFingerprints: { 'lpg/v1': it.fingerprint } } : {}),
      locations: [{
        physicalLocation: {
          artifactLocation: artifact(it.uri),
          region: { startLine: f.range.start.line + 1, startColumn: f.range.start.character + 1, endLine: f.range.end.line + 1, endColumn: f.range.end.character + 1 },
        },
      }],
      ...(f.related.length ? {
        relatedLocations: f.related.map((r, i) => ({
          id: i + 1, message: { text: r.message },
          physicalLocation: { artifactLocation: artifact(it.uriFor(r.file)), region: { startLine: r.range.start.line + 1, startColumn: r.range.start.character + 1, endLine: r.range.end.line + 1, endColumn: r.range.end.character + 1 } },
        })),
      } : {}),
    };
  });
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: { driver: { name: 'lpg', fullName: 'Lambda Permission Guard', version: o.version, semanticVersion: o.version, ...(o.informationUri ? { informationUri: o.informationUri } : {}), rules: driverRules } },
      originalUriBaseIds: { '%SRCROOT%': { uri: o.baseUri } },
      columnKind: 'utf16CodeUnits',
      results,
      invocations: [{
        executionSuccessful: o.executionSuccessful,
        toolExecutionNotifications: o.errors.map((e) => ({
          level: 'error',
          message: { text: e.message },
          ...(e.uri ? { locations: [{ physicalLocation: { artifactLocation: artifact(e.uri) } }] } : {}),
        })),
      }],
    }],
  };
  return JSON.stringify(sarif, null, 2) + '\n';
}

function artifact(uri: string): { uri: string; uriBaseId?: string } {
  return uri.startsWith('file:') ? { uri } : { uri, uriBaseId: '%SRCROOT%' };
}

function firstParagraph(md: string): string {
  return stripMarkdown(md.split(/\n\s*\n/)[0]).replace(/\s*\n\s*/g, ' ').trim();
}

function stripMarkdown(md: string): string {
  return md.replace(/\*\*([^*\n]+)\*\*/g, '$1').replace(/(?<!`)`([^`\n]+)`(?!`)/g, '$1');
}
