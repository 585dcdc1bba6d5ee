/**
 * Hostile repositories and failing disks (issue 14), built in temporary folders at test time: `--fix`
 * tells the truth, never corrupts a file, keeps what it does not own; symbolic links do not lead out
 * of the scanned root; nothing in a repository makes a scan hang or crash. Through the built CLI (a
 * real process, under the robustness guard) and through the scan API.
 */
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { BIN, ensureBuilt, tempDir } from '../cli/run';
import { scan, readTextSync, writeTextAtomic, walk, parseConfig, ignoreMatcher, fixModule } from '../../../server/src/scan';
import { compileGlob, GLOB_LIMITS } from '../../../server/src/scan/glob';
import { pushAll } from '../../../server/src/core/fix/apply';
import { makeSourceFile } from '../../../server/src/core/source';
import { analyzeModule } from '../../../server/src/core/analyze';
import { ready } from '../helpers';
import { fixedTextProblemOf } from '../../../server/src/core/fix/verify';
import { fixAll } from '../../../server/src/lsp/fixall';
import { allRules } from '../../../server/src/core/rules';
import type { Rule } from '../../../server/src/core/rules/rule';

const PRELOAD = path.join(__dirname, 'preload-guard.js');

interface Run { code: number; stdout: string; stderr: string }
/**
 * The nobody user cannot read a checkout inside a private folder (a `mktemp -d` clone is 0700): runs as nobody use
 * a world-readable copy of the built CLI (bin/, dist/: self-contained) and of the preload guard.
 */
let nobodyCopy: { bin: string; preload: string } | undefined;
function forNobody(): { bin: string; preload: string } {
  if (nobodyCopy) return nobodyCopy;
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'lpg-nobody-'));
  fs.chmodSync(d, 0o755);
  const root = path.dirname(path.dirname(BIN));
  fs.cpSync(path.join(root, 'dist'), path.join(d, 'dist'), { recursive: true });
  fs.mkdirSync(path.join(d, 'bin'));
  fs.copyFileSync(BIN, path.join(d, 'bin', 'lpg.js'));
  fs.copyFileSync(PRELOAD, path.join(d, 'preload-guard.js'));
  spawnSync('chmod', ['-R', 'a+rX', d]);
  nobodyCopy = { bin: path.join(d, 'bin', 'lpg.js'), preload: path.join(d, 'preload-guard.js') };
  return nobodyCopy;
}
function lpg(args: string[], o: { cwd?: string; env?: Record<string, string>; user?: boolean } = {}): Run {
  const { bin, preload } = o.user ? forNobody() : { bin: BIN, preload: PRELOAD };
  const argv = [process.execPath, '-r', preload, bin, ...args];
  // reduced privileges: the tests run as root here; setpriv drops to nobody
  const [cmd, ...rest] = o.user ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', '--', ...argv] : argv;
  const r = spawnSync(cmd, rest, { cwd: o.cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, timeout: 300_000, env: { ...process.env, ...o.env } });
  if (r.error) throw r.error;
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
interface JsonDoc { findings: { file: string; ruleId: string }[]; errors: { file?: string; message: string }[]; summary: { fixed: number; files: number } }
const json = (r: Run): JsonDoc => { try { return JSON.parse(r.stdout) as JsonDoc; } catch { throw new Error(`not JSON (exit ${r.code}): ${r.stdout.slice(0, 300)} ${r.stderr.slice(0, 2000)}`); } };

/** missing-source-account (info) is fixed by adding source_account; missing-source-arn (warning) has no preferred fix here. */
const S3 = `resource "aws_lambda_permission" "s3" {\n  action        = "lambda:InvokeFunction"\n  function_name = "f"\n  principal     = "s3.amazonaws.com"\n  source_arn    = "arn:aws:s3:::bucket"\n}\n`;
/** broad-permission-action (warning) with a preferred fix (lambda:* -> lambda:InvokeFunction). */
const BROAD = `resource "aws_lambda_permission" "b" {\n  action        = "lambda:*"\n  function_name = "f"\n  principal     = "sns.amazonaws.com"\n  source_arn    = "arn:aws:sns:eu-west-1:123456789012:t"\n}\n`;
const BROAD_FIXED = BROAD.replace('"lambda:*"', '"lambda:InvokeFunction"');

const isRoot = process.getuid?.() === 0;

describe('robustness: hostile workspaces and failing disks (issue 14)', function () {
  this.timeout(600_000);
  before(ensureBuilt);
  before(ready);

  describe('--fix reports the truth', () => {
    it('a read-only file: named as not fixed, left unchanged, its finding kept, not counted, exit 3', () => {
      const d = tempDir({ 'm/main.tf': BROAD, 'm/ok.tf': BROAD.replace('"b"', '"c"') });
      fs.chmodSync(path.join(d, 'm/main.tf'), 0o444);
      const r = lpg(['scan', 'm', '--fix'], { cwd: d });
      assert.strictEqual(r.code, 3, r.stderr);
      assert.strictEqual(fs.readFileSync(path.join(d, 'm/main.tf'), 'utf8'), BROAD);
      assert.strictEqual(fs.readFileSync(path.join(d, 'm/ok.tf'), 'utf8'), BROAD_FIXED.replace('"b"', '"c"'));
      assert.deepStrictEqual(r.stderr.split('\n').filter(Boolean), [
        'fixed m/ok.tf: Replace with lambda:InvokeFunction [broad-permission-action]',
        'lpg: m/main.tf: not fixed: not written: the file is read-only',
        'lpg: incomplete: some files could not be read or written (exit code 3)',
      ]);
      assert.match(r.stdout, /^m\/main\.tf:2:19 warning .* \[broad-permission-action\]$/m);
      assert.ok(r.stdout.trim().endsWith('1 finding (0 errors, 1 warning, 0 info) in 2 files (1 module); fixed 1.'), r.stdout);
      const j = json(lpg(['scan', 'm', '--fix', '--format', 'json'], { cwd: d }));
      assert.deepStrictEqual(j.findings.map((f) => `${f.file} ${f.ruleId}`), ['main.tf broad-permission-action']);
      assert.deepStrictEqual(j.errors, [{ file: 'main.tf', message: 'not fixed: not written: the file is read-only' }]);
      assert.strictEqual(j.summary.fixed, 0);
    });

    it(isRoot ? 'a folder the user cannot write (as nobody, via setpriv): the folder is named, exit 3, nothing written' : 'a folder the user cannot write (skipped: needs root to switch to nobody)', function () {
      if (!isRoot) { console.log('      skipped: the test switches to the nobody user with setpriv, which needs root'); this.skip(); }
      const d = tempDir({ 'sub/main.tf': BROAD });
      fs.chmodSync(d, 0o755);
      fs.chmodSync(path.join(d, 'sub'), 0o755); // root's folder: nobody cannot create a file in it
      fs.chmodSync(path.join(d, 'sub/main.tf'), 0o666); // but may write the file itself
      const r = lpg(['scan', 'sub', '--fix'], { cwd: d, user: true });
      assert.strictEqual(r.code, 3, r.stderr);
      assert.deepStrictEqual(r.stderr.split('\n').filter(Boolean), [
        'lpg: sub/main.tf: not fixed: not written: cannot create a file in folder sub: permission denied',
        'lpg: incomplete: some files could not be read or written (exit code 3)',
      ]);
      assert.strictEqual(fs.readFileSync(path.join(d, 'sub/main.tf'), 'utf8'), BROAD);
      assert.deepStrictEqual(fs.readdirSync(path.join(d, 'sub')), ['main.tf']);
      assert.ok(r.stdout.includes('1 finding (0 errors, 1 warning, 0 info) in 1 file (1 module).'), r.stdout);
      // the same folder writable: fixed, exit 0
      fs.chmodSync(path.join(d, 'sub'), 0o777);
      const ok = lpg(['scan', 'sub', '--fix'], { cwd: d, user: true });
      assert.strictEqual(ok.code, 0, ok.stderr);
      assert.strictEqual(fs.readFileSync(path.join(d, 'sub/main.tf'), 'utf8'), BROAD_FIXED);
    });

    it('an immutable file (chattr +i): the write fails, exit 3', function () {
      const d = tempDir({ 'main.tf': BROAD });
      const f = path.join(d, 'main.tf');
      const c = spawnSync('chattr', ['+i', f]);
      if (c.status !== 0) { console.log(`      skipped: chattr +i is not possible here (${(c.stderr || '').toString().trim()})`); this.skip(); }
      try {
        const r = lpg(['scan', d, '--fix', '--format', 'json']);
        assert.strictEqual(r.code, 3, r.stderr);
        assert.deepStrictEqual(json(r).errors, [{ file: 'main.tf', message: 'not fixed: not written: operation not permitted' }]);
        assert.strictEqual(json(r).summary.fixed, 0);
      } finally { spawnSync('chattr', ['-i', f]); }
      assert.strictEqual(fs.readFileSync(f, 'utf8'), BROAD);
    });

    it('a full disk (ENOSPC while the temporary file is written): not fixed, no temporary file left, exit 3', () => {
      const d = tempDir({ 'main.tf': BROAD, 'other.tf': BROAD.replace('"b"', '"o"') });
      const r = lpg(['scan', d, '--fix', '--format', 'json'], { env: { LPG_FAULT_ENOSPC: 'main.tf' } });
      assert.strictEqual(r.code, 3, r.stderr);
      const j = json(r);
      assert.deepStrictEqual(j.errors, [{ file: 'main.tf', message: 'not fixed: not written: no space left on device' }]);
      assert.deepStrictEqual(j.findings.map((f) => `${f.file} ${f.ruleId}`), ['main.tf broad-permission-action']);
      assert.strictEqual(j.summary.fixed, 1);
      assert.strictEqual(fs.readFileSync(path.join(d, 'main.tf'), 'utf8'), BROAD);
      assert.deepStrictEqual(fs.readdirSync(d).sort(), ['main.tf', 'other.tf']);
    });

    it('a file changed on disk after it was read: refused, its findings are those of the file as it is', async () => {
      const d = tempDir({ 'main.tf': BROAD, 'other.tf': BROAD.replace('"b"', '"o"') });
      let touched = false;
      const r = await scan(d, {
        fix: 'write',
        // called while the module is fixed, before the write: another program edits main.tf meanwhile
        checkSyntax: async () => { if (!touched) { touched = true; fs.appendFileSync(path.join(d, 'main.tf'), '# edited\n'); } return undefined; },
      });
      assert.deepStrictEqual(r.issues, [{ file: 'main.tf', message: 'not fixed: not written: the file changed on disk since it was read', incomplete: true }]);
      assert.deepStrictEqual(r.fixed!.applied.map((a) => a.file), ['other.tf']);
      assert.deepStrictEqual(r.findings.map((f) => `${f.file} ${f.ruleId}`), ['main.tf broad-permission-action']);
      assert.strictEqual(fs.readFileSync(path.join(d, 'main.tf'), 'utf8'), BROAD + '# edited\n');
      assert.strictEqual(fs.readFileSync(path.join(d, 'other.tf'), 'utf8'), BROAD_FIXED.replace('"b"', '"o"'));
    });
  });

  describe('--fix keeps what it does not own', () => {
    it('owner, group and mode are kept; a hard link stays one file with the fixed text', () => {
      const d = tempDir({ 'main.tf': BROAD, 'linked.tf': BROAD.replace('"b"', '"l"') });
      const f = path.join(d, 'main.tf');
      if (isRoot) fs.chownSync(f, 1234, 5678);
      fs.chmodSync(f, 0o640);
      fs.linkSync(path.join(d, 'linked.tf'), path.join(d, 'hardlink.txt'));
      const before = fs.statSync(f);
      const r = lpg(['scan', d, '--fix']);
      assert.strictEqual(r.code, 0, r.stderr);
      const after = fs.statSync(f);
      assert.deepStrictEqual([after.uid, after.gid, after.mode & 0o7777], [before.uid, before.gid, 0o640]);
      assert.strictEqual(fs.readFileSync(f, 'utf8'), BROAD_FIXED);
      const l = fs.statSync(path.join(d, 'linked.tf'));
      assert.strictEqual(l.nlink, 2);
      assert.strictEqual(l.ino, fs.statSync(path.join(d, 'hardlink.txt')).ino);
      assert.strictEqual(fs.readFileSync(path.join(d, 'hardlink.txt'), 'utf8'), BROAD_FIXED.replace('"b"', '"l"'));
      assert.deepStrictEqual(fs.readdirSync(d).sort(), ['hardlink.txt', 'linked.tf', 'main.tf']); // no temporary file left
    });

    it('writeTextAtomic refuses a read-only file, a path whose real file is outside the allowed root, and a FIFO', async () => {
      const d = tempDir({ 'a.tf': 'a = 1\n', 'ro.tf': 'a = 1\n' });
      const out = tempDir({ 'x.tf': 'a = 1\n' });
      fs.symlinkSync(path.join(out, 'x.tf'), path.join(d, 'link.tf'));
      fs.chmodSync(path.join(d, 'ro.tf'), 0o400);
      const raw = Buffer.from('a = 1\n');
      const inside = (real: string) => real.startsWith(fs.realpathSync(d) + path.sep);
      assert.strictEqual(await writeTextAtomic(path.join(d, 'ro.tf'), 'a = 2\n', false, raw), 'not written: the file is read-only');
      assert.strictEqual(await writeTextAtomic(path.join(d, 'link.tf'), 'a = 2\n', false, raw, { allowed: inside }), 'not written: symbolic link to outside the scanned root');
      assert.strictEqual(fs.readFileSync(path.join(out, 'x.tf'), 'utf8'), 'a = 1\n');
      spawnSync('mkfifo', [path.join(d, 'p.tf')]);
      assert.strictEqual(await writeTextAtomic(path.join(d, 'p.tf'), 'a = 2\n', false, raw), 'not written: a FIFO, not a regular file');
      assert.strictEqual(await writeTextAtomic(path.join(d, 'a.tf'), 'a = 2\n', false, raw, { allowed: inside }), undefined);
      assert.strictEqual(fs.readFileSync(path.join(d, 'a.tf'), 'utf8'), 'a = 2\n');
    });
  });

  describe('no corrupting fix', () => {
    it('a block written on one line gets the attribute inside, split over lines', async () => {
      const text = 'resource "aws_lambda_permission" "a" { principal = "s3.amazonaws.com" }\n';
      const r = await fixModule({ dir: '', files: [{ path: 'main.tf', text }] });
      assert.strictEqual(r.texts.get('main.tf'), 'resource "aws_lambda_permission" "a" {\n  principal      = "s3.amazonaws.com"\n  source_account = data.aws_caller_identity.current.account_id\n}\n\ndata "aws_caller_identity" "current" {}\n');
      assert.deepStrictEqual(r.applied.map((a) => a.ruleId), ['missing-source-account']);
      assert.deepStrictEqual(r.rejected, []);
      // `}` on the last attribute's line of a multi-line block
      const t2 = 'resource "aws_lambda_permission" "a" {\n  function_name = "f"\n  principal = "s3.amazonaws.com" }\n';
      const r2 = await fixModule({ dir: '', files: [{ path: 'main.tf', text: t2 }] });
      assert.strictEqual(r2.texts.get('main.tf'), 'resource "aws_lambda_permission" "a" {\n  function_name = "f"\n  principal      = "s3.amazonaws.com"\n  source_account = data.aws_caller_identity.current.account_id\n}\n\ndata "aws_caller_identity" "current" {}\n');
    });

    it('a fix whose result would set an attribute twice or break the syntax is dropped with a message; a fix is applied once', () => {
      const text = 'resource "aws_lambda_permission" "a" {\n  principal = "*"\n}\n';
      assert.strictEqual(fixedTextProblemOf('main.tf', text, text.replace('}', '  principal = "s3.amazonaws.com"\n}')), 'it would set attribute "principal" in resource "aws_lambda_permission" "a" twice');
      assert.strictEqual(fixedTextProblemOf('main.tf', text, text.replace('}\n', '}\n  x = 1 }\n')), 'it would leave a syntax error at 4:9 (syntax error)');
      assert.strictEqual(fixedTextProblemOf('p.json', '{"a": 1}', '{"a": 1,, }'), 'it would leave a JSON syntax error');
      // the server's fix-all with rules whose preferred fixes misbehave
      const rule = (id: string, newText: (t: string) => { start: number; end: number; newText: string }): Rule => ({
        meta: { ...allRules[0].meta, id },
        check(ctx) {
          const f = ctx.file('main.tf');
          if (!f.text.includes('principal')) return;
          ctx.report({ file: 'main.tf', span: { start: 0, end: 8 }, message: id, fixes: [{ title: 'fix ' + id, preferred: true, edits: [{ file: 'main.tf', ...newText(f.text) }] }] });
        },
      });
      const at = (t: string) => t.indexOf('}');
      const dup = rule('dup', (t) => ({ start: at(t), end: at(t), newText: '  principal = "x"\n' }));
      const stuck = rule('stuck', (t) => ({ start: at(t), end: at(t), newText: '  # lpg was here\n' }));
      const r = fixAll([makeSourceFile('main.tf', text)], 'main.tf', { ruleSet: [dup, stuck] });
      assert.deepStrictEqual(r.dropped, [
        { ruleId: 'dup', title: 'fix dup', reason: 'it would set attribute "principal" in resource "aws_lambda_permission" "a" twice' },
        { ruleId: 'stuck', title: 'fix stuck', reason: 'the finding is still there after the fix' },
      ]);
      // inserted once (before: 10 times, once per pass)
      assert.deepStrictEqual([...r.texts], [['main.tf', 'resource "aws_lambda_permission" "a" {\n  principal = "*"\n  # lpg was here\n}\n']]);
    });
  });

  describe('workspace confinement', () => {
    it('links to outside the root are listed as skipped and never read or printed; a linked folder inside is followed once', () => {
      const outside = tempDir({ 'secret.tf': BROAD.replace('"f"', '"SECRET-OUTSIDE"'), 'dir/main.tf': BROAD });
      const d = tempDir({ 'm/main.tf': S3, 'n/main.tf': BROAD.replace('"b"', '"n"') });
      fs.symlinkSync(path.join(outside, 'secret.tf'), path.join(d, 'm', 'outside.tf'));
      fs.symlinkSync(path.join(outside, 'dir'), path.join(d, 'm', 'outdir'));
      fs.symlinkSync(path.join(d, 'n'), path.join(d, 'linked'));
      const r = lpg(['scan', d]);
      assert.strictEqual(r.code, 0, r.stderr);
      assert.ok(!r.stdout.includes('SECRET-OUTSIDE') && !r.stderr.includes('SECRET-OUTSIDE'));
      const j = json(lpg(['scan', d, '--format', 'json']));
      assert.deepStrictEqual(j.errors, [
        { file: 'm/outdir', message: 'skipped: symbolic link to outside the scanned root (not followed)' },
        { file: 'm/outside.tf', message: 'skipped: symbolic link to outside the scanned root (not followed)' },
      ]);
      assert.deepStrictEqual(j.findings.map((f) => `${f.file} ${f.ruleId}`), ['linked/main.tf broad-permission-action', 'm/main.tf missing-source-account']);
      // --fix does not write through the link either
      const before = fs.readFileSync(path.join(outside, 'secret.tf'), 'utf8');
      lpg(['scan', d, '--fix']);
      assert.strictEqual(fs.readFileSync(path.join(outside, 'secret.tf'), 'utf8'), before);
      assert.strictEqual(fs.readFileSync(path.join(outside, 'dir/main.tf'), 'utf8'), BROAD);
    });
  });

  describe('no hang from repository content', () => {
    it('a FIFO, a socket and a device named like Terraform files are skipped with a message; a FIFO .lpg.json is ignored', async () => {
      const d = tempDir({ 'main.tf': BROAD });
      spawnSync('mkfifo', [path.join(d, 'fifo.tf')]);
      spawnSync('mkfifo', [path.join(d, '.lpg.json')]);
      const server = net.createServer();
      await new Promise<void>((res) => server.listen(path.join(d, 'sock.tf'), res));
      const dev = spawnSync('mknod', [path.join(d, 'zero.tf'), 'c', '1', '5']).status === 0;
      try {
        const r = lpg(['scan', d, '--format', 'json']);
        assert.strictEqual(r.code, 0, r.stderr);
        assert.strictEqual(r.stderr, 'lpg: .lpg.json: ignored: a FIFO, not a regular file\n');
        assert.deepStrictEqual(json(r).errors, [
          { file: 'fifo.tf', message: 'skipped: a FIFO, not a regular file' },
          { file: 'sock.tf', message: 'skipped: a socket, not a regular file' },
          ...(dev ? [{ file: 'zero.tf', message: 'skipped: a character device, not a regular file' }] : []),
        ]);
        assert.deepStrictEqual(json(r).findings.map((f) => f.file), ['main.tf']);
      } finally { server.close(); }
      // the type is checked on the open descriptor: a FIFO swapped in after the walk is not read
      assert.deepStrictEqual(readTextSync(path.join(d, 'fifo.tf'), 'fifo.tf'), { file: 'fifo.tf', message: 'skipped: a FIFO, not a regular file' });
    });

    it('globs are matched in time linear in the path; extended globs, too many globs and a huge configuration are refused with a clear limit', () => {
      // picomatch took 0.7 s for this glob on a 40-character path, and doubles per character
      const evil = '**/' + '*a'.repeat(12) + '*b';
      const d = tempDir({ ['a'.repeat(200) + '.tf']: BROAD, 'x.tf': BROAD.replace('"b"', '"x"'), '.lpg.json': JSON.stringify({ ignore: [evil, 'x.tf'] }) });
      const r = json(lpg(['scan', d, '--format', 'json']));
      assert.deepStrictEqual(r.findings.map((f) => f.file), ['a'.repeat(200) + '.tf']);
      const m = compileGlob(evil);
      assert.strictEqual(m('a'.repeat(100_000)), false);
      assert.strictEqual(m('x/' + 'a'.repeat(1000) + 'b'), true);

      const cfg = (c: unknown): Run => { fs.writeFileSync(path.join(d, '.lpg.json'), typeof c === 'string' ? c : JSON.stringify(c)); return lpg(['scan', d]); };
      let x = cfg({ ignore: ['+(a|b)/**'] });
      assert.strictEqual(x.code, 2);
      assert.strictEqual(x.stderr, `lpg: configuration error: ${path.join(d, '.lpg.json')}: ignore glob "+(a|b)/**" is invalid: extended glob "+(...)" is not supported (use {a,b} alternatives)\n`);
      x = cfg({ ignore: Array.from({ length: 1001 }, (_, i) => `g${i}`) });
      assert.strictEqual(x.stderr, `lpg: configuration error: ${path.join(d, '.lpg.json')}: "ignore" has 1001 globs: the limit is 1000\n`);
      x = cfg({ ignore: ['{a,b}{c,d}{e,f}{g,h}{i,j}{k,l}{m,n}{o,p}{q,r}'] });
      assert.match(x.stderr, /is invalid: more than 256 alternatives after expanding \{\.\.\.\}\n$/);
      x = cfg({ ignore: ['a'.repeat(GLOB_LIMITS.maxLength + 1)] });
      assert.match(x.stderr, /is invalid: longer than 1024 characters\n$/);
      x = cfg('{"ignore": [' + '"x",'.repeat(300_000) + '"x"]}');
      assert.strictEqual(x.code, 2);
      assert.strictEqual(x.stderr, `lpg: configuration error: ${path.join(d, '.lpg.json')}: 1.1 MB is over the 1 MB limit of a configuration file\n`);
    });

    it('the glob matcher keeps the documented semantics', () => {
      const m = ignoreMatcher(['legacy', '**/*.tftpl', 'gen/**', '!gen/keep.tf', 'a/{b,c}/*.tf', 'x[0-9].tf', 'y?.tf', '[!z]z.tf']);
      const t = (p: string) => m(p);
      assert.deepStrictEqual(['legacy/a/main.tf', 'q/r.tftpl', '.hidden/r.tftpl', 'gen/a.tf', 'gen/keep.tf', 'a/b/m.tf', 'a/c/m.tf', 'a/d/m.tf', 'x1.tf', 'xa.tf', 'y1.tf', 'yzz.tf', 'az.tf', 'zz.tf'].map(t),
        [true, true, true, true, false, true, true, false, true, false, true, false, true, false]);
      assert.throws(() => parseConfig('{"ignore": ["@(a)"]}'), /extended glob "@\(\.\.\.\)" is not supported/);
    });
  });

  describe('scale without crashing', () => {
    it('a module with 160,000 findings: no stack overflow (no spread of huge arrays into push)', async () => {
      const d = tempDir();
      for (const name of ['a.tf', 'b.tf']) {
        const parts: string[] = [];
        for (let i = 0; i < 40_000; i++) parts.push(`resource "aws_lambda_permission" "${name[0]}${i}" {\n  action = "*"\n  principal = "*"\n}\n`);
        fs.writeFileSync(path.join(d, name), parts.join(''));
      }
      const r = await scan(d);
      assert.deepStrictEqual(r.issues, []);
      assert.strictEqual(r.findings.length, 160_000);
      assert.deepStrictEqual([...new Set(r.findings.map((f) => f.ruleId))].sort(), ['broad-permission-action', 'public-invoke-principal']);
      const big: number[] = [];
      pushAll(big, new Array(500_000).fill(1));
      assert.strictEqual(big.length, 500_000);
    });

    it('--fix of 10,000 findings in one file finishes (no quadratic edit selection or application)', async () => {
      const parts: string[] = [];
      for (let i = 0; i < 10_000; i++) parts.push(`resource "aws_lambda_permission" "p${i}" {\n  action        = "lambda:*"\n  function_name = "f"\n  principal     = "sns.amazonaws.com"\n  source_arn    = "arn:aws:sns:eu-west-1:123456789012:t"\n}\n`);
      const text = parts.join('');
      const r = await fixModule({ dir: '', files: [{ path: 'main.tf', text }] });
      assert.strictEqual(r.applied.length, 10_000);
      assert.strictEqual(r.texts.get('main.tf'), text.split('"lambda:*"').join('"lambda:InvokeFunction"'));
      assert.deepStrictEqual(r.findings, []);
    });
  });

  describe('everything else found', () => {
    it('--fix-dry-run escapes control characters in the diff headers', () => {
      const evil = 'evil\x1b[31m\x07.tf';
      const d = tempDir({ [evil]: BROAD });
      const r = lpg(['scan', d, '--fix-dry-run']);
      assert.strictEqual(r.code, 0, r.stderr);
      const headers = r.stdout.split('\n').filter((l) => l.startsWith('--- ') || l.startsWith('+++ '));
      assert.deepStrictEqual(headers.map((h) => h.slice(h.lastIndexOf('/') + 1)), ['evil\\x1b[31m\\x07.tf', 'evil\\x1b[31m\\x07.tf']);
      assert.ok(!/[\x00-\x08\x0b-\x1f]/.test(r.stdout), JSON.stringify(r.stdout)); // eslint-disable-line no-control-regex
    });

    it('paths in messages are written as in findings; an unreadable file gives exit code 3', () => {
      const d = tempDir({ 'sub/dir/main.tf': BROAD, 'sub/dir/locked.tf': BROAD });
      const r = lpg(['scan', 'sub/dir'], { cwd: d, env: { LPG_FAULT_EACCES: 'locked.tf' } });
      assert.strictEqual(r.code, 3, r.stderr);
      assert.match(r.stdout, /^sub\/dir\/main\.tf:2:19 warning/m);
      assert.deepStrictEqual(r.stderr.split('\n').filter(Boolean), ['lpg: sub/dir/locked.tf: cannot read file: permission denied', 'lpg: incomplete: some files could not be read (exit code 3)']);
    });

    it('the CLI says when it fell back from HashiCorp\'s parser because its worker died', () => {
      const d = tempDir({ 'main.tf': BROAD, 'bad.tf': 'resource "aws_lambda_permission" "x" {\n  action = \n}\n' });
      const r = lpg(['scan', d, '--format', 'json'], { env: { LPG_FAULT_HCL2JSON_DIE: '1' } });
      assert.strictEqual(r.code, 1, r.stderr);
      assert.strictEqual(r.stderr, "lpg: bad.tf: HashiCorp's parser gave no answer (its worker stopped): its syntax was checked with tree-sitter only\n");
      assert.deepStrictEqual(json(r).findings.map((f) => `${f.file} ${f.ruleId}`), ['bad.tf parse-error', 'main.tf broad-permission-action']);
    });

    it('a parse-error range never ends inside a CRLF', () => {
      const base = 'resource "aws_lambda_permission" "a" {\r\n  action = "lambda:InvokeFunction"\r\n  principal = "s3.amazonaws.com"\r\n}\r\n';
      const policy = '{\r\n  "Statement": [\r\n    {"Effect": "Allow"\r\n  ]\r\n}\r\n';
      let checked = 0;
      for (const [name, t] of [['main.tf', base], ['p.json', policy]] as const) {
        for (let cut = 1; cut < t.length; cut++) {
          for (const text of [t.slice(0, cut), t.slice(0, cut) + '\r\n', t.slice(0, cut) + '{\r\n' + t.slice(cut)]) {
            const f = makeSourceFile(name, text);
            for (const x of analyzeModule([f]).filter((y) => y.ruleId === 'parse-error')) {
              checked++;
              for (const p of [x.range.start, x.range.end]) {
                const o = f.lines.offsetAt(p);
                assert.ok(!(text[o - 1] === '\r' && text[o] === '\n'), `${JSON.stringify(text)}: ${JSON.stringify(x.range)} ends inside a CRLF`);
              }
            }
          }
        }
      }
      assert.ok(checked > 100, `only ${checked} parse errors`);
    });

    it('the walk goes 300 folders deep (an explicit stack, no recursion)', async () => {
      const d = fs.mkdtempSync(path.join(os.tmpdir(), 'lpg-deep-'));
      const cur = path.join(d, ...Array.from({ length: 300 }, () => 'dddddddddd'));
      fs.mkdirSync(cur, { recursive: true });
      fs.writeFileSync(path.join(cur, 'main.tf'), BROAD);
      const w = await walk(d);
      assert.strictEqual(w.files.length, 1);
      assert.deepStrictEqual(w.issues, []);
    });
  });
});
