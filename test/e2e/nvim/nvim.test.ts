/**
 * A second real editor: headless Neovim with the README's init.lua snippet (read from README.md)
 * runs the `lpg` that `npm install -g` of the packed tarball put on the PATH (`lpg lsp --stdio`),
 * receives the diagnostic, requests the code action, applies it and writes the file.
 * Needs `nvim` (Debian `neovim`, installed by .ci/run) and a build (`npm run build`).
 */
import * as assert from 'assert';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { installGlobally, type Installed } from '../../unit/cli/install';
import { readmeSnippet } from '../readme';

const SCRIPT = path.join(__dirname, 'run.lua');

const LAMBDA = `resource "aws_lambda_function" "f" {\n  function_name = "orders"\n  role          = "arn:aws:iam::123456789012:role/r"\n  handler       = "index.handler"\n  runtime       = "nodejs20.x"\n  filename      = "f.zip"\n}\n`;
const API = `resource "aws_api_gateway_rest_api" "api" {\n  name = "api"\n}\n\nresource "aws_api_gateway_integration" "int" {\n  rest_api_id             = aws_api_gateway_rest_api.api.id\n  resource_id             = "r"\n  http_method             = "GET"\n  integration_http_method = "POST"\n  type                    = "AWS_PROXY"\n  uri                     = aws_lambda_function.f.invoke_arn\n}\n`;
const PERM = `resource "aws_lambda_permission" "api" {\n  statement_id  = "AllowAPI"\n  action        = "lambda:InvokeFunction"\n  function_name = aws_lambda_function.f.function_name\n  principal     = "apigateway.amazonaws.com"\n}\n`;

interface NvimResult {
  error?: string;
  steps: string[];
  client?: { name: string; cmd: string[]; root_dir: string };
  diagnostics?: { lnum: number; col: number; end_lnum: number; end_col: number; severity: number; message: string; source: string; code: string }[];
  actions?: { title: string; kind: string; isPreferred?: boolean }[];
  after?: number;
}

function workspace(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lpg-nvim-'));
  for (const [f, t] of Object.entries(files)) fs.writeFileSync(path.join(dir, f), t);
  return dir;
}

let inst: Installed;
let initLua: string;

function runNvim(root: string, file: string, action: string): Promise<NvimResult> {
  const out = path.join(root, '.nvim-result.json');
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...inst.env, LPG_FILE: path.join(root, file), LPG_ROOT: root, LPG_ACTION: action, LPG_OUT: out };
    delete env.LPG_CMD;
    const p = spawn('nvim', ['--headless', '-u', initLua, '-i', 'NONE', '-n', '-c', `luafile ${SCRIPT}`], {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    p.stdout.on('data', (d) => { log += d; });
    p.stderr.on('data', (d) => { log += d; });
    const timer = setTimeout(() => { p.kill('SIGKILL'); reject(new Error('nvim did not exit within 80 s: ' + log)); }, 80_000);
    p.on('error', (e) => { clearTimeout(timer); reject(e); });
    p.on('exit', () => {
      clearTimeout(timer);
      if (!fs.existsSync(out)) return reject(new Error('nvim wrote no result: ' + log));
      resolve(JSON.parse(fs.readFileSync(out, 'utf8')) as NvimResult);
    });
  });
}

describe('e2e: Neovim with the README snippet against the installed lpg (lpg lsp --stdio)', function () {
  before(function () {
    this.timeout(180_000);
    inst = installGlobally();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lpg-nvim-init-'));
    initLua = path.join(dir, 'init.lua');
    fs.writeFileSync(initLua, readmeSnippet('**Neovim**', 'lua'));
  });

  it('shows the missing permission, applies the preferred quick fix, writes the exact text', async () => {
    const root = workspace({ 'lambda.tf': LAMBDA, 'api.tf': API });
    const r = await runNvim(root, 'api.tf', 'title:Add aws_lambda_permission');
    assert.strictEqual(r.error ?? null, null, JSON.stringify(r));
    assert.deepStrictEqual(r.steps, ['attached', 'diagnostics', 'applied', 'written']);
    // The README's client: `lpg` found on the PATH (the global install), the file's folder as root.
    assert.deepStrictEqual(r.client, { name: 'lpg', cmd: ['lpg', 'lsp', '--stdio'], root_dir: root });
    assert.strictEqual(r.diagnostics!.length, 1);
    const d = r.diagnostics![0];
    assert.deepStrictEqual([d.lnum, d.col, d.end_lnum, d.end_col, d.severity, d.source, d.code], [10, 28, 10, 60, 1, 'lpg', 'missing-invoke-permission']);
    assert.deepStrictEqual(r.actions!.map((a) => [a.title.replace(/ .*/, ''), a.kind, !!a.isPreferred]), [['Add', 'quickfix', true], ['Ignore', 'quickfix', false], ['Fix', 'source.fixAll.lpg', false]]);
    assert.strictEqual(r.after, 0);
    assert.strictEqual(fs.readFileSync(path.join(root, 'api.tf'), 'utf8'), API + '\nresource "aws_lambda_permission" "allow_apigateway_f" {\n  statement_id  = "AllowAPIGatewayInvoke"\n  action        = "lambda:InvokeFunction"\n  function_name = aws_lambda_function.f.function_name\n  principal     = "apigateway.amazonaws.com"\n  source_arn    = "${aws_api_gateway_rest_api.api.execution_arn}/*/*"\n}\n');
  });

  it('applies source.fixAll.lpg: every preferred fix of the file at once', async () => {
    const root = workspace({ 'lambda.tf': LAMBDA + '\n' + PERM.replace('"lambda:InvokeFunction"', '"lambda:*"'), 'api.tf': API });
    const r = await runNvim(root, 'lambda.tf', 'kind:source.fixAll.lpg');
    assert.strictEqual(r.error ?? null, null, JSON.stringify(r));
    assert.deepStrictEqual(r.diagnostics!.map((d) => d.code).sort(), ['broad-permission-action', 'missing-source-arn']);
    assert.deepStrictEqual(r.actions, [{ title: 'Fix all auto-fixable lpg problems', kind: 'source.fixAll.lpg' }]);
    assert.strictEqual(r.after, 0);
    assert.strictEqual(fs.readFileSync(path.join(root, 'lambda.tf'), 'utf8'), LAMBDA + '\n' + PERM.replace('"apigateway.amazonaws.com"\n', '"apigateway.amazonaws.com"\n  source_arn    = "${aws_api_gateway_rest_api.api.execution_arn}/*/*"\n'));
  });
});
