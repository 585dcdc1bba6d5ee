/**
 * The pre-commit hook (.pre-commit-hooks.yaml, language: node) installed and run by the real
 * pre-commit (Debian's `pre-commit`, installed by .ci/run) with `pre-commit try-repo` on a fixture
 * repository's staged files. pre-commit installs the hook as it would from GitHub: a clone of this
 * repository, `npm install` (which builds dist/), `npm pack`, `npm install -g` of the tarball into
 * its own environment. npm prefers its cache (`npm_config_prefer_offline`): packages come from the
 * cache that `npm ci` filled, and only metadata the cache lacks (npm ci stores tarballs, not always
 * every package's metadata) is asked of the npm registry, so a fresh machine does not fail with ENOTCACHED.
 */
import * as assert from 'assert';
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '../../..');

function git(cwd: string, ...args: string[]): void {
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', ...args], { cwd, stdio: 'pipe' });
}

describe('pre-commit: pre-commit try-repo runs the lpg hook on the staged files', function () {
  let home: string;
  before(function () {
    const v = spawnSync('pre-commit', ['--version'], { encoding: 'utf8' });
    assert.strictEqual(v.status, 0, 'pre-commit is not installed (Debian package pre-commit; .ci/run installs it)');
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'lpg-pre-commit-home-'));
  });

  function tryRepo(repo: string): { code: number; out: string } {
    const r = spawnSync('pre-commit', ['try-repo', ROOT, 'lpg'], {
      cwd: repo, encoding: 'utf8', timeout: 280_000,
      env: { ...process.env, PRE_COMMIT_HOME: home, npm_config_prefer_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false' },
    });
    if (r.error) throw r.error;
    return { code: r.status ?? -1, out: r.stdout + r.stderr };
  }

  it('fails the commit on the staged files\' findings, each file checked with its folder; passes a clean one', () => {
    const repo = fs.mkdtempSync(path.join(os.tmpdir(), 'lpg-pre-commit-repo-'));
    git(repo, 'init', '-q', '-b', 'main');
    fs.cpSync(path.join(ROOT, 'examples'), path.join(repo, 'infra'), { recursive: true });
    fs.writeFileSync(path.join(repo, 'package.json'), '{"name": "app"}\n');
    fs.writeFileSync(path.join(repo, 'README.md'), 'hi\n');
    // Staged: lambda.tf (its findings need api.tf and iam.tf of the folder, unstaged), a non-policy JSON, a README.
    git(repo, 'add', 'infra/lambda.tf', 'package.json', 'README.md');
    const bad = tryRepo(repo);
    assert.strictEqual(bad.code, 1, bad.out);
    assert.match(bad.out, /Lambda Permission Guard\.+Failed/);
    assert.match(bad.out, /- hook id: lpg\n- exit code: 1/);
    const findings = bad.out.split('\n').filter((l) => /^\S+:\d+:\d+ (error|warning|info) /.test(l));
    // Only lambda.tf is reported; its EventBridge finding needs the rule in the same file and the function, the wiring of the folder.
    assert.deepStrictEqual(findings.map((l) => l.replace(/ .*\[/, ' [')), [
      'infra/lambda.tf:54:19 [missing-source-arn]',
      'infra/lambda.tf:61:19 [broad-permission-action]',
      'infra/lambda.tf:63:19 [public-invoke-principal]',
      'infra/lambda.tf:76:10 [missing-invoke-permission]',
      'infra/lambda.tf:84:1 [function-url-missing-invoke-function]',
    ]);
    // package.json is read but is not a policy: it is not counted as a checked file, and its folder is no module
    assert.match(bad.out, /5 findings \(3 errors, 2 warnings, 0 info\) in 4 files \(1 module\)\./);

    // A clean change: the hook passes (the package.json alone would be "nothing to check": --allow-empty).
    git(repo, 'rm', '-q', '--cached', 'infra/lambda.tf');
    fs.mkdirSync(path.join(repo, 'svc'));
    fs.writeFileSync(path.join(repo, 'svc', 'main.tf'), 'resource "aws_lambda_function" "f" {\n  function_name = "f"\n  role          = "arn:aws:iam::123456789012:role/r"\n}\n');
    git(repo, 'add', 'svc/main.tf');
    const good = tryRepo(repo);
    assert.strictEqual(good.code, 0, good.out);
    assert.match(good.out, /Lambda Permission Guard\.+Passed/);
  });
});
