/**
 * The extension as a user sees it: the packaged .vsix installed into code-server 4.100.3 (real VS Code
 * workbench) and driven through headless Chromium. Squiggle, Problems panel, Ctrl+. quick fix with
 * Enter, the file on disk, "Scan Workspace" from the command palette, a rule turned off in the settings.
 * A screenshot of the squiggle with the quick-fix menu open goes to test-results/vscode/squiggle.png
 * (and to docs/images/squiggle.png with LPG_UPDATE_SCREENSHOT=1).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { count, focusEditor, inspectScopes, openFile, openQuickFixMenu, problemsText, runCommand, text } from './workbench';
import { type Browser, CodeServer, copyWorkspace, EXTENSION_ID, openBrowser, packageVsix, poll, REPO } from './codeServer';
import { preferredFix } from './expected';

describe('VS Code UI (code-server 4.100.3 + headless Chromium, extension installed from the .vsix)', function () {
  this.timeout(10 * 60_000);
  let cs: CodeServer;
  // Each step builds on the one before: after a failure the remaining steps fail at once (not after their waits).
  let failed: string | undefined;
  beforeEach(function () { if (failed) throw new Error(`an earlier step failed: ${failed}`); });
  afterEach(async function () {
    if (this.currentTest?.state !== 'failed' || failed) return;
    failed = this.currentTest.title;
    const shot = path.join(REPO, 'test-results/vscode/failure.png');
    fs.mkdirSync(path.dirname(shot), { recursive: true });
    await page?.screenshot({ path: shot }).catch(() => undefined);
    process.stderr.write(`      (screenshot of the failure: ${shot})\n`);
  });
  let browser: Browser;
  let page: Page;
  let workspace: string;

  before(async () => {
    const vsix = packageVsix();
    const size = fs.statSync(vsix).size;
    assert.ok(size < 5 * 1024 * 1024, `the .vsix is small (${size} bytes)`);
    workspace = copyWorkspace();
    // the project's examples/ beside the small fixture folders
    fs.cpSync(path.join(REPO, 'examples'), path.join(workspace, 'examples'), { recursive: true });
    cs = await CodeServer.start({ workspace, vsix, settings: { 'lpg.debounceMs': 150 } });
    assert.equal(fs.readdirSync(cs.extensionsDir).filter((d) => d.startsWith(`${EXTENSION_ID}-`)).length, 1, 'the .vsix is installed');
    browser = await openBrowser();
    page = browser.page;
    await page.goto(cs.workbenchUrl());
    await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
    await poll('the explorer to list the workspace', async () => (await count(page, '.explorer-folders-view .monaco-list-row')) >= 4);
  });

  after(async () => {
    await browser?.close();
    await cs?.stop();
    cs?.cleanup();
    if (workspace) fs.rmSync(path.dirname(workspace), { recursive: true, force: true });
  });

  it('shows the missing-source-arn squiggle and lists the finding with its rule id in Problems', async () => {
    await openFile(page, 'api/permission.tf');
    const squiggle = '.editor-group-container.active .monaco-editor .squiggly-warning';
    await poll('a warning squiggle', async () => (await count(page, squiggle)) > 0);
    // highlighted by the extension's fallback grammar (no other Terraform extension is installed here)
    await focusEditor(page);
    await page.keyboard.press('Control+G');
    await page.keyboard.type('2:3');
    await page.keyboard.press('Enter');
    const scopes = await inspectScopes(page);
    assert.match(scopes, /storage\.type\.block\.terraform/);
    assert.match(scopes, /source\.terraform\.lpg/);
    const problems = await poll('the finding in the Problems panel', async () => {
      const t = await problemsText(page);
      return t.includes('missing-source-arn') ? t : '';
    });
    assert.match(problems, /permission\.tf/);
    assert.match(problems, /lpg\(missing-source-arn\)|missing-source-arn/);
    assert.match(problems, /\[Ln 6, Col 19\]/);
  });

  it('Ctrl+. shows the source_arn fix, Enter applies it, the file on disk has the fixed text and the squiggle is gone', async () => {
    assert.ok((await count(page, '.editor-group-container.active .monaco-editor .squiggly-warning')) > 0, 'the squiggle is there before the fix');
    await focusEditor(page);
    // cursor onto the principal value (line 6, column 20)
    await page.keyboard.press('Control+G');
    await page.keyboard.type('6:20');
    await page.keyboard.press('Enter');
    const menu = '.action-widget';
    const fixTitle = 'Add source_arn (apigateway ARN format)';
    await openQuickFixMenu(page, fixTitle);

    // Screenshot: the squiggle with the quick-fix menu open (editor area only, small PNG).
    const editorBox = await page.locator('.editor-group-container.active').first().boundingBox();
    const menuBox = await page.locator(menu).first().boundingBox();
    assert.ok(editorBox && menuBox);
    const clip = {
      x: editorBox.x, y: editorBox.y,
      width: Math.min(editorBox.width, Math.max(760, menuBox.x + menuBox.width - editorBox.x + 20)),
      height: Math.min(editorBox.height, menuBox.y + menuBox.height - editorBox.y + 20),
    };
    const shot = path.join(REPO, 'test-results/vscode/squiggle.png');
    fs.mkdirSync(path.dirname(shot), { recursive: true });
    await page.screenshot({ path: shot, clip });
    if (process.env.LPG_UPDATE_SCREENSHOT === '1') {
      fs.mkdirSync(path.join(REPO, 'docs/images'), { recursive: true });
      fs.copyFileSync(shot, path.join(REPO, 'docs/images/squiggle.png'));
    }

    // Move the highlight onto the fix (a mouse click is blocked by an overlay), then Enter.
    const focused = `${menu} .monaco-list-row.focused`;
    for (let i = 0; i < 10 && !(await text(page, focused)).includes(fixTitle); i++) await page.keyboard.press('ArrowDown');
    assert.ok((await text(page, focused)).includes(fixTitle), `focused: ${await text(page, focused)}`);
    await page.keyboard.press('Enter');

    const expected = [
      '# Lets API Gateway call the orders function, but from any API in any account.',
      'resource "aws_lambda_permission" "api" {',
      '  statement_id  = "AllowAPIGatewayInvoke"',
      '  action        = "lambda:InvokeFunction"',
      '  function_name = "orders"',
      '  principal     = "apigateway.amazonaws.com"',
      '  source_arn    = "arn:aws:execute-api:region:account:api-id/*/*"',
      '}',
      '',
    ].join('\n');
    const onDisk = path.join(workspace, 'api/permission.tf');
    await poll('the fixed line in the editor', async () => (await text(page, '.editor-group-container.active .view-lines')).includes('source_arn    = "arn:aws:execute-api:region:account:api-id/*/*"'));
    if (fs.readFileSync(onDisk, 'utf8') !== expected) await page.keyboard.press('Control+S');
    await poll('the fixed file on disk', () => fs.readFileSync(onDisk, 'utf8') === expected, 30_000);
    assert.equal(fs.readFileSync(onDisk, 'utf8'), expected);
    await poll('the squiggle to go away', async () => (await count(page, '.editor-group-container.active .monaco-editor .squiggly-warning')) === 0);
    await poll('the finding to leave the Problems panel', async () => !(await problemsText(page)).includes('missing-source-arn'));
  });

  it('examples/: the missing-invoke-permission squiggle; Ctrl+. + Enter inserts the permission block on disk', async () => {
    const dir = path.join(workspace, 'examples');
    const { finding, fix, text: expected } = await preferredFix(dir, 'lambda.tf', 'missing-invoke-permission');
    const onDisk = path.join(dir, 'lambda.tf');
    assert.notEqual(fs.readFileSync(onDisk, 'utf8'), expected);
    await openFile(page, 'examples/lambda.tf');
    await poll('missing-invoke-permission in the Problems panel', async () => (await problemsText(page)).includes('missing-invoke-permission'));
    // squiggles are rendered for visible lines only: go to the finding first
    await focusEditor(page);
    await page.keyboard.press('Control+G');
    await page.keyboard.type(`${finding.range.start.line + 1}:${finding.range.start.character + 2}`);
    await page.keyboard.press('Enter');
    await poll('an error squiggle', async () => (await count(page, '.editor-group-container.active .monaco-editor .squiggly-error')) > 0);
    const menu = '.action-widget';
    await openQuickFixMenu(page, fix.title);
    const focused = `${menu} .monaco-list-row.focused`;
    for (let i = 0; i < 10 && !(await text(page, focused)).includes(fix.title); i++) await page.keyboard.press('ArrowDown');
    assert.ok((await text(page, focused)).includes(fix.title), `focused: ${await text(page, focused)}`);
    await page.keyboard.press('Enter');
    // applying the fix either saves the file or leaves the editor dirty: then save it
    await poll('the fix to be applied', async () => fs.readFileSync(onDisk, 'utf8') === expected
      || (await count(page, '.tabs-container .tab.active.dirty')) > 0, 30_000);
    if (fs.readFileSync(onDisk, 'utf8') !== expected) await page.keyboard.press('Control+S');
    await poll('the fixed examples/lambda.tf on disk', () => fs.readFileSync(onDisk, 'utf8') === expected, 30_000);
    await poll('missing-invoke-permission to leave the Problems panel', async () => !(await problemsText(page)).includes('missing-invoke-permission'));
  });

  it('"Lambda Permission Guard: Scan Workspace" fills Problems with findings of unopened files', async () => {
    const before = await problemsText(page);
    assert.ok(!before.includes('public.tf') && !before.includes('resource-policy.json'), before);
    await runCommand(page, 'Lambda Permission Guard: Scan Workspace');
    // room for every finding (the Problems list renders the visible rows only)
    await runCommand(page, 'View: Toggle Maximized Panel');
    const problems = await poll('scan findings in the Problems panel', async () => {
      const t = await problemsText(page);
      return t.includes('public.tf') && t.includes('resource-policy.json') ? t : '';
    });
    assert.match(problems, /public-invoke-principal/);
    assert.match(problems, /broad-permission-action/);
    // the unopened files really are unopened
    const tabs = await text(page, '.tabs-container');
    assert.ok(!tabs.includes('public.tf'), tabs);
  });

  it('turning a rule off in the settings removes its diagnostics', async () => {
    fs.mkdirSync(path.join(workspace, '.vscode'), { recursive: true });
    fs.writeFileSync(path.join(workspace, '.vscode/settings.json'), JSON.stringify({ 'lpg.rules': { 'public-invoke-principal': 'off' } }, null, 2));
    await poll('public-invoke-principal to leave the Problems panel', async () => !(await problemsText(page)).includes('public-invoke-principal'));
    assert.ok((await problemsText(page)).includes('broad-permission-action'), 'other rules are still reported');
  });
});
