/**
 * Emacs 28 + eglot 1.9 (Debian's emacs-nox and elpa-eglot, installed by .ci/run) with the README's
 * init snippet, read from README.md, against the `lpg` that `npm install -g` of the packed tarball
 * put on the PATH: opening a .tf file starts `lpg lsp --stdio` and shows its finding in Flymake.
 */
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { installGlobally } from '../../unit/cli/install';
import { readmeSnippet } from '../readme';

const DRIVER = path.join(__dirname, 'emacs-driver.el');
const LAMBDA = 'resource "aws_lambda_function" "f" {\n  function_name = "orders"\n  role          = "arn:aws:iam::123456789012:role/r"\n  handler       = "index.handler"\n  runtime       = "nodejs20.x"\n  filename      = "f.zip"\n}\n';
const API = 'resource "aws_api_gateway_rest_api" "api" {\n  name = "api"\n}\n\nresource "aws_api_gateway_integration" "int" {\n  rest_api_id             = aws_api_gateway_rest_api.api.id\n  resource_id             = "r"\n  http_method             = "GET"\n  integration_http_method = "POST"\n  type                    = "AWS_PROXY"\n  uri                     = aws_lambda_function.f.invoke_arn\n}\n';

describe('e2e: Emacs + eglot with the README snippet against the installed lpg', function () {
  this.timeout(180_000);

  it('opens a .tf file in terraform-mode, eglot starts `lpg lsp --stdio` from the PATH, Flymake shows the finding', () => {
    const v = spawnSync('emacs', ['--version'], { encoding: 'utf8' });
    assert.strictEqual(v.status, 0, 'emacs is not installed (Debian emacs-nox + elpa-eglot; .ci/run installs them)');
    const inst = installGlobally();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lpg-emacs-'));
    const init = path.join(dir, 'init.el');
    fs.writeFileSync(init, readmeSnippet('**Emacs**', 'elisp'));
    const ws = path.join(dir, 'ws');
    fs.mkdirSync(ws);
    fs.writeFileSync(path.join(ws, 'lambda.tf'), LAMBDA);
    fs.writeFileSync(path.join(ws, 'api.tf'), API);
    const out = path.join(dir, 'result.json');
    // -q, not -Q: Debian's site-start puts the elpa packages (eglot) on the load path.
    const r = spawnSync('emacs', ['--batch', '-q', '-l', init, '-l', DRIVER], {
      cwd: ws, encoding: 'utf8', timeout: 120_000,
      env: { ...inst.env, HOME: dir, LPG_FILE: path.join(ws, 'api.tf'), LPG_OUT: out },
    });
    assert.ok(fs.existsSync(out), `emacs wrote no result (exit ${r.status}): ${r.stdout}${r.stderr}`);
    const res = JSON.parse(fs.readFileSync(out, 'utf8')) as { error?: string; mode: string; command: string[]; diagnostics: { line: number; column: number; type: string; text: string }[] };
    assert.strictEqual(res.error, undefined, r.stderr);
    assert.strictEqual(res.mode, 'terraform-mode');
    assert.deepStrictEqual(res.command, ['lpg', 'lsp', '--stdio']);
    assert.strictEqual(res.diagnostics.length, 1, JSON.stringify(res));
    const d = res.diagnostics[0];
    assert.deepStrictEqual([d.line, d.column, d.type], [11, 28, 'eglot-error']);
    assert.match(d.text, /^lpg( \[missing-invoke-permission\])?: No permission lets API Gateway aws_api_gateway_rest_api\.api invoke (aws_lambda_function\.f|\S+): /);
  });
});
