/**
 * Next to HashiCorp's Terraform extension: a stand-in `hashicorp.terraform` (same extension id, language id
 * `terraform` and grammar scope `source.hcl.terraform` as the real one, which cannot be downloaded here)
 * is installed beside the packaged extension. VS Code must colour .tf files with HashiCorp's grammar,
 * not with the fallback grammar of this extension, and the findings must still appear.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { type Browser, CodeServer, copyWorkspace, openBrowser, packageVsix, poll, tempDir } from './codeServer';
import { count, focusEditor, inspectScopes, openFile, problemsText } from './workbench';

/** Packages the stand-in HashiCorp extension (grammar only) with vsce, offline. */
function hashicorpStandIn(): string {
  const dir = path.join(tempDir('hashicorp'), 'terraform');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({
    name: 'terraform', publisher: 'hashicorp', displayName: 'Stand-in for HashiCorp Terraform (grammar only)', version: '2.34.5',
    license: 'MIT', repository: { type: 'git', url: 'https://example.invalid/stand-in.git' }, engines: { vscode: '^1.100.0' },
    contributes: {
      languages: [{ id: 'terraform', aliases: ['Terraform', 'terraform'], extensions: ['.tf'] }],
      grammars: [{ language: 'terraform', scopeName: 'source.hcl.terraform', path: './terraform.tmGrammar.json' }],
    },
  }, null, 2));
  fs.writeFileSync(path.join(dir, 'terraform.tmGrammar.json'), JSON.stringify({
    scopeName: 'source.hcl.terraform',
    patterns: [
      { match: '#.*$', name: 'comment.line.hashicorp-standin' },
      { match: '"[^"]*"', name: 'string.quoted.hashicorp-standin' },
      { match: '\\b[A-Za-z_][A-Za-z0-9_-]*\\b', name: 'variable.other.hashicorp-standin' },
    ],
  }, null, 2));
  fs.writeFileSync(path.join(dir, 'README.md'), '# Stand-in\n\nA grammar with the scope name of HashiCorp\'s, for a test.\n');
  fs.writeFileSync(path.join(dir, 'LICENSE'), 'MIT\n');
  const out = path.join(path.dirname(dir), 'hashicorp.terraform.vsix');
  const r = spawnSync(process.execPath, [require.resolve('@vscode/vsce/vsce'), 'package', '--no-dependencies', '--out', out], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`vsce package (stand-in) failed:\n${r.stdout}\n${r.stderr}`);
  return out;
}

describe('VS Code UI next to HashiCorp\'s Terraform extension (stand-in)', function () {
  this.timeout(10 * 60_000);
  let cs: CodeServer;
  let browser: Browser;
  let workspace: string;

  before(async () => {
    workspace = copyWorkspace();
    cs = await CodeServer.start({ workspace, vsix: [packageVsix(), hashicorpStandIn()] });
    browser = await openBrowser();
    await browser.page.goto(cs.workbenchUrl());
    await browser.page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
  });

  after(async () => {
    await browser?.close();
    await cs?.stop();
    cs?.cleanup();
    if (workspace) fs.rmSync(path.dirname(workspace), { recursive: true, force: true });
  });

  it('colours .tf files with HashiCorp\'s grammar and still shows the findings', async () => {
    const page = browser.page;
    const installed = fs.readdirSync(cs.extensionsDir).filter((d) => !d.endsWith('.json')).map((d) => d.replace(/-\d.*$/, '')).sort();
    assert.equal(installed.length, 2, installed.join(', '));
    assert.ok(installed.includes('hashicorp.terraform') && installed.some((d) => d.endsWith('.lambda-permission-guard')), installed.join(', '));
    await openFile(page, 'api/permission.tf');
    await poll('a warning squiggle', async () => (await count(page, '.editor-group-container.active .monaco-editor .squiggly-warning')) > 0);
    assert.ok((await problemsText(page)).includes('missing-source-arn'));
    await focusEditor(page);
    await page.keyboard.press('Control+G');
    await page.keyboard.type('2:3');
    await page.keyboard.press('Enter');
    const scopes = await inspectScopes(page);
    assert.match(scopes, /source\.hcl\.terraform/);
    assert.match(scopes, /variable\.other\.hashicorp-standin/);
    assert.doesNotMatch(scopes, /source\.terraform\.lpg/);
  });
});
