/**
 * Headless Neovim and the wiring: CodeLens above the functions of a copy of examples/, running a lens
 * through the README's `lpg.showWiring` handler (a quickfix list of the triggers) and a hover.
 */
import * as assert from 'assert';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readmeSnippet } from '../readme';

const REPO = path.resolve(__dirname, '../../..');
const SCRIPT = path.join(__dirname, 'wiring.lua');
const LPG = [process.execPath, path.join(REPO, 'bin/lpg.js'), 'lsp', '--stdio'];

interface Result {
  error?: string; steps: string[];
  lenses?: { line: number; title: string; command: string }[];
  quickfix?: { title: string; items: { lnum: number; col: number; text: string }[] };
  hover?: string;
}

function run(root: string, file: string, line: number, hover: [number, number]): Promise<Result> {
  const out = path.join(root, '.nvim-result.json');
  const handler = path.join(root, '.lpg-show-wiring.lua');
  fs.writeFileSync(handler, readmeSnippet('The wiring: `:lua vim.lsp.codelens.refresh()`', 'lua'));
  return new Promise((resolve, reject) => {
    const p = spawn('nvim', ['--headless', '-u', 'NONE', '-i', 'NONE', '-n', '-c', `luafile ${SCRIPT}`], {
      cwd: root,
      env: { ...process.env, LPG_CMD: JSON.stringify(LPG), LPG_FILE: path.join(root, file), LPG_ROOT: root, LPG_OUT: out, LPG_HANDLER: handler, LPG_LINE: String(line), LPG_HOVER: hover.join(',') },
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
      resolve(JSON.parse(fs.readFileSync(out, 'utf8')) as Result);
    });
  });
}

describe('e2e: Neovim and the wiring (CodeLens, hover)', function () {
  before(function () {
    assert.ok(fs.existsSync(path.join(REPO, 'dist/server.js')) && fs.existsSync(path.join(REPO, 'dist/cli.js')), 'run npm run build first');
  });

  it('lenses above the functions of examples/lambda.tf; running the report function\'s lens lists its trigger; a hover names the outage', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lpg-nvim-wiring-'));
    fs.cpSync(path.join(REPO, 'examples'), root, { recursive: true });
    const r = await run(root, 'lambda.tf', 31, [75, 12]);
    assert.strictEqual(r.error ?? null, null, JSON.stringify(r));
    assert.deepStrictEqual(r.steps, ['diagnostics', 'lenses', 'ran', 'hover']);
    assert.deepStrictEqual(r.lenses, [
      { line: 14, title: '1 trigger · all permitted', command: 'lpg.showWiring' },
      { line: 22, title: '1 trigger · 1 cannot invoke', command: 'lpg.showWiring' },
      { line: 30, title: '1 trigger · 1 cannot invoke', command: 'lpg.showWiring' },
      { line: 38, title: 'no triggers in this folder', command: '' },
    ]);
    assert.deepStrictEqual(r.quickfix, { title: '1 trigger · 1 cannot invoke', items: [
      { lnum: 76, col: 10, text: 'EventBridge rule aws_cloudwatch_event_rule.nightly: cannot-invoke (no aws_lambda_permission grants events.amazonaws.com)' },
    ] });
    assert.strictEqual(r.hover, '**EventBridge rule** `aws_cloudwatch_event_rule.nightly` → `aws_lambda_function.report`\n\n✗ **cannot invoke**: no aws_lambda_permission grants events.amazonaws.com (`missing-invoke-permission`); events matched by aws_cloudwatch_event_rule.nightly will not invoke the function');
    fs.rmSync(root, { recursive: true, force: true });
  });
});
