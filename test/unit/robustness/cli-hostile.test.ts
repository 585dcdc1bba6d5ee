import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BIN, CORPUS, ensureBuilt, tempDir } from '../cli/run';
import { rng } from './fuzzlib';

/**
 * Hostile workspaces through the built CLI (a real process): each bad file gets a clear message in
 * `errors`, the rest of the scan goes on (its findings are there), the exit code is 0 or 1, never 2.
 */
const PRELOAD = path.join(__dirname, 'preload-guard.js');

interface Run { code: number; stdout: string; stderr: string; guard: string[] }
interface Doc { findings: { file: string; ruleId: string; message: string; range: { start: { line: number; column: number } } }[]; errors: { file?: string; message: string }[]; summary: { files: number } }

/** Runs `node -r preload-guard bin/lpg.js ...`: no network / child process / eval allowed, optional read faults. */
function lpgGuarded(args: string[], env: Record<string, string> = {}): Run {
  const log = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lpg-guard-')), 'calls.jsonl');
  const r = spawnSync(process.execPath, ['-r', PRELOAD, BIN, ...args], {
    encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, timeout: 600_000,
    env: { ...process.env, LPG_GUARD_LOG: log, ...env },
  });
  if (r.error) throw r.error;
  const guard = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').split('\n').filter(Boolean) : [];
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, guard };
}

function scanJson(dir: string, env: Record<string, string> = {}): { code: number; doc: Doc; guard: string[]; stderr: string } {
  const r = lpgGuarded(['scan', dir, '--format', 'json'], env);
  let doc: Doc;
  try { doc = JSON.parse(r.stdout) as Doc; } catch { throw new Error(`not JSON (exit ${r.code}): ${r.stdout.slice(0, 500)}\nstderr: ${r.stderr.slice(0, 2000)}`); }
  return { code: r.code, doc, guard: r.guard, stderr: r.stderr };
}

const PERMISSION = (name: string) => `resource "aws_lambda_permission" "${name}" {\n  action        = "lambda:InvokeFunction"\n  function_name = "f"\n  principal     = "apigateway.amazonaws.com"\n}\n`;

describe('robustness: hostile workspaces through the CLI', function () {
  this.timeout(600_000);
  before(ensureBuilt);

  it('20 MB .tf, 50 MB .json, JSON nested 100,000 deep, binary x.tf, invalid UTF-8, UTF-16, BOM, CRLF: clear messages, the rest is analysed', () => {
    const r = rng(8);
    const bin = Buffer.alloc(8192);
    for (let i = 0; i < bin.length; i++) bin[i] = Math.floor(r() * 256);
    const asciiBinary = Buffer.from('resource "aws_lambda_permission" "x" {\0\0\0\x01\x02}\n', 'latin1');
    const d = tempDir({
      'main.tf': PERMISSION('ok'),
      'bom.tf': Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(PERMISSION('bom'))]),
      'crlf.tf': PERMISSION('crlf').replace(/\n/g, '\r\n'),
      'x.tf': bin,
      'nul.tf': asciiBinary,
      'latin1.tf': Buffer.from('# caf\xe9 lambda\n' + PERMISSION('latin'), 'latin1'),
      'utf16.tf': Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(PERMISSION('utf16'), 'utf16le')]),
      'deep/policy.json': '{"Statement": ' + '['.repeat(100_000) + ']'.repeat(100_000) + '}',
    });
    // generated at test time, never committed
    const unit = PERMISSION('big').replace('"big"', '"big_%"');
    const fd = fs.openSync(path.join(d, 'big.tf'), 'w');
    for (let written = 0, i = 0; written < 20 * 1048576; i++) { const s = unit.replace('%', String(i)); fs.writeSync(fd, s); written += s.length; }
    fs.closeSync(fd);
    const jd = fs.openSync(path.join(d, 'big.json'), 'w');
    fs.writeSync(jd, '{"Statement": [');
    const row = '{"Effect": "Allow", "Action": "lambda:*", "Resource": "*"},\n';
    for (let written = 0; written < 50 * 1048576; written += row.length) fs.writeSync(jd, row);
    fs.writeSync(jd, '{}]}');
    fs.closeSync(jd);

    const { code, doc, guard } = scanJson(d);
    assert.ok(code === 0 || code === 1, `exit ${code}`);
    const errors = Object.fromEntries(doc.errors.map((e) => [e.file, e.message]));
    assert.deepStrictEqual(errors, {
      'big.json': 'skipped: 50 MB is over the maximum file size (4 MB)',
      'big.tf': 'skipped: 20 MB is over the maximum file size (4 MB)',
      'latin1.tf': 'skipped: not UTF-8 text',
      'nul.tf': 'skipped: binary file (contains NUL bytes)',
      'utf16.tf': 'skipped: UTF-16 text (Terraform and lpg read UTF-8)',
      'x.tf': 'skipped: not UTF-8 text',
    });
    const got = doc.findings.map((f) => `${f.file}:${f.range.start.line}:${f.range.start.column} ${f.ruleId}`).sort();
    assert.deepStrictEqual(got, [
      'bom.tf:4:19 missing-source-arn',
      'crlf.tf:4:19 missing-source-arn',
      'deep/policy.json:1:514 parse-error', // the 501st bracket: offset 513,
      'main.tf:4:19 missing-source-arn',
    ]);
    assert.strictEqual(doc.findings.find((f) => f.ruleId === 'parse-error')!.message, 'JSON: nested deeper than 500 levels: not analysed');
    assert.deepStrictEqual(guard, []);
  });

  it('a file deleted, and a file made unreadable, between the walk and the read: a message each, the rest is analysed, exit code 3', () => {
    const d = tempDir({ 'a/main.tf': PERMISSION('a'), 'a/vanish.tf': PERMISSION('v'), 'b/locked.tf': PERMISSION('l'), 'b/main.tf': PERMISSION('b') });
    const { code, doc } = scanJson(d, { LPG_FAULT_VANISH: 'vanish.tf', LPG_FAULT_EACCES: 'locked.tf' });
    assert.strictEqual(code, 3); // incomplete: files could not be read (missing-source-arn alone is a warning: 0)
    assert.deepStrictEqual(doc.errors, [
      { file: 'a/vanish.tf', message: 'cannot read file: no such file or folder' },
      { file: 'b/locked.tf', message: 'cannot read file: permission denied' },
    ]);
    assert.ok(!fs.existsSync(path.join(d, 'a/vanish.tf')), 'the fault injection did delete the file');
    assert.deepStrictEqual(doc.findings.map((f) => `${f.file} ${f.ruleId}`), ['a/main.tf missing-source-arn', 'b/main.tf missing-source-arn']);
  });

  it('a symbolic link loop and a link to outside the workspace: walked once, no hang', () => {
    const outside = tempDir({ 'policy.json': '{"Statement": [{"Effect": "Allow", "Action": "lambda:*", "Resource": "*"}]}' });
    const d = tempDir({ 'm/main.tf': PERMISSION('m') });
    fs.symlinkSync('..', path.join(d, 'm', 'up'));
    fs.symlinkSync(path.join(d, 'm'), path.join(d, 'm', 'self'));
    fs.symlinkSync(path.join(d, 'loop-b'), path.join(d, 'loop-a'));
    fs.symlinkSync(path.join(d, 'loop-a'), path.join(d, 'loop-b'));
    const { code, doc } = scanJson(d);
    assert.ok(code === 0 || code === 1, `exit ${code}`);
    assert.deepStrictEqual(doc.findings.map((f) => `${f.file} ${f.ruleId}`), ['m/main.tf missing-source-arn']);
    assert.ok(outside);
  });

  it('output escaping: control characters and ANSI escapes in file names and messages; JSON and SARIF stay valid', () => {
    const evil = 'evil\x1b[31mred\x1b[0m\x07.tf';
    const text = `resource "aws_lambda_permission" "p" {\n  action        = "lambda:InvokeFunction"\n  function_name = "f\x1b[2J"\n  principal     = "apigateway.amazonaws.com"\n}\n`;
    const d = tempDir({ [evil]: text });
    const t = lpgGuarded(['scan', d]);
    assert.strictEqual(t.code, 0);
    assert.ok(t.stdout.includes('missing-source-arn'), t.stdout);
    // eslint-disable-next-line no-control-regex
    assert.ok(!/[\x00-\x08\x0b-\x1f\x7f]/.test(t.stdout.replace(/\n/g, '')), `raw control characters in text output: ${JSON.stringify(t.stdout)}`);
    assert.ok(t.stdout.includes('evil\\x1b[31mred\\x1b[0m\\x07.tf'), JSON.stringify(t.stdout));
    const j = scanJson(d);
    assert.deepStrictEqual(j.doc.findings.map((f) => f.file), [evil]);
    const s = lpgGuarded(['scan', d, '--format', 'sarif']);
    const sarif = JSON.parse(s.stdout) as { runs: { results: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[] };
    const uri = sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri;
    assert.ok(!/[\x00-\x1f]/.test(uri), uri); // eslint-disable-line no-control-regex
    assert.ok(decodeURIComponent(uri).endsWith(evil), uri);
  });

  it('no network access, no child process, no eval: the whole corpus scanned under a guard that forbids them', () => {
    const { code, doc, guard } = scanJson(CORPUS);
    assert.ok(code === 0 || code === 1, `exit ${code}`);
    assert.ok(doc.summary.files > 400, `only ${doc.summary.files} files`);
    assert.deepStrictEqual(guard, []);
    // the guard is live: a forbidden call is recorded (checked in a child so this process keeps its network)
    const log = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lpg-guard-')), 'calls.jsonl');
    const probe = spawnSync(process.execPath, ['-r', PRELOAD, '-e', "try { require('dns').lookup('example.com', () => {}) } catch {} try { require('net').connect(80, 'example.com') } catch {} try { require('child_process').execSync('true') } catch {}"], { env: { ...process.env, LPG_GUARD_LOG: log }, encoding: 'utf8' });
    assert.strictEqual(probe.status, 0, probe.stderr);
    assert.deepStrictEqual(fs.readFileSync(log, 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { what: string }).what), ['dns.lookup', 'net.connect', 'child_process.execSync']);
  });

  it('scan worker threads (LPG_SCAN_WORKERS=2) give exactly the single-thread output on the whole corpus', () => {
    const one = lpgGuarded(['scan', CORPUS, '--format', 'json'], { LPG_SCAN_WORKERS: '0' });
    const two = lpgGuarded(['scan', CORPUS, '--format', 'json'], { LPG_SCAN_WORKERS: '2' });
    assert.ok(one.code === 0 || one.code === 1, `exit ${one.code}: ${one.stderr}`);
    assert.strictEqual(two.code, one.code, two.stderr);
    assert.strictEqual(two.stdout, one.stdout);
    assert.ok((JSON.parse(two.stdout) as Doc).findings.length > 10);
    assert.deepStrictEqual(two.guard, []);
  });

  it('100,000 tiny files: the scan completes with the right findings and bounded memory', () => {
    const root = path.join(os.tmpdir(), 'lpg-robustness-100k-v1');
    const marker = root + '.complete';
    if (!fs.existsSync(marker)) {
      fs.rmSync(root, { recursive: true, force: true });
      for (let m = 0; m < 1000; m++) {
        const dir = path.join(root, `m${m}`);
        fs.mkdirSync(dir, { recursive: true });
        for (let i = 0; i < 100; i++) {
          const lambda = m % 100 === 0 && i === 0;
          fs.writeFileSync(path.join(dir, `f${i}.tf`), lambda ? PERMISSION(`p${m}`) : `locals {\n  v${i} = ${i}\n}\n`);
        }
      }
      fs.writeFileSync(marker, '');
    }
    const r = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, '-r', PRELOAD, BIN, 'scan', root, '--format', 'json'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 600_000 });
    const doc = JSON.parse(r.stdout) as Doc;
    assert.strictEqual(r.status, 0, r.stderr.slice(-2000));
    assert.deepStrictEqual(doc.errors, []);
    assert.strictEqual(doc.findings.length, 10);
    assert.ok(doc.findings.every((f) => f.ruleId === 'missing-source-arn' && /^m\d+00?\/f0\.tf$|^m0\/f0\.tf$/.test(f.file)), JSON.stringify(doc.findings.map((f) => f.file)));
    const peakKb = Number(/(\d+)\s*$/.exec(r.stderr)?.[1]);
    console.log(`      100,000 files: peak RSS ${Math.round(peakKb / 1024)} MB`);
    assert.ok(peakKb < 1024 * 1024, `peak RSS ${Math.round(peakKb / 1024)} MB`); // a memory bound, not a timing
  });
});
