/**
 * `lpg`: the command-line front end of the analysis core (bundled to dist/cli.js, run by bin/lpg.js).
 *
 *   lpg scan [PATH ...] [--format text|json|sarif|gitlab|junit] [--config FILE] [--fail-on error|warning|info] [--fix | --fix-dry-run]
 *            [--baseline FILE [--write-baseline]] [--allow-empty]
 *            [--var-file FILE ...] [--var NAME=VALUE ...] [--no-modules] [--plan-root DIR]
 *   lpg graph [PATH ...] [--format mermaid|dot|json|text] [--config FILE]
 *   lpg lsp --stdio
 *   lpg web [--port N]
 *   lpg --help | --version
 *
 * Exit codes: 0 no finding at or above --fail-on; 1 at least one; 2 usage, configuration or internal
 * error; 3 incomplete: a file or folder could not be read, or a --fix could not be written (2 wins over
 * 3, 3 over 1); 4 nothing to check (no Terraform or policy file under the PATHs) without --allow-empty.
 */
import { parseArgs } from 'util';
import * as fs from 'fs';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { createTwoFilesPatch } from 'diff';
import type { Finding, RuleMeta, Severity } from '../core/types';
import { allRules } from '../core/rules';
import { ConfigError, scan, varAssignment, type ScanResult, type VarSource } from '../scan';
import { addCoverage, emptyCoverage, type Coverage } from '../core/coverage';
import { checkSyntax, disposeHcl2Json, takeHcl2JsonFailures } from '../hcl2json';
import { escapeControl, formatJson, formatSarif, formatText, summaryLine, type OutError, type OutFinding, type Summary } from './format';
import { assignFingerprints, baselineText, BaselineError, filterBaseline, readBaseline } from './fingerprint';
import { formatGitlab, formatJunit, type CiFinding } from './formats-ci';
import { GRAPH_FORMATS, graphsOf, renderGraphs, type GraphFormat } from './graph';
import type { FolderGraph } from '../core/graph-render';
import pkg from '../../../package.json';
import { runWeb } from './web';

const VERSION: string = pkg.version;

export const HELP = `lpg ${VERSION}: Lambda Permission Guard finds AWS Lambda permission mistakes in Terraform
and IAM policy JSON: outages (missing or mismatched invoke permissions) and exposures.

Usage:
  lpg scan [PATH ...] [options]   analyse folders (each folder is a Terraform module), files,
                                  or Terraform plans (terraform show -json tfplan > plan.json)
  lpg graph [PATH ...] [options]  draw who invokes each Lambda function, and with which permission
  lpg lsp --stdio                 run the language server over stdio (for editors)
  lpg web [--port N]              serve the paste-and-fix page on 127.0.0.1 (default port 8080)
  lpg --help | --version

Options of scan:
  --format text|json|sarif|gitlab|junit
                                  output format (default: text); gitlab: GitLab Code Quality JSON
  --config FILE                   configuration file (default: PATH/.lpg.json when it exists)
  --fail-on error|warning|info    lowest severity that makes the exit code 1 (default: error)
  --fix                           apply the preferred fixes, write the files, report what is left
  --fix-dry-run                   print the preferred fixes as a unified diff; write nothing
  --var-file FILE                 a variable file for the root modules (repeatable; later ones win)
  --var NAME=VALUE                a variable for the root modules (repeatable; in order with --var-file)
  --no-modules                    analyse each folder alone (do not follow module calls)
  --baseline FILE                 report only findings that are not in FILE (written by --write-baseline)
  --write-baseline                write every current finding to the --baseline FILE
                                  (default lpg-baseline.json) and exit 0
  --allow-empty                   exit 0 when there is nothing to check (default: exit 4)
  --plan-root DIR                 the root module's source folder of a plan (default: the plan's folder)

Options of graph:
  --format mermaid|dot|json|text  output format (default: text); outages red, undecided dashed
  --config FILE                   configuration file (its "ignore" globs apply)

PATH defaults to "."; a file PATH analyses its folder and reports only that file. A folder that no
other folder of PATH calls is a root: it is analysed with the modules it calls (local sources, and
registry or git sources installed by terraform init).
A plan JSON (recognised by its content) is analysed as the whole configuration it resolves;
its findings point at the .tf sources of its modules when they are present, else at the plan.
Skipped folders: .terraform/, node_modules/, .git/.

Exit codes:
  0  no finding at or above --fail-on
  1  at least one finding at or above --fail-on
  2  usage, configuration or internal error
  3  incomplete: a file or folder could not be read, or --fix could not write a file
     (its findings are reported, its fixes are not counted); 2 wins over 3, 3 over 1
  4  nothing to check: no Terraform or policy JSON file under the PATHs (unless --allow-empty)
Files skipped on purpose (too big, binary, not UTF-8, FIFOs and devices, symbolic links
that lead outside the scanned folder) are listed on stderr and do not change the exit code.
`;

class UsageError extends Error {}

const RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

interface Io { out: (s: string) => void; err: (s: string) => void }

/** Runs the CLI; resolves to the exit code. */
export async function main(argv: string[], io: Io = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) }): Promise<number> {
  try {
    const cmd = argv[0];
    if (cmd === undefined || cmd === '--help' || cmd === '-h' || cmd === 'help') { io.out(HELP); return cmd === undefined ? 2 : 0; }
    if (cmd === '--version' || cmd === '-v' || cmd === '-V') { io.out(VERSION + '\n'); return 0; }
    if (cmd === 'lsp') return runLsp(argv.slice(1));
    if (cmd === 'web') return await runWeb(argv.slice(1), io, (m) => new UsageError(m));
    if (cmd === 'scan') return await runScan(argv.slice(1), io);
    if (cmd === 'graph') return await runGraph(argv.slice(1), io);
    throw new UsageError(`unknown command '${cmd}'`);
  } catch (e) {
    if (e instanceof UsageError) { io.err(`lpg: ${oneLine(e.message)}. Run 'lpg --help' for usage.\n`); return 2; }
    if (e instanceof ConfigError) { io.err(`lpg: configuration error: ${oneLine(e.message)}\n`); return 2; }
    if (e instanceof BaselineError) { io.err(`lpg: ${oneLine(e.message)}\n`); return 2; }
    io.err(`lpg: internal error: ${oneLine(e instanceof Error ? e.message : String(e))}\n`);
    if (process.env.LPG_DEBUG && e instanceof Error) io.err(String(e.stack) + '\n');
    return 2;
  } finally {
    if (argv[0] === 'scan') disposeHcl2Json();
  }
}

function oneLine(s: string): string { return escapeControl(s.replace(/\s*\n\s*/g, ' ')); }

function runLsp(args: string[]): number {
  if (!args.includes('--stdio')) throw new UsageError("'lpg lsp' needs --stdio (the only transport)");
  // The language server is another bundle (dist/server.js); load it only now so the CLI works without it.
  const candidates = [path.join(__dirname, 'server.js'), path.join(__dirname, '..', 'lsp', 'main.ts')];
  const file = candidates.find((c) => fs.existsSync(c));
  if (!file) throw new Error('the language server is not built (dist/server.js is missing): run npm run build');
  if (!process.argv.includes('--stdio')) process.argv.push('--stdio');
  // A computed path: esbuild leaves it to run time.
  const load: (id: string) => unknown = require;
  load(file);
  return -1; // the server keeps the process alive and exits by itself
}

async function runScan(args: string[], io: Io): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args, allowPositionals: true, strict: true, tokens: true,
      options: {
        'var-file': { type: 'string', multiple: true },
        var: { type: 'string', multiple: true },
        'no-modules': { type: 'boolean' },
        format: { type: 'string', short: 'f' },
        config: { type: 'string', short: 'c' },
        'fail-on': { type: 'string' },
        fix: { type: 'boolean' },
        'fix-dry-run': { type: 'boolean' },
        'plan-root': { type: 'string' },
        baseline: { type: 'string' },
        'write-baseline': { type: 'boolean' },
        'allow-empty': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message.replace(/\. To specify a positional argument.*$/s, ''));
  }
  const v = parsed.values;
  if (v.help) { io.out(HELP); return 0; }
  const format = v.format ?? 'text';
  if (!['text', 'json', 'sarif', 'gitlab', 'junit'].includes(format)) throw new UsageError(`--format must be text, json, sarif, gitlab or junit, not '${format}'`);
  const failOn = (v['fail-on'] ?? 'error') as Severity;
  if (!(failOn in RANK)) throw new UsageError(`--fail-on must be error, warning or info, not '${v['fail-on']}'`);
  if (v.fix && v['fix-dry-run']) throw new UsageError('--fix and --fix-dry-run exclude each other');
  if (v['fix-dry-run'] && format !== 'text') throw new UsageError('--fix-dry-run prints a unified diff: it cannot be combined with --format ' + format);
  const targets = parsed.positionals.length ? parsed.positionals : ['.'];
  const configFile = v.config !== undefined ? path.resolve(v.config) : undefined;
  if (configFile && !fs.existsSync(configFile)) throw new UsageError(`--config: no such file: ${v.config}`);
  for (const t of targets) if (!fs.existsSync(t)) throw new UsageError(`no such file or folder: ${t}`);
  const planRoot = v['plan-root'] !== undefined ? path.resolve(v['plan-root']) : undefined;
  if (planRoot && !(fs.existsSync(planRoot) && fs.statSync(planRoot).isDirectory())) throw new UsageError(`--plan-root: no such folder: ${v['plan-root']}`);
  const writeBaseline = !!v['write-baseline'];
  if (writeBaseline && (v.fix || v['fix-dry-run'])) throw new UsageError('--write-baseline cannot be combined with --fix or --fix-dry-run');
  const baselineFile = v.baseline ?? (writeBaseline ? 'lpg-baseline.json' : undefined);
  const baseline = baselineFile !== undefined && !writeBaseline ? readBaseline(baselineFile) : undefined;
  let candidates = 0;

  // --var-file and --var in command-line order (Terraform: the later wins)
  const varFiles: VarSource[] = [];
  for (const t of parsed.tokens ?? []) {
    if (t.kind !== 'option' || t.value === undefined) continue;
    if (t.name === 'var-file') {
      let text: string;
      try { text = fs.readFileSync(t.value, 'utf8').replace(/^\uFEFF/, ''); } catch { throw new UsageError(`--var-file: cannot read ${t.value}`); }
      if (!t.value.toLowerCase().endsWith('.tfvars')) throw new UsageError(`--var-file: ${t.value} is not a .tfvars file`);
      varFiles.push({ path: toPosix(path.relative(path.resolve(targets[0]), path.resolve(t.value))), text });
    } else if (t.name === 'var') {
      const line = varAssignment(t.value);
      if (!line) throw new UsageError(`--var must be NAME=VALUE, not '${t.value}'`);
      varFiles.push({ path: '(--var).tfvars', text: line });
    }
  }
  let coverage: Coverage | undefined;
  const fix = v.fix ? 'write' as const : v['fix-dry-run'] ? 'dry-run' as const : undefined;
  const cwd = process.cwd();
  const multi = targets.length > 1;
  const items: CiFinding[] = [];
  const errors: OutError[] = [];
  const summary: Summary = { files: 0, modules: 0, findings: 0, error: 0, warning: 0, info: 0, fixed: 0 };
  const diffs: string[] = [];
  let internal = false;
  let incomplete = false;
  const seen = new Set<string>();
  // overlapping targets (a folder and a file or subfolder of it): each file and module counted once
  const filesRead = new Set<string>(), modulesRead = new Set<string>(), dirFiles = new Map<string, number>();
  const notices: OutError[] = [];

  for (const target of targets) {
    const ruleErrors: OutError[] = [];
    const r: ScanResult = await scan(target, {
      // No eager warm-up: HashiCorp's parser is asked only about files tree-sitter finds an error in
      // (rare), so starting it for every scan would cost ~0.5 s of CPU for nothing.
      configFile, checkSyntax, fix, varFiles, noModules: !!v['no-modules'], planRoot,
      onRuleError: (id, e, dir) => ruleErrors.push({ message: `rule ${id} failed in ${dir || '.'}: ${oneLine(e instanceof Error ? e.message : String(e))}` }),
    });
    if (ruleErrors.length) internal = true;
    const isFile = r.file !== undefined;
    const given = toPosix(target);
    // a plan's findings are relative to its root module's folder (the plan's folder or --plan-root)
    const base = r.plans && isFile ? (toPosix(path.relative(cwd, r.root)) || '.') : isFile ? posixDir(given) : given;
    const abs = (rel: string): string => path.join(r.root, ...rel.split('/'));
    const jsonPath = (rel: string): string => (multi || isFile ? joinPosix(base, rel) : rel);
    const display = (rel: string): string => joinPosix(base, rel);
    if (r.coverage) coverage = addCoverage(coverage ?? emptyCoverage(), { ...r.coverage, undecided: r.coverage.undecided.map((u) => ({ ...u, file: jsonPath(u.file) })) });
    const fromCwd = (rel: string): string => {
      const a = abs(rel);
      const r = path.relative(cwd, a);
      return toPosix(r.startsWith('..') || path.isAbsolute(r) ? a : r);
    };
    const uriFor = (rel: string): string => {
      const a = abs(rel);
      const fromCwd = path.relative(cwd, a);
      if (fromCwd.startsWith('..') || path.isAbsolute(fromCwd)) return pathToFileURL(a).href;
      return fromCwd.split(path.sep).map(encodeURIComponent).join('/');
    };
    // Code frames show the texts as analysed: nothing is read again (a file swapped for a link to
    // outside the root meanwhile is never printed).
    const textOf = (rel: string): string | undefined => r.texts.get(rel);
    for (const f of r.findings) {
      const key = `${abs(f.file)}|${f.ruleId}|${f.range.start.line}:${f.range.start.character}|${f.message}`;
      if (seen.has(key)) continue; // overlapping PATHs
      seen.add(key);
      items.push({ file: jsonPath(f.file), displayFile: display(f.file), fingerprintFile: fromCwd(f.file), uri: uriFor(f.file), text: textOf(f.file), finding: f, editFile: jsonPath, uriFor });
      summary[f.severity]++;
    }
    for (const i of r.issues) {
      errors.push({ file: jsonPath(i.file), displayFile: display(i.file), message: i.message, uri: uriFor(i.file) });
      if (i.incomplete) incomplete = true;
    }
    for (const n of r.notices) notices.push({ file: jsonPath(n.file), displayFile: display(n.file), message: n.message });
    for (const f of takeHcl2JsonFailures()) notices.push({ file: jsonPath(f.file), displayFile: display(f.file), message: `HashiCorp's parser gave no answer (${f.reason}): its syntax was checked with tree-sitter only` });
    for (const e of ruleErrors) errors.push(e);
    for (const f of r.read.files) filesRead.add(abs(f));
    for (const m of r.read.modules) modulesRead.add(abs(m));
    for (const [d, n] of r.read.perDir ?? []) { modulesRead.add(abs(d)); dirFiles.set(abs(d), n); }
    summary.files = filesRead.size + [...dirFiles.values()].reduce((a, b) => a + b, 0);
    summary.modules = modulesRead.size;
    candidates += (r.candidates ?? 0) + r.issues.length;
    if (r.fixed) {
      summary.fixed += r.fixed.applied.length;
      for (const c of r.fixed.changes) {
        if (fix === 'dry-run') diffs.push(createTwoFilesPatch('a/' + escapeControl(display(c.file)), 'b/' + escapeControl(display(c.file)), c.before, c.after, undefined, undefined, { context: 3 }).replace(/^=+\n/, '').replace(/([^\n])$/, '$1\n'));
      }
      if (fix === 'write' && format === 'text') {
        for (const a of r.fixed.applied) io.err(`fixed ${escapeControl(display(a.file))}: ${escapeControl(a.title)} [${a.ruleId}]\n`);
      }
      for (const x of r.fixed.rejected) errors.push({ file: jsonPath(x.file), displayFile: display(x.file), message: `fix not applied (${x.title}): ${x.reason}`, uri: uriFor(x.file) });
    }
  }
  assignFingerprints(items);
  if (candidates === 0 && items.length === 0 && !v['allow-empty']) {
    io.err(`lpg: nothing to check: no Terraform (.tf, .tf.json) or policy JSON file under ${targets.map((t) => `'${escapeControl(t)}'`).join(', ')}. Pass --allow-empty if that is expected.\n`);
    return internal ? 2 : 4;
  }
  if (writeBaseline) {
    fs.writeFileSync(baselineFile!, baselineText(items));
    io.err(`lpg: wrote ${items.length} ${items.length === 1 ? 'finding' : 'findings'} to the baseline ${escapeControl(baselineFile!)}\n`);
    return internal ? 2 : 0;
  }
  if (baseline) {
    const { kept, known } = filterBaseline(items, baseline);
    const keep = new Set(kept);
    for (const it of items) if (!keep.has(it)) summary[it.finding.severity]--;
    items.splice(0, items.length, ...kept);
    if (format === 'text' && known) io.err(`lpg: ${known} ${known === 1 ? 'finding' : 'findings'} of the baseline ${escapeControl(baselineFile!)} not shown\n`);
  }
  summary.findings = items.length;
  const failing = items.some((it) => RANK[it.finding.severity] >= RANK[failOn]);

  if (fix === 'dry-run') {
    io.out(diffs.join(''));
    io.err(`lpg: dry run: ${summary.fixed} ${summary.fixed === 1 ? 'fix' : 'fixes'} in ${diffs.length} ${diffs.length === 1 ? 'file' : 'files'} would be applied; ${items.length} ${items.length === 1 ? 'finding' : 'findings'} would remain.\n`);
  } else if (format === 'json') {
    io.out(formatJson(items, errors, summary, coverage));
  } else if (format === 'gitlab') {
    io.out(formatGitlab(items, ruleMetas()));
  } else if (format === 'junit') {
    io.out(formatJunit(items, errors, summary));
  } else if (format === 'sarif') {
    const rules = ruleMetas();
    io.out(formatSarif(items, rules, {
      version: VERSION, baseUri: pathToFileURL(cwd + path.sep).href,
      informationUri: homepage(), helpUri: ruleHelpUri,
      errors, executionSuccessful: !internal,
    }));
  } else {
    io.out(formatText(items, summary, { coverage }));
  }
  // messages name files as the findings do (text: as the user would type them)
  for (const e of notices) io.err(`lpg: ${e.file !== undefined ? escapeControl(format === 'text' ? e.displayFile ?? e.file : e.file) + ': ' : ''}${escapeControl(e.message)}\n`);
  if (format === 'text') for (const e of errors) io.err(`lpg: ${e.file !== undefined ? escapeControl(e.displayFile ?? e.file) + ': ' : ''}${escapeControl(e.message)}\n`);
  else if (internal) io.err(`lpg: internal error: ${oneLine(errors.filter((e) => e.file === undefined).map((e) => e.message).join('; '))}\n`);
  if (internal) return 2;
  if (incomplete) {
    if (format === 'text' || fix === 'dry-run') io.err(`lpg: incomplete: ${fix === 'write' ? 'some files could not be read or written' : 'some files could not be read'} (exit code 3)\n`);
    return 3;
  }
  return failing ? 1 : 0;
}

async function runGraph(args: string[], io: Io): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, strict: true, options: { format: { type: 'string', short: 'f' }, config: { type: 'string', short: 'c' }, help: { type: 'boolean', short: 'h' } } });
  } catch (e) {
    throw new UsageError((e as Error).message.replace(/\. To specify a positional argument.*$/s, ''));
  }
  if (parsed.values.help) { io.out(HELP); return 0; }
  const format = (parsed.values.format ?? 'text') as GraphFormat;
  if (!GRAPH_FORMATS.includes(format)) throw new UsageError(`--format must be mermaid, dot, json or text, not '${parsed.values.format}'`);
  const configFile = parsed.values.config !== undefined ? path.resolve(parsed.values.config) : undefined;
  if (configFile && !fs.existsSync(configFile)) throw new UsageError(`--config: no such file: ${parsed.values.config}`);
  const targets = parsed.positionals.length ? parsed.positionals : ['.'];
  for (const t of targets) if (!fs.existsSync(t)) throw new UsageError(`no such file or folder: ${t}`);
  const folders: FolderGraph[] = [];
  const seen = new Set<string>(); // several PATHs in one folder (the changed files of a pull request): its graph once
  for (const t of targets) {
    const r = await graphsOf(t, configFile);
    for (const f of r.folders) if (!seen.has(f.abs)) { seen.add(f.abs); folders.push({ dir: f.dir, graph: f.graph }); }
    for (const i of r.issues) io.err(`lpg: ${escapeControl(i.file)}: ${escapeControl(i.message)}\n`);
  }
  io.out(renderGraphs(folders, format, escapeControl));
  return 0;
}

export { summaryLine };

function ruleMetas(): RuleMeta[] { return allRules.map((r) => r.meta); }

/** The project's web page: package.json `homepage`, or its GitHub `repository` URL. */
function homepage(): string | undefined {
  const p = pkg as { homepage?: string; repository?: string | { url?: string } };
  if (p.homepage) return p.homepage;
  const url = typeof p.repository === 'string' ? p.repository : p.repository?.url;
  return url?.replace(/^git\+/, '').replace(/\.git$/, '');
}

/** A rule's documentation page (docs/rules/<id>.md in the repository; the editors link the same page). */
function ruleHelpUri(id: string): string | undefined {
  const home = homepage();
  return home && /^https:\/\/github\.com\//.test(home) ? `${home}/blob/main/docs/rules/${id}.md` : undefined;
}

function toPosix(p: string): string { return p.split(path.sep).join('/'); }
function posixDir(p: string): string { const d = path.posix.dirname(p); return d; }
function joinPosix(base: string, rel: string): string {
  const j = path.posix.join(base, rel);
  return j === '' ? '.' : j;
}

export type { Finding };

if (require.main === module || process.env.LPG_CLI_MAIN === '1' || isBinEntry()) {
  void main(process.argv.slice(2)).then((code) => { if (code >= 0) process.exitCode = code; });
}

/** bin/lpg.js requires the bundle: then this module is not require.main but its child. */
function isBinEntry(): boolean {
  const m = require.main;
  return !!m && /[\\/]bin[\\/]lpg(\.js)?$/.test(m.filename);
}
