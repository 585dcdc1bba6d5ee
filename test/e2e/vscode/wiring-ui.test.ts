/**
 * The wiring as a user sees it in code-server (the packaged .vsix): CodeLens above the functions of
 * examples/lambda.tf, its quick pick, the "Lambda wiring" view in the Explorer and a hover on a
 * permission. Saves a screenshot of all three to test-results/vscode/wiring.png (and to
 * docs/images/wiring.png with LPG_UPDATE_SCREENSHOT=1).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { count, openFile, runCommand, text } from './workbench';
import { type Browser, CodeServer, copyWorkspace, openBrowser, packageVsix, poll, REPO } from './codeServer';

describe('VS Code UI: Lambda wiring (CodeLens, quick pick, view, hover)', function () {
  this.timeout(10 * 60_000);
  let cs: CodeServer;
  let browser: Browser;
  let page: Page;
  let workspace: string;
  let failed: string | undefined;
  beforeEach(function () { if (failed) throw new Error(`an earlier step failed: ${failed}`); });
  afterEach(async function () {
    if (this.currentTest?.state !== 'failed' || failed) return;
    failed = this.currentTest.title;
    const shot = path.join(REPO, 'test-results/vscode/wiring-failure.png');
    fs.mkdirSync(path.dirname(shot), { recursive: true });
    await page?.screenshot({ path: shot }).catch(() => undefined);
    process.stderr.write(`      (screenshot of the failure: ${shot})\n`);
  });

  before(async () => {
    const vsix = packageVsix();
    workspace = copyWorkspace(path.join(REPO, 'examples'));
    cs = await CodeServer.start({ workspace, vsix, settings: { 'lpg.debounceMs': 150, 'editor.minimap.enabled': false, 'breadcrumbs.enabled': false } });
    browser = await openBrowser();
    page = browser.page;
    await page.setViewportSize({ width: 1440, height: 960 });
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

  it('CodeLens above each function of examples/lambda.tf', async () => {
    await openFile(page, 'lambda.tf');
    const t = await poll('the lenses', async () => {
      const s = await page.locator('.editor-group-container.active .codelens-decoration').allInnerTexts();
      return s.length >= 3 ? s.map((x) => x.replace(/\u00a0/g, ' ')) : undefined;
    });
    assert.deepEqual(t.slice(0, 3), ['1 trigger · all permitted', '1 trigger · 1 cannot invoke', '1 trigger · 1 cannot invoke']);
  });

  it('clicking a lens lists the function\'s triggers with their verdict; picking one opens the trigger', async () => {
    await page.locator('.editor-group-container.active .codelens-decoration a', { hasText: '1 trigger · 1 cannot invoke' }).nth(1).click();
    const row = await poll('the quick pick of the triggers', async () => {
      const s = await text(page, '.quick-input-widget');
      return s.includes('EventBridge rule: aws_cloudwatch_event_rule.nightly') ? s : '';
    });
    assert.match(row, /Triggers of aws_lambda_function\.report/);
    assert.match(row, /cannot invoke \(missing-invoke-permission\)/);
    await page.keyboard.press('Enter');
    // the trigger's function reference (lambda.tf line 76, `aws_lambda_function.report.arn`) is selected
    await poll('the trigger\'s function reference selected', async () => (await text(page, '.statusbar')).includes('Ln 76, Col 40 (30 selected)'));
  });

  it('the "Lambda wiring" view lists functions and triggers with their verdicts', async () => {
    // room for the view: the folder tree collapsed, the side bar wider
    await page.locator('.explorer-viewlet .pane-header', { hasText: 'workspace' }).first().click();
    await runCommand(page, 'Explorer: Focus on Lambda wiring View');
    const side = await page.locator('.part.sidebar').first().boundingBox();
    assert.ok(side);
    await page.mouse.move(side.x + side.width + 1, side.y + 200);
    await page.mouse.down();
    await page.mouse.move(side.x + side.width + 260, side.y + 200, { steps: 8 });
    await page.mouse.up();
    const view = '.pane:has(.pane-header[aria-label*="Lambda wiring"]) .monaco-list';
    const tree = await poll('the tree rows', async () => {
      const s = await text(page, view);
      return s.includes('EventBridge rule: aws_cloudwatch_event_rule.nightly') && s.includes('aws_lambda_function.webhook') ? s : '';
    });
    for (const s of ['aws_lambda_function.orders', '1 trigger · all permitted', 'API Gateway: POST /orders', 'permitted by aws_lambda_permission.api', 'API Gateway: GET /reports', 'cannot invoke: the source_arn of aws_lambda_permission.admin', 'no triggers in this folder']) assert.ok(tree.includes(s), `${s} in\n${tree}`);
  });

  it('a hover on a permission names the trigger it lets in; screenshot of lens, view and hover', async () => {
    await page.keyboard.press('Control+1'); // focus the editor (a click would land on the sash overlay)
    await page.keyboard.press('Control+Home');
    for (let i = 0; i < 12; i++) await page.keyboard.press('Control+ArrowDown');
    await page.keyboard.press('Control+G');
    await page.keyboard.type('50:12');
    await page.keyboard.press('Enter');
    await runCommand(page, 'Show or Focus Hover');
    const shown = page.locator('.monaco-hover', { hasText: 'Lets in' });
    await poll('the hover', async () => (await shown.count()) > 0);
    const hover = (await shown.first().innerText()).replace(/\u00a0/g, ' ').replace(/\s+/g, ' ');
    assert.match(hover, /aws_lambda_permission\.api/);
    assert.match(hover, /API Gateway POST \/orders \(aws_api_gateway_integration\.post_orders\) → aws_lambda_function\.orders/);
    const shot = path.join(REPO, 'test-results/vscode/wiring.png');
    fs.mkdirSync(path.dirname(shot), { recursive: true });
    await page.screenshot({ path: shot });
    if (process.env.LPG_UPDATE_SCREENSHOT === '1') {
      fs.mkdirSync(path.join(REPO, 'docs/images'), { recursive: true });
      fs.copyFileSync(shot, path.join(REPO, 'docs/images/wiring.png'));
    }
  });
});
