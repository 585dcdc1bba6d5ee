/**
 * The GitHub Action's entry point (action/index.js, as action.yml names it) run as GitHub runs it:
 * a process with GITHUB_WORKSPACE, GITHUB_STEP_SUMMARY, GITHUB_OUTPUT, GITHUB_EVENT_PATH and the
 * inputs as INPUT_* variables, on a git repository with a pull request's base and head commits.
 */
import * as assert from 'assert';
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ensureBuilt, ROOT, tempDir } from './run';

const ENTRY = path.join(ROOT, 'action', 'index.js');
const NEW_PERMISSION = '\nresource "aws_lambda_permission" "partner2" {\n  action        = "lambda:InvokeFunction"\n  function_name = "billing-export"\n  principal     = "*"\n}\n';

interface ActionRun { code: number; stdout: string; stderr: string; summary: string; outputs: Record<string, string>; workspace: string }

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', '-c', 'commit.gpgsign=false', ...args], { cwd, encoding: 'utf8' }).trim();
}

/** A repository with examples/ copied to infra/ (base commit) and one new public permission (head commit). */
function pullRequestRepo(): { dir: string; base: string; head: string } {
  const dir = tempDir();
  fs.cpSync(path.join(ROOT, 'examples'), path.join(dir, 'infra'), { recursive: true });
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '.');
  git(dir, 'commit', '-q', '-m', 'base');
  const base = git(dir, 'rev-parse', 'HEAD');
  fs.appendFileSync(path.join(dir, 'infra', 'lambda.tf'), NEW_PERMISSION);
  git(dir, 'commit', '-q', '-am', 'head');
  return { dir, base, head: git(dir, 'rev-parse', 'HEAD') };
}

function runAction(workspace: string, inputs: Record<string, string>, event?: object, entry = ENTRY): ActionRun {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lpg-action-'));
  const summaryFile = path.join(tmp, 'summary.md');
  const outputFile = path.join(tmp, 'output.txt');
  fs.writeFileSync(summaryFile, '');
  fs.writeFileSync(outputFile, '');
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, GITHUB_WORKSPACE: workspace, GITHUB_STEP_SUMMARY: summaryFile, GITHUB_OUTPUT: outputFile, GITHUB_ACTIONS: 'true' };
  if (event) {
    const eventFile = path.join(tmp, 'event.json');
    fs.writeFileSync(eventFile, JSON.stringify(event));
    env.GITHUB_EVENT_PATH = eventFile;
    env.GITHUB_EVENT_NAME = 'pull_request';
  }
  for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.toUpperCase()}`] = v;
  // GitHub starts the action in the workspace.
  const r = spawnSync(process.execPath, [entry], { cwd: workspace, env, encoding: 'utf8', timeout: 170_000 });
  if (r.error) throw r.error;
  const outputs: Record<string, string> = {};
  for (const line of fs.readFileSync(outputFile, 'utf8').split('\n')) { const m = /^([\w-]+)=(.*)$/.exec(line); if (m) outputs[m[1]] = m[2]; }
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, summary: fs.readFileSync(summaryFile, 'utf8'), outputs, workspace };
}

const annotations = (out: string): string[] => out.split('\n').filter((l) => /^::(error|warning|notice) file=/.test(l));

describe('GitHub Action entry point (action/index.js with the environment GitHub sets)', function () {
  this.timeout(180_000);
  before(() => ensureBuilt());

  it('pull request: SARIF written, summary table, outputs set, annotation only on the changed lines, exit 1 (fail-on error)', () => {
    const { dir, base, head } = pullRequestRepo();
    const r = runAction(dir, { paths: 'infra', 'fail-on': 'error' }, { pull_request: { base: { sha: base }, head: { sha: head } } });
    assert.strictEqual(r.code, 1, r.stdout + r.stderr);

    const sarif = JSON.parse(fs.readFileSync(path.join(dir, 'lpg-results.sarif'), 'utf8')) as { version: string; runs: { results: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[] };
    assert.strictEqual(sarif.version, '2.1.0');
    assert.strictEqual(sarif.runs[0].results.length, 9);
    // URIs relative to the workspace (the repository root), as code scanning needs them.
    assert.deepStrictEqual([...new Set(sarif.runs[0].results.map((x) => x.locations[0].physicalLocation.artifactLocation.uri))].sort(), ['infra/api.tf', 'infra/iam.tf', 'infra/lambda.tf']);

    assert.deepStrictEqual(r.outputs, { report: 'lpg-results.sarif', findings: '9', errors: '5', warnings: '4', infos: '0', annotated: '1', 'exit-code': '1' });

    const lines = fs.readFileSync(path.join(dir, 'infra', 'lambda.tf'), 'utf8').split('\n');
    const principalLine = lines.lastIndexOf('  principal     = "*"') + 1;
    assert.deepStrictEqual(annotations(r.stdout), [
      `::error file=infra/lambda.tf,line=${principalLine},endLine=${principalLine},col=19,endColumn=22,title=lpg public-invoke-principal::Anyone can invoke billing-export: aws_lambda_permission.partner2 grants principal "*" with no source_arn, source_account or principal_org_id.`,
    ]);
    assert.match(r.stdout, /::error title=lpg::9 findings \(5 errors, 4 warnings, 0 info\); failing on error and above/);

    assert.ok(r.summary.startsWith('## Lambda Permission Guard\n\n**9 findings** (5 errors, 4 warnings, 0 info) in 4 files (1 module).\n\nThe check fails: findings at or above `error`.\n'), r.summary);
    const rows = r.summary.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| Severity'));
    assert.strictEqual(rows.length, 9);
    assert.ok(rows.includes(`| error | \`public-invoke-principal\` | infra/lambda.tf:${principalLine}:19 | Anyone can invoke billing-export: aws\\_lambda\\_permission.partner2 grants principal "\\*" with no source\\_arn, source\\_account or principal\\_org\\_id. |`), rows.join('\n'));
    assert.match(r.summary, /8 findings are outside the changed lines \(not annotated\)\./);
    assert.match(r.summary, /Report: `lpg-results\.sarif` \(sarif\)\./);
  });

  it('the job summary draws the wiring of the folders the pull request changed (Mermaid), and nothing when no Terraform changed', () => {
    const { dir, base, head } = pullRequestRepo();
    const r = runAction(dir, { paths: 'infra' }, { pull_request: { base: { sha: base }, head: { sha: head } } });
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    // infra/ is examples/ plus a permission on a function of another folder: the same diagram as the README's
    const diagram = /<!-- lpg graph examples --format mermaid -->\n```mermaid\n([\s\S]*?)```/.exec(readme)![1];
    assert.ok(r.summary.includes('\n### Lambda wiring of the changed folders\n\nWho invokes each function, and with which permission (`lpg graph`); outages in red, undecided dashed.\n\n```mermaid\n' + diagram + '```\n\nReport: `lpg-results.sarif` (sarif).\n'), r.summary);
    // a change outside Terraform: no diagram
    fs.writeFileSync(path.join(dir, 'NOTES.md'), 'notes\n');
    git(dir, 'add', '.');
    git(dir, 'commit', '-q', '-m', 'notes');
    const notes = runAction(dir, { paths: 'infra' }, { pull_request: { base: { sha: head }, head: { sha: git(dir, 'rev-parse', 'HEAD') } } });
    assert.ok(!notes.summary.includes('Lambda wiring'), notes.summary);
    assert.ok(!notes.summary.includes('```mermaid'), notes.summary);
  });

  it('push: the lines changed since the event\'s "before" commit; a base missing from the clone annotates every finding', () => {
    const { dir, base, head } = pullRequestRepo();
    const push = runAction(dir, { paths: 'infra' }, { before: base, after: head });
    assert.strictEqual(push.outputs.annotated, '1');
    assert.deepStrictEqual(annotations(push.stdout).map((a) => a.replace(/,.*/, '')), ['::error file=infra/lambda.tf']);
    const shallow = runAction(dir, { paths: 'infra' }, { pull_request: { base: { sha: 'f'.repeat(40) }, head: { sha: head } } });
    assert.match(shallow.stdout, /::notice::lpg: cannot diff f{40}\.\.\.[0-9a-f]{40} .*annotating every finding\. Check out with fetch-depth: 0/);
    assert.strictEqual(shallow.outputs.annotated, '9');
    assert.strictEqual(annotations(shallow.stdout).length, 9);
  });

  it('exit code per fail-on; never passes; other formats and output paths; annotate all', () => {
    const dir = tempDir({ 'tf/main.tf': 'resource "aws_lambda_permission" "api" {\n  action        = "lambda:InvokeFunction"\n  function_name = "orders"\n  principal     = "apigateway.amazonaws.com"\n}\n' });
    const onError = runAction(dir, { paths: 'tf' });
    assert.strictEqual(onError.code, 0, onError.stdout);
    assert.strictEqual(onError.outputs.warnings, '1');
    assert.match(onError.summary, /The check passes: no finding at or above `error`\./);
    // No event: every finding is annotated.
    assert.deepStrictEqual(annotations(onError.stdout).map((a) => a.replace(/ .*/, '')), ['::warning']);

    const onWarning = runAction(dir, { paths: 'tf', 'fail-on': 'warning', format: 'gitlab' });
    assert.strictEqual(onWarning.code, 1);
    assert.strictEqual(onWarning.outputs.report, 'gl-code-quality-report.json');
    const gl = JSON.parse(fs.readFileSync(path.join(dir, 'gl-code-quality-report.json'), 'utf8')) as { check_name: string; location: { path: string } }[];
    assert.deepStrictEqual(gl.map((x) => [x.check_name, x.location.path]), [['missing-source-arn', 'tf/main.tf']]);

    const never = runAction(dir, { paths: 'tf', 'fail-on': 'never', format: 'junit', output: 'reports/lpg.xml', annotate: 'none' });
    assert.strictEqual(never.code, 0);
    assert.strictEqual(never.outputs['exit-code'], '0');
    assert.ok(fs.readFileSync(path.join(dir, 'reports', 'lpg.xml'), 'utf8').includes('<failure type="missing-source-arn"'));
    assert.deepStrictEqual(annotations(never.stdout), []);
  });

  it('a mistyped path fails (nothing to check: exit 4), unless allow-empty; a bad input is exit 2', () => {
    const dir = tempDir({ 'infra/main.tf': 'resource "aws_s3_bucket" "b" {}\n' });
    const typo = runAction(dir, { paths: 'infar' });
    assert.strictEqual(typo.code, 2);
    assert.match(typo.stdout, /::error title=lpg::lpg: no such file or folder: infar/);
    const empty = tempDir({ 'docs/README.md': 'hi\n' });
    const e = runAction(empty, { paths: 'docs' });
    assert.strictEqual(e.code, 4);
    assert.match(e.stdout, /::error title=lpg::lpg: nothing to check/);
    assert.strictEqual(runAction(empty, { paths: 'docs', 'allow-empty': 'true' }).code, 0);
    const bad = runAction(dir, { paths: 'infra', 'fail-on': 'sometimes' });
    assert.strictEqual(bad.code, 2);
    assert.match(bad.stdout, /::error title=lpg::input fail-on must be error, warning, info or never, not 'sometimes'/);
  });

  it('on a fresh checkout of the action (no dist/), the entry point builds the checker first', () => {
    // The action's repository as GitHub checks it out (tracked files only), with node_modules already installed.
    const copy = tempDir();
    const files = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter((f) => f && (/^(action|bin|scripts|server|client|syntaxes)\//.test(f) || ['package.json', 'tsconfig.json', 'action.yml'].includes(f)));
    for (const f of files) {
      if (!fs.existsSync(path.join(ROOT, f))) continue;
      fs.mkdirSync(path.dirname(path.join(copy, f)), { recursive: true });
      fs.copyFileSync(path.join(ROOT, f), path.join(copy, f));
    }
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(copy, 'node_modules'), 'dir');
    assert.ok(!fs.existsSync(path.join(copy, 'dist')));
    const ws = tempDir({ 'main.tf': 'resource "aws_lambda_permission" "p" {\n  action        = "lambda:InvokeFunction"\n  function_name = "f"\n  principal     = "*"\n}\n' });
    const r = runAction(ws, {}, undefined, path.join(copy, 'action', 'index.js'));
    assert.strictEqual(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /::group::lpg: building the checker \(first run in this job\)/);
    assert.ok(fs.existsSync(path.join(copy, 'dist', 'action.js')) && fs.existsSync(path.join(copy, 'dist', 'cli.js')));
    assert.strictEqual(r.outputs.errors, '1');
  });
});
