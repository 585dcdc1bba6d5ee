/**
 * The GitHub Action (action.yml -> action/index.js -> dist/action.js): runs `lpg scan` (dist/cli.js)
 * in the workspace, writes the report file (SARIF by default, for github/codeql-action/upload-sarif),
 * a job summary with the findings table (and the Mermaid wiring graph of the folders whose Terraform
 * changed), annotations on the changed lines, and the step outputs;
 * fails the step per `fail-on`.
 *
 * Environment as GitHub sets it: GITHUB_WORKSPACE, GITHUB_STEP_SUMMARY, GITHUB_OUTPUT,
 * GITHUB_EVENT_NAME, GITHUB_EVENT_PATH, inputs as INPUT_<NAME> (upper case, hyphens kept).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

type Env = Record<string, string | undefined>;

interface JsonFinding {
  file: string; ruleId: string; severity: 'error' | 'warning' | 'info'; message: string;
  range: { start: { line: number; column: number }; end: { line: number; column: number } };
}
interface JsonDoc {
  findings: JsonFinding[];
  errors: { file?: string; message: string }[];
  summary: { files: number; modules: number; findings: number; error: number; warning: number; info: number };
}

const FORMATS = ['sarif', 'json', 'gitlab', 'junit', 'text'] as const;
const DEFAULT_OUTPUT: Record<string, string> = { sarif: 'lpg-results.sarif', json: 'lpg-results.json', gitlab: 'gl-code-quality-report.json', junit: 'lpg-junit.xml', text: 'lpg-results.txt' };
/** GitHub shows at most 10 error and 10 warning annotations of a step (and 50 of a job); more are dropped. */
const MAX_ANNOTATIONS = 50;
const MAX_SUMMARY_ROWS = 200;

class InputError extends Error {}

export function input(env: Env, name: string, def = ''): string {
  const v = env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`];
  return v === undefined || v.trim() === '' ? def : v.trim();
}

function boolInput(env: Env, name: string): boolean {
  const v = input(env, name, 'false').toLowerCase();
  if (['true', 'false'].includes(v)) return v === 'true';
  throw new InputError(`input ${name} must be true or false, not '${v}'`);
}

/** `%`, CR, LF escaped as GitHub's workflow commands want; properties also `:` and `,`. */
function escapeData(s: string): string { return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A'); }
function escapeProperty(s: string): string { return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C'); }

function mdCell(s: string): string {
  return s.replace(/[\\`*_[\]<>|]/g, (c) => '\\' + c).replace(/\r?\n/g, ' ');
}

function appendOutput(file: string | undefined, name: string, value: string): void {
  if (!file) return;
  if (/[\r\n]/.test(value)) {
    const delim = `lpg_${Date.now().toString(36)}_${Math.random().toString(36).slice(2)}`;
    fs.appendFileSync(file, `${name}<<${delim}\n${value}\n${delim}\n`);
  } else {
    fs.appendFileSync(file, `${name}=${value}\n`);
  }
}

/**
 * Changed lines per file (workspace-relative, `/`) of the pull request or push that triggered the
 * run, from `git diff --unified=0`; undefined when not known (another event, or the base commit is
 * not in the clone: check out with `fetch-depth: 0`).
 */
export function changedLines(workspace: string, env: Env, log: (s: string) => void): Map<string, Set<number>> | undefined {
  const eventPath = env.GITHUB_EVENT_PATH;
  if (!eventPath || !fs.existsSync(eventPath)) return undefined;
  let event: { pull_request?: { base?: { sha?: string }; head?: { sha?: string } }; before?: string; after?: string };
  try { event = JSON.parse(fs.readFileSync(eventPath, 'utf8')); } catch { return undefined; }
  let range: string[];
  if (event.pull_request?.base?.sha) range = [`${event.pull_request.base.sha}...${event.pull_request.head?.sha ?? 'HEAD'}`];
  else if (event.before && !/^0+$/.test(event.before)) range = [event.before, event.after ?? 'HEAD'];
  else return undefined;
  const r = spawnSync('git', ['-c', 'core.quotePath=false', 'diff', '--no-color', '--no-ext-diff', '--unified=0', ...range], { cwd: workspace, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) {
    log(`::notice::lpg: cannot diff ${range.join(' ')} (${(r.stderr || String(r.error ?? '')).trim().split('\n')[0]}); annotating every finding. Check out with fetch-depth: 0 to annotate only the changed lines.\n`);
    return undefined;
  }
  const out = new Map<string, Set<number>>();
  let cur: Set<number> | undefined;
  for (const line of r.stdout.split('\n')) {
    if (line.startsWith('+++ ')) {
      const p = line.slice(4);
      cur = p === '/dev/null' ? undefined : new Set();
      if (cur) out.set(p.replace(/^b\//, ''), cur);
    } else if (cur && line.startsWith('@@')) {
      const m = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/.exec(line);
      if (m) { const start = +m[1]; const n = m[2] === undefined ? 1 : +m[2]; for (let i = 0; i < n; i++) cur.add(start + i); }
    }
  }
  return out;
}

/** GitHub renders Mermaid blocks up to 50,000 characters. */
const MAX_MERMAID = 40_000;

/**
 * The job summary's wiring section: `lpg graph --format mermaid` of the folders whose Terraform the
 * pull request (or push) changed, within the scanned paths; nothing when no change is known.
 */
export function wiringOfChanges(workspace: string, paths: string[], changed: Map<string, Set<number>> | undefined, cli: string, config?: string): string[] {
  if (!changed) return [];
  const roots = paths.map((p) => path.resolve(workspace, p));
  const files = [...changed.keys()].filter((f) => {
    if (!/\.tf(\.json)?$/i.test(f)) return false;
    const abs = path.resolve(workspace, f);
    return fs.existsSync(abs) && roots.some((r) => abs === r || !path.relative(r, abs).startsWith('..'));
  }).sort();
  if (!files.length) return [];
  const r = spawnSync(process.execPath, [cli, 'graph', ...files, '--format', 'mermaid', ...(config ? ['--config', config] : [])], { cwd: workspace, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0 || !r.stdout.includes('["λ ')) return [];
  const head = ['', '### Lambda wiring of the changed folders', '', 'Who invokes each function, and with which permission (`lpg graph`); outages in red, undecided dashed.', ''];
  if (r.stdout.length > MAX_MERMAID) return [...head, `The diagram is too large for the summary (${r.stdout.length} characters): run \`lpg graph ${files.length === 1 ? files[0] : '<folders>'} --format mermaid\` locally.`];
  return [...head, '```mermaid', r.stdout.trimEnd(), '```'];
}

function splitPaths(s: string): string[] {
  return s.split(/\r?\n/).flatMap((l) => l.trim().split(/\s+/)).filter(Boolean);
}

/** Runs the action; resolves to the process exit code. `cli` is dist/cli.js (beside this bundle). */
export async function runAction(env: Env = process.env, log: (s: string) => void = (s) => process.stdout.write(s), cli = path.join(__dirname, 'cli.js')): Promise<number> {
  try {
    const workspace = path.resolve(env.GITHUB_WORKSPACE || process.cwd());
    const paths = splitPaths(input(env, 'paths', '.'));
    const plan = input(env, 'plan');
    if (plan) paths.push(plan);
    const failOn = input(env, 'fail-on', 'error');
    if (!['error', 'warning', 'info', 'never'].includes(failOn)) throw new InputError(`input fail-on must be error, warning, info or never, not '${failOn}'`);
    const format = input(env, 'format', 'sarif');
    if (!(FORMATS as readonly string[]).includes(format)) throw new InputError(`input format must be ${FORMATS.join(', ')}, not '${format}'`);
    const output = input(env, 'output', DEFAULT_OUTPUT[format]);
    const annotate = input(env, 'annotate', 'changed');
    if (!['changed', 'all', 'none'].includes(annotate)) throw new InputError(`input annotate must be changed, all or none, not '${annotate}'`);
    const config = input(env, 'config');
    const baseline = input(env, 'baseline');
    const allowEmpty = boolInput(env, 'allow-empty');

    const common = [...paths, '--fail-on', failOn === 'never' ? 'error' : failOn];
    if (config) common.push('--config', config);
    if (baseline) common.push('--baseline', baseline);
    if (allowEmpty) common.push('--allow-empty');
    const scan = (fmt: string): { code: number; stdout: string; stderr: string } => {
      const r = spawnSync(process.execPath, [cli, 'scan', ...common, '--format', fmt], { cwd: workspace, encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
      if (r.error) throw r.error;
      return { code: r.status ?? 2, stdout: r.stdout, stderr: r.stderr };
    };

    log(`lpg scan ${common.join(' ')}\n`);
    const j = scan('json');
    if (j.stderr) log(j.stderr);
    if (j.code === 2 || j.code === 4 || !j.stdout) {
      log(`::error title=lpg::${escapeData((j.stderr.trim().split('\n').pop() ?? '') || `lpg scan exited with ${j.code}`)}\n`);
      appendOutput(env.GITHUB_OUTPUT, 'exit-code', String(j.code));
      return j.code === 4 ? 4 : 2;
    }
    const doc = JSON.parse(j.stdout) as JsonDoc;
    const report = format === 'json' ? j : scan(format);
    const outFile = path.resolve(workspace, output);
    fs.mkdirSync(path.dirname(outFile), { recursive: true });
    fs.writeFileSync(outFile, report.stdout);
    log(`lpg: wrote ${path.relative(workspace, outFile) || output} (${format})\n`);

    // Findings' files relative to the workspace (the JSON's are relative to each PATH when there is one PATH folder).
    const base = paths.length === 1 && fs.existsSync(path.resolve(workspace, paths[0])) && fs.statSync(path.resolve(workspace, paths[0])).isDirectory() ? paths[0] : '.';
    const rel = (f: string): string => path.posix.normalize(path.posix.join(base.split(path.sep).join('/'), f)).replace(/^\.\//, '');

    // Annotations: on the lines the pull request (or push) changed; all findings when that is unknown.
    const changed = annotate === 'changed' ? changedLines(workspace, env, log) : undefined;
    let annotated = 0;
    let skipped = 0;
    if (annotate !== 'none') {
      for (const f of doc.findings) {
        const file = rel(f.file);
        if (changed) {
          const lines = changed.get(file);
          let hit = false;
          for (let l = f.range.start.line; l <= f.range.end.line && !hit; l++) hit = !!lines?.has(l);
          if (!hit) { skipped++; continue; }
        }
        if (annotated >= MAX_ANNOTATIONS) { skipped++; continue; }
        annotated++;
        const cmd = f.severity === 'error' ? 'error' : f.severity === 'warning' ? 'warning' : 'notice';
        const props = [`file=${escapeProperty(file)}`, `line=${f.range.start.line}`, `endLine=${f.range.end.line}`];
        if (f.range.start.line === f.range.end.line) props.push(`col=${f.range.start.column}`, `endColumn=${f.range.end.column}`);
        props.push(`title=${escapeProperty(`lpg ${f.ruleId}`)}`);
        log(`::${cmd} ${props.join(',')}::${escapeData(f.message)}\n`);
      }
    }

    const s = doc.summary;
    const failing = failOn !== 'never' && j.code === 1;
    const incomplete = j.code === 3;
    const summary: string[] = [];
    summary.push('## Lambda Permission Guard', '');
    summary.push(s.findings === 0
      ? `No findings in ${s.files} ${s.files === 1 ? 'file' : 'files'} (${s.modules} ${s.modules === 1 ? 'module' : 'modules'}).`
      : `**${s.findings} ${s.findings === 1 ? 'finding' : 'findings'}** (${s.error} ${s.error === 1 ? 'error' : 'errors'}, ${s.warning} ${s.warning === 1 ? 'warning' : 'warnings'}, ${s.info} info) in ${s.files} ${s.files === 1 ? 'file' : 'files'} (${s.modules} ${s.modules === 1 ? 'module' : 'modules'}).`);
    summary.push('', failing ? `The check fails: findings at or above \`${failOn}\`.` : failOn === 'never' ? 'The check does not fail on findings (`fail-on: never`).' : `The check passes: no finding at or above \`${failOn}\`.`);
    if (doc.findings.length) {
      summary.push('', '| Severity | Rule | Location | Message |', '|---|---|---|---|');
      for (const f of doc.findings.slice(0, MAX_SUMMARY_ROWS)) {
        summary.push(`| ${f.severity} | \`${f.ruleId}\` | ${mdCell(`${rel(f.file)}:${f.range.start.line}:${f.range.start.column}`)} | ${mdCell(f.message)} |`);
      }
      if (doc.findings.length > MAX_SUMMARY_ROWS) summary.push('', `… and ${doc.findings.length - MAX_SUMMARY_ROWS} more in ${output}.`);
    }
    if (doc.errors.length) {
      summary.push('', `${doc.errors.length} ${doc.errors.length === 1 ? 'file was' : 'files were'} not checked:`, '');
      for (const e of doc.errors.slice(0, 50)) summary.push(`- ${mdCell((e.file ? e.file + ': ' : '') + e.message)}`);
    }
    if (annotate === 'changed' && changed && skipped) summary.push('', `${skipped} ${skipped === 1 ? 'finding is' : 'findings are'} outside the changed lines (not annotated).`);
    summary.push(...wiringOfChanges(workspace, paths, changed ?? (annotate === 'changed' ? undefined : changedLines(workspace, env, () => undefined)), cli, config));
    summary.push('', `Report: \`${path.relative(workspace, outFile) || output}\` (${format}).`, '');
    if (env.GITHUB_STEP_SUMMARY) fs.appendFileSync(env.GITHUB_STEP_SUMMARY, summary.join('\n') + '\n');

    const outputs: Record<string, string> = {
      report: path.relative(workspace, outFile) || output,
      findings: String(s.findings), errors: String(s.error), warnings: String(s.warning), infos: String(s.info),
      annotated: String(annotated), 'exit-code': String(failOn === 'never' && j.code === 1 ? 0 : j.code),
    };
    for (const [k, v] of Object.entries(outputs)) appendOutput(env.GITHUB_OUTPUT, k, v);

    if (failing) {
      log(`::error title=lpg::${s.findings} ${s.findings === 1 ? 'finding' : 'findings'} (${s.error} errors, ${s.warning} warnings, ${s.info} info); failing on ${failOn} and above\n`);
      return 1;
    }
    if (incomplete) { log('::error title=lpg::some files could not be read or fixed (exit code 3)\n'); return 3; }
    return 0;
  } catch (e) {
    log(`::error title=lpg::${escapeData(e instanceof InputError ? e.message : `internal error: ${e instanceof Error ? e.message : String(e)}`)}\n`);
    return 2;
  }
}
