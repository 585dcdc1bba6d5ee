/**
 * The built `lpg` command line as a real process: formats, exit codes, configuration, --fix.
 * Runs dist/ (built by `npm test`, or here when missing or older than the sources).
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { parse as hclParse } from '@cdktf/hcl2json';
import { lpg, ensureBuilt, tempDir, copyFixture, read, ROOT, FIXTURES } from './run';

const FIXABLE = 'test/fixtures/cli/fixable';
const FIXED_MAIN_TF = `resource "aws_lambda_function" "fn" {
  function_name = "orders"
  role          = "arn:aws:iam::123456789012:role/orders"
  handler       = "index.handler"
  runtime       = "nodejs20.x"
  filename      = "orders.zip"
}

resource "aws_s3_bucket" "uploads" {
  bucket = "orders-uploads"
}

resource "aws_lambda_permission" "s3" {
  statement_id   = "AllowS3"
  action         = "lambda:InvokeFunction"
  function_name  = aws_lambda_function.fn.function_name
  principal      = "s3.amazonaws.com"
  source_arn     = aws_s3_bucket.uploads.arn
  source_account = data.aws_caller_identity.current.account_id
}

data "aws_caller_identity" "current" {}
`;

interface JFinding { file: string; ruleId: string; severity: string; message: string; range: JRange; fixes: { title: string; preferred: boolean; edits: { file: string; range: JRange; newText: string }[] }[] }
interface JRange { start: { line: number; column: number }; end: { line: number; column: number } }
interface JDoc { version: number; findings: JFinding[]; errors: { file?: string; message: string }[]; summary: Record<string, number> }

function json(args: string[], cwd?: string): { code: number; doc: JDoc; stderr: string } {
  const r = lpg(['scan', ...args, '--format', 'json'], { cwd });
  let doc: JDoc;
  try { doc = JSON.parse(r.stdout); } catch (e) { throw new Error(`not JSON (exit ${r.code}): ${r.stdout.slice(0, 300)} ${r.stderr}`); }
  return { code: r.code, doc, stderr: r.stderr };
}

/** A usage/internal error: exit 2, nothing on stdout, one line on stderr starting with "lpg: ". */
function assertUsageError(args: string[], pattern: RegExp, cwd?: string): void {
  const r = lpg(args, { cwd });
  assert.strictEqual(r.code, 2, `exit code of lpg ${args.join(' ')}: ${r.stderr}`);
  assert.strictEqual(r.stdout, '');
  const lines = r.stderr.split('\n').filter(Boolean);
  assert.strictEqual(lines.length, 1, r.stderr);
  assert.match(lines[0], /^lpg: /);
  assert.match(lines[0], pattern);
}

describe('lpg CLI (built, real process)', function () {
  this.timeout(180_000);
  before(() => ensureBuilt());

  describe('commands and usage errors', () => {
    it('--version prints the package version', () => {
      const r = lpg(['--version']);
      assert.strictEqual(r.code, 0);
      assert.strictEqual(r.stdout, JSON.parse(read(path.join(ROOT, 'package.json'))).version + '\n');
    });
    it('--help describes scan, its options and the exit codes', () => {
      const r = lpg(['--help']);
      assert.strictEqual(r.code, 0);
      for (const s of ['lpg scan [PATH ...]', '--format text|json|sarif', '--config FILE', '--fail-on error|warning|info', '--fix', '--fix-dry-run', 'lpg lsp --stdio', 'Exit codes']) assert.ok(r.stdout.includes(s), s);
    });
    it('exits 2 with one line on stderr for usage errors', () => {
      assertUsageError(['frobnicate'], /unknown command 'frobnicate'/);
      assertUsageError(['scan', '--frobnicate'], /Unknown option '--frobnicate'/);
      assertUsageError(['scan', FIXABLE, '--format', 'xml'], /--format must be text, json, sarif, gitlab or junit/);
      assertUsageError(['scan', FIXABLE, '--fail-on', 'fatal'], /--fail-on must be error, warning or info/);
      assertUsageError(['scan', 'no/such/folder'], /no such file or folder: no\/such\/folder/);
      assertUsageError(['scan', FIXABLE, '--fix', '--fix-dry-run'], /exclude each other/);
      assertUsageError(['scan', FIXABLE, '--config', 'no-such.json'], /--config: no such file/);
      assertUsageError(['lsp'], /needs --stdio/);
    });
  });

  describe('--format json', () => {
    it('prints exactly one JSON document with the documented shape', () => {
      const { code, doc } = json([FIXABLE]);
      assert.strictEqual(code, 0); // warnings and info only: below the default --fail-on error
      assert.deepStrictEqual(Object.keys(doc), ['version', 'findings', 'errors', 'summary', 'coverage']);
      assert.strictEqual(doc.version, 1);
      assert.deepStrictEqual(doc.errors, []);
      for (const f of doc.findings) {
        assert.deepStrictEqual(Object.keys(f), ['file', 'ruleId', 'severity', 'message', 'range', 'fixes']);
        assert.ok(['error', 'warning', 'info'].includes(f.severity));
        assert.ok(typeof f.message === 'string' && f.message.length > 0);
        assert.deepStrictEqual(Object.keys(f.range), ['start', 'end']);
        assert.deepStrictEqual(Object.keys(f.range.start), ['line', 'column']);
        for (const x of f.fixes) {
          assert.deepStrictEqual(Object.keys(x), ['title', 'preferred', 'edits']);
          for (const e of x.edits) assert.deepStrictEqual(Object.keys(e), ['file', 'range', 'newText']);
        }
      }
      const broad = doc.findings.filter((f) => f.ruleId === 'broad-permission-action');
      assert.strictEqual(broad.length, 1);
      assert.strictEqual(broad[0].file, 'main.tf'); // relative to the PATH given, `/` separators
      assert.strictEqual(broad[0].severity, 'warning');
      assert.deepStrictEqual(broad[0].range, { start: { line: 15, column: 19 }, end: { line: 15, column: 29 } }); // "lambda:*", 1-based
      assert.deepStrictEqual(broad[0].fixes.find((x) => x.preferred), {
        title: 'Replace with lambda:InvokeFunction', preferred: true,
        edits: [{ file: 'main.tf', range: { start: { line: 15, column: 19 }, end: { line: 15, column: 29 } }, newText: '"lambda:InvokeFunction"' }],
      });
      const ignore = broad[0].fixes.find((x) => x.title === 'Ignore broad-permission-action for this block');
      assert.deepStrictEqual(ignore?.edits, [{ file: 'main.tf', range: { start: { line: 13, column: 1 }, end: { line: 13, column: 1 } }, newText: '# lpg-ignore: broad-permission-action -- reason\n' }]);
      const pol = doc.findings.filter((f) => f.file === 'policy.json').map((f) => [f.ruleId, f.range.start.line, f.range.start.column, f.range.end.column]);
      assert.deepStrictEqual(pol, [['wildcard-lambda-action', 6, 17, 27], ['wildcard-lambda-resource', 7, 19, 22]]);
      const count = (s: string): number => doc.findings.filter((f) => f.severity === s).length;
      assert.deepStrictEqual(doc.summary, { files: 2, modules: 1, findings: doc.findings.length, error: count('error'), warning: count('warning'), info: count('info'), fixed: 0 });
    });

    it('a file PATH analyses its folder and reports only that file, named as given', () => {
      const { doc } = json([FIXABLE + '/policy.json']);
      assert.deepStrictEqual([...new Set(doc.findings.map((f) => f.file))], [FIXABLE + '/policy.json']);
      assert.deepStrictEqual(doc.findings.map((f) => f.ruleId), ['wildcard-lambda-action', 'wildcard-lambda-resource']);
    });

    it('columns are UTF-16 code units (an emoji before the finding counts 2)', () => {
      const line = '{"Version": "2012-10-17", "Statement": [{"Sid": "🚀🚀", "Effect": "Allow", "Action": "lambda:*", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:orders"}]}';
      const d = tempDir({ 'policy.json': line + '\n' });
      const { doc } = json([d]);
      const f = doc.findings.find((x) => x.ruleId === 'wildcard-lambda-action');
      assert.ok(f);
      const col = line.indexOf('"lambda:*"') + 1;
      assert.deepStrictEqual(f.range, { start: { line: 1, column: col }, end: { line: 1, column: col + 10 } });
    });

    it('reports an HCL syntax error at HashiCorp\'s position, converted from graphemes to UTF-16', () => {
      // (the folder must mention Lambda or IAM: the scan's pre-filter does not parse unrelated folders)
      const text = 'locals {\n  name = "👩‍👩‍👧 é" oops\n}\nresource "aws_lambda_function" "f" {\n}\n';
      const d = tempDir({ 'main.tf': text });
      const { code, doc } = json([d]);
      assert.strictEqual(code, 1);
      const f = doc.findings.filter((x) => x.ruleId === 'parse-error');
      assert.strictEqual(f.length, 1);
      assert.strictEqual(f[0].message, 'Missing newline after argument; An argument definition must end with a newline.');
      const col = text.split('\n')[1].indexOf('oops') + 1;
      assert.deepStrictEqual(f[0].range.start, { line: 2, column: col });
    });
  });

  describe('exit codes and --fail-on', () => {
    it('0 below the bar, 1 at or above it', () => {
      assert.strictEqual(lpg(['scan', FIXABLE]).code, 0);
      assert.strictEqual(lpg(['scan', FIXABLE, '--fail-on', 'warning']).code, 1);
      assert.strictEqual(lpg(['scan', 'test/fixtures/cli/clean', '--fail-on', 'info']).code, 0);
      assert.strictEqual(lpg(['scan', 'examples']).code, 1); // principal = "*": an error
    });
  });

  describe('--format text', () => {
    it('prints file:line:col severity message [ruleId] with a code frame', () => {
      const r = lpg(['scan', FIXABLE]);
      const lines = r.stdout.split('\n');
      const i = lines.findIndex((l) => l.startsWith(`${FIXABLE}/main.tf:15:19 warning `));
      assert.ok(i >= 0, r.stdout);
      assert.match(lines[i], /^test\/fixtures\/cli\/fixable\/main\.tf:15:19 warning .+ \[broad-permission-action\]$/);
      assert.strictEqual(lines[i + 1], '  15 |   action        = "lambda:*"');
      assert.strictEqual(lines[i + 2], '     |                   ^^^^^^^^^^');
      for (const l of lines.filter((x) => /^\S+:\d+:\d+ /.test(x))) assert.match(l, /^\S+:\d+:\d+ (error|warning|info) .+ \[[a-z-]+\]$/);
      assert.match(r.stdout, /\n4 findings \(0 errors, 3 warnings, 1 info\) in 2 files \(1 module\)\.\n$/);
    });

    it('escapes control characters in printed paths', () => {
      const d = tempDir();
      const evil = path.join(d, 'x\u001b[2Jy');
      fs.mkdirSync(evil);
      fs.writeFileSync(path.join(evil, 'policy.json'), read(path.join(FIXTURES, 'fixable', 'policy.json')));
      const r = lpg(['scan', d]);
      assert.ok(!r.stdout.includes('\u001b'), 'raw ESC printed');
      assert.ok(r.stdout.includes('x\\x1b[2Jy/policy.json:6:17 warning '), r.stdout);
    });
  });

  describe('--format sarif', () => {
    it('prints SARIF 2.1.0 with rules (help, default level) and results with UTF-16 regions', () => {
      const r = lpg(['scan', FIXABLE, '--format', 'sarif']);
      assert.strictEqual(r.code, 0);
      const s = JSON.parse(r.stdout);
      assert.strictEqual(s.version, '2.1.0');
      assert.match(s.$schema, /sarif-2\.1\.0/);
      assert.strictEqual(s.runs.length, 1);
      const run = s.runs[0];
      assert.strictEqual(run.tool.driver.name, 'lpg');
      assert.strictEqual(run.columnKind, 'utf16CodeUnits');
      assert.match(run.originalUriBaseIds['%SRCROOT%'].uri, /^file:\/\/.*\/$/);
      const rules = run.tool.driver.rules as { id: string; shortDescription: { text: string }; fullDescription: { text: string }; help: { text: string; markdown: string }; defaultConfiguration: { level: string } }[];
      const ids = rules.map((x) => x.id);
      for (const id of ['missing-source-arn', 'public-invoke-principal', 'broad-permission-action', 'wildcard-lambda-action', 'parse-error']) assert.ok(ids.includes(id), id);
      for (const rule of rules) {
        assert.ok(rule.shortDescription.text.length > 0 && rule.fullDescription.text.length > 0, rule.id);
        assert.ok(rule.help.text.length > 0 && rule.help.markdown.includes(rule.id), rule.id);
        assert.ok(['error', 'warning', 'note'].includes(rule.defaultConfiguration.level), rule.id);
        // The same page the editors link (docs/rules/<id>.md of the repository), and it exists.
        assert.strictEqual((rule as { helpUri?: string }).helpUri, `https://github.com/lambda-permission-guard/lpg/blob/main/docs/rules/${rule.id}.md`);
        assert.ok(fs.existsSync(path.join(ROOT, 'docs', 'rules', rule.id + '.md')), rule.id);
      }
      assert.strictEqual(run.tool.driver.informationUri, 'https://github.com/lambda-permission-guard/lpg');
      const res = run.results as { ruleId: string; ruleIndex: number; level: string; message: { text: string }; locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId: string }; region: Record<string, number> } }[] }[];
      assert.strictEqual(res.length, 4);
      for (const x of res) {
        assert.strictEqual(rules[x.ruleIndex].id, x.ruleId);
        assert.ok(['error', 'warning', 'note'].includes(x.level));
        assert.ok(x.message.text.length > 0);
      }
      const broad = res.find((x) => x.ruleId === 'broad-permission-action')!;
      assert.strictEqual(broad.level, 'warning');
      assert.deepStrictEqual(broad.locations[0].physicalLocation, {
        artifactLocation: { uri: `${FIXABLE}/main.tf`, uriBaseId: '%SRCROOT%' },
        region: { startLine: 15, startColumn: 19, endLine: 15, endColumn: 29 },
      });
      assert.strictEqual(res.find((x) => x.ruleId === 'missing-source-account')!.level, 'note');
      assert.deepStrictEqual(run.invocations[0].executionSuccessful, true);
    });
  });

  describe('configuration file', () => {
    it('turns rules off, changes severities and ignores globs', () => {
      const d = copyFixture('fixable');
      fs.writeFileSync(path.join(d, '.lpg.json'), JSON.stringify({ rules: { 'broad-permission-action': 'off', 'missing-source-account': 'error' }, ignore: ['*.json'] }));
      const { code, doc } = json([d]);
      assert.strictEqual(code, 1); // missing-source-account raised to error
      assert.deepStrictEqual(doc.findings.map((f) => [f.file, f.ruleId, f.severity]), [['main.tf', 'missing-source-account', 'error']]);
    });
    it('--config FILE replaces the root\'s .lpg.json', () => {
      const d = copyFixture('fixable');
      fs.writeFileSync(path.join(d, '.lpg.json'), '{"rules": {"wildcard-lambda-action": "off"}}');
      const cfg = path.join(tempDir(), 'other.json');
      fs.writeFileSync(cfg, '// comments are allowed\n{"ignore": ["main.tf"]}\n');
      const { doc } = json([d, '--config', cfg]);
      assert.deepStrictEqual(doc.findings.map((f) => f.ruleId), ['wildcard-lambda-action', 'wildcard-lambda-resource']);
    });
    it('a folder glob ignores everything under it', () => {
      const d = tempDir({ 'legacy/a/policy.json': read(path.join(FIXTURES, 'fixable', 'policy.json')), 'new/policy.json': read(path.join(FIXTURES, 'fixable', 'policy.json')), '.lpg.json': '{"ignore": ["legacy"]}' });
      const { doc } = json([d]);
      assert.deepStrictEqual([...new Set(doc.findings.map((f) => f.file))], ['new/policy.json']);
    });
    it('bad configuration: exit 2 with a clear one-line message', () => {
      const cases: [string, RegExp][] = [
        ['{"rules": {', /\.lpg\.json: invalid JSON at 1:12/],
        ['{"rules": {"no-such-rule": "off"}}', /unknown rule id "no-such-rule"/],
        ['{"rules": {"missing-source-arn": "fatal"}}', /rule "missing-source-arn": severity must be "off", "info", "warning" or "error", not "fatal"/],
        ['{"ignore": "*.json"}', /"ignore" must be an array/],
        ['{"ignore": ["../elsewhere/**"]}', /reaches outside the scanned root/],
        ['{"ignore": ["/etc/**"]}', /reaches outside the scanned root/],
        ['{"rule": {}}', /unknown key "rule"/],
        ['[]', /expected a JSON object/],
      ];
      for (const [text, re] of cases) {
        const d = copyFixture('fixable');
        fs.writeFileSync(path.join(d, '.lpg.json'), text);
        assertUsageError(['scan', d, '--format', 'json'], re);
      }
    });
  });

  describe('walking', () => {
    it('skips .terraform/, node_modules/ and .git/, survives symbolic link loops, reports non-UTF-8 files', () => {
      const pol = read(path.join(FIXTURES, 'fixable', 'policy.json'));
      const d = tempDir({ 'a/policy.json': pol, '.terraform/modules/x/policy.json': pol, 'node_modules/m/policy.json': pol, '.git/policy.json': pol, 'b/bad.tf': Buffer.from([0x6c, 0x6f, 0x63, 0x61, 0x6c, 0x73, 0x20, 0xff, 0xfe, 0x0a]) });
      fs.symlinkSync('..', path.join(d, 'a', 'loop'));
      const { code, doc } = json([d]);
      assert.strictEqual(code, 0);
      assert.deepStrictEqual([...new Set(doc.findings.map((f) => f.file))], ['a/policy.json']);
      assert.deepStrictEqual(doc.errors, [{ file: 'b/bad.tf', message: 'skipped: not UTF-8 text' }]);
    });
  });

  describe('--fix and --fix-dry-run', () => {
    it('--fix applies the preferred fixes, writes the files and reports what is left', () => {
      const d = copyFixture('fixable');
      const policyBefore = read(path.join(d, 'policy.json'));
      const r = json([d, '--fix']);
      assert.strictEqual(r.code, 0);
      assert.strictEqual(r.doc.summary.fixed, 2);
      assert.strictEqual(read(path.join(d, 'main.tf')), FIXED_MAIN_TF);
      assert.strictEqual(read(path.join(d, 'policy.json')), policyBefore); // its fixes are suggestions only
      assert.deepStrictEqual(r.doc.findings.map((f) => f.ruleId), ['wildcard-lambda-action', 'wildcard-lambda-resource']);
      assert.deepStrictEqual(fs.readdirSync(d).sort(), ['main.tf', 'policy.json']); // no temporary files left
      // A re-scan agrees, and a second --fix has nothing to do (idempotent).
      const again = json([d, '--fix']);
      assert.deepStrictEqual(again.doc.findings.map((f) => f.ruleId), ['wildcard-lambda-action', 'wildcard-lambda-resource']);
      assert.strictEqual(again.doc.summary.fixed, 0);
      assert.strictEqual(read(path.join(d, 'main.tf')), FIXED_MAIN_TF);
    });

    it('the fixed files still parse with HashiCorp\'s parser', async () => {
      const d = copyFixture('fixable');
      lpg(['scan', d, '--fix']);
      const parsed = await hclParse('main.tf', read(path.join(d, 'main.tf'))) as { resource: { aws_lambda_permission: { s3: { action: string; source_account: string }[] } } };
      assert.strictEqual(parsed.resource.aws_lambda_permission.s3[0].action, 'lambda:InvokeFunction');
      assert.strictEqual(parsed.resource.aws_lambda_permission.s3[0].source_account, '${data.aws_caller_identity.current.account_id}');
    });

    it('keeps CRLF line endings and the BOM', () => {
      const crlf = read(path.join(FIXTURES, 'fixable', 'main.tf')).replace(/\n/g, '\r\n');
      const d = tempDir({ 'main.tf': '\uFEFF' + crlf });
      const r = lpg(['scan', d, '--fix']);
      assert.strictEqual(r.code, 0, r.stderr);
      const out = fs.readFileSync(path.join(d, 'main.tf'));
      assert.deepStrictEqual([...out.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
      assert.strictEqual(out.toString('utf8').slice(1), FIXED_MAIN_TF.replace(/\n/g, '\r\n'));
    });

    it('--fix-dry-run prints a unified diff and writes nothing', () => {
      const d = copyFixture('fixable');
      const before = fs.readFileSync(path.join(d, 'main.tf'));
      const r = lpg(['scan', '.', '--fix-dry-run'], { cwd: d });
      assert.strictEqual(r.code, 0);
      assert.ok(fs.readFileSync(path.join(d, 'main.tf')).equals(before));
      assert.strictEqual(r.stdout, [
        '--- a/main.tf',
        '+++ b/main.tf',
        '@@ -11,9 +11,12 @@',
        ' }',
        ' ',
        ' resource "aws_lambda_permission" "s3" {',
        '-  statement_id  = "AllowS3"',
        '-  action        = "lambda:*"',
        '-  function_name = aws_lambda_function.fn.function_name',
        '-  principal     = "s3.amazonaws.com"',
        '-  source_arn    = aws_s3_bucket.uploads.arn',
        '+  statement_id   = "AllowS3"',
        '+  action         = "lambda:InvokeFunction"',
        '+  function_name  = aws_lambda_function.fn.function_name',
        '+  principal      = "s3.amazonaws.com"',
        '+  source_arn     = aws_s3_bucket.uploads.arn',
        '+  source_account = data.aws_caller_identity.current.account_id',
        ' }',
        '+',
        '+data "aws_caller_identity" "current" {}',
        '',
      ].join('\n'));
      assert.match(r.stderr, /dry run: 2 fixes in 1 file would be applied; 2 findings would remain/);
    });
  });

  describe('--fix on whole projects', () => {
    const key = (f: JFinding): string => `${f.file}|${f.ruleId}|${f.message}`;
    for (const project of ['examples', 'test/fixtures/vscode-workspace']) {
      it(`${project}: the fixed findings are gone, the rest stay, .tf files still parse, a second --fix changes nothing`, async () => {
        const d = tempDir();
        fs.cpSync(path.join(ROOT, project), d, { recursive: true });
        const before = json([d]).doc.findings;
        const fixable = before.filter((f) => f.fixes.some((x) => x.preferred));
        assert.ok(fixable.length > 0, 'the project has preferred fixes');
        const r = json([d, '--fix']);
        assert.strictEqual(r.doc.summary.fixed, fixable.length, r.stderr);
        const after = new Set(json([d]).doc.findings.map(key));
        for (const f of fixable) assert.ok(!after.has(key(f)), 'still reported after --fix: ' + key(f));
        for (const f of before.filter((x) => !fixable.includes(x))) assert.ok(after.has(key(f)), 'lost without a fix: ' + key(f));
        const files: string[] = [];
        const walk = (dir: string): void => { for (const e of fs.readdirSync(dir, { withFileTypes: true })) { const p = path.join(dir, e.name); if (e.isDirectory()) walk(p); else files.push(p); } };
        walk(d);
        const snapshot = new Map(files.map((p) => [p, read(p)]));
        for (const p of files.filter((x) => x.endsWith('.tf'))) await hclParse(path.basename(p), read(p)); // throws on a syntax error
        for (const p of files.filter((x) => x.endsWith('.json'))) JSON.parse(read(p));
        const again = json([d, '--fix']);
        assert.strictEqual(again.doc.summary.fixed, 0);
        for (const [p, t] of snapshot) assert.strictEqual(read(p), t, p);
      });
    }
  });

  describe('the shared corpus', () => {
    it('lpg scan ../shared/corpus exits 0 or 1 and prints one valid JSON document', () => {
      const r = lpg(['scan', '../shared/corpus', '--format', 'json']);
      assert.ok(r.code === 0 || r.code === 1, `exit ${r.code}: ${r.stderr}`);
      const doc = JSON.parse(r.stdout) as JDoc;
      assert.strictEqual(doc.version, 1);
      assert.ok(doc.summary.files > 100 && doc.summary.modules > 10, JSON.stringify(doc.summary));
      assert.deepStrictEqual(doc.errors, []);
    });
  });
});

describe('lpg lsp --stdio (delegates to dist/server.js)', function () {
  this.timeout(60_000);
  before(() => ensureBuilt());
  it('answers initialize over stdio', async () => {
    const { spawn } = await import('child_process');
    const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'lpg.js'), 'lsp', '--stdio'], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    try {
      const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { processId: process.pid, rootUri: null, capabilities: {} } });
      child.stdin.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
      const reply = await new Promise<{ id: number; result: { capabilities: Record<string, unknown> } }>((resolve, reject) => {
        let buf = Buffer.alloc(0);
        child.on('exit', (code) => reject(new Error('server exited with ' + code)));
        child.stdout.on('data', (d: Buffer) => {
          buf = Buffer.concat([buf, d]);
          for (;;) {
            const s = buf.toString('latin1');
            const h = s.indexOf('\r\n\r\n');
            if (h < 0) return;
            const len = Number(/Content-Length: (\d+)/i.exec(s.slice(0, h))?.[1]);
            if (buf.length < h + 4 + len) return;
            const msg = JSON.parse(buf.subarray(h + 4, h + 4 + len).toString('utf8'));
            buf = buf.subarray(h + 4 + len);
            if (msg.id === 1) resolve(msg);
          }
        });
      });
      assert.strictEqual(reply.id, 1);
      assert.ok(reply.result.capabilities.textDocumentSync !== undefined, JSON.stringify(reply.result.capabilities));
    } finally {
      child.kill();
    }
  });
});
