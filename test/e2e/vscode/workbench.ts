/** Playwright helpers for the VS Code workbench (code-server 4.100.3): selectors verified there (../shared/E2E.md). */
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { poll } from './codeServer';

/** Monaco renders spaces as U+00A0. */
export const norm = (s: string) => s.replace(/\u00a0/g, ' ');

export async function text(page: Page, selector: string): Promise<string> {
  const el = page.locator(selector).first();
  if ((await el.count()) === 0) return '';
  return norm(await el.innerText());
}

export async function count(page: Page, selector: string): Promise<number> {
  return page.locator(selector).count();
}

/** Quick Open (Ctrl+P) a workspace-relative path. */
export async function openFile(page: Page, rel: string): Promise<void> {
  await page.keyboard.press('Control+P');
  await page.locator('.quick-input-widget input').first().waitFor({ state: 'visible', timeout: 30_000 });
  await page.keyboard.type(rel);
  const dir = path.dirname(rel);
  const base = path.basename(rel);
  await poll(`quick open to list ${rel}`, async () => {
    const t = await text(page, '.quick-input-list .monaco-list-row.focused');
    return t.includes(base) && (dir === '.' || t.includes(dir));
  }, 30_000);
  await page.keyboard.press('Enter');
  await poll(`editor tab for ${rel}`, async () => (await text(page, '.tabs-container .tab.active')).includes(base), 30_000);
}

/** Runs a command palette entry by its full title. */
export async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('Control+Shift+P');
  await page.locator('.quick-input-widget input').first().waitFor({ state: 'visible', timeout: 30_000 });
  await page.keyboard.type(title);
  await poll(`command palette entry "${title}"`, async () => (await text(page, '.quick-input-list .monaco-list-row.focused')).includes(title), 30_000);
  await page.keyboard.press('Enter');
}

export async function problemsText(page: Page): Promise<string> {
  if ((await count(page, '.markers-panel')) === 0 || !(await page.locator('.markers-panel').first().isVisible())) {
    await page.keyboard.press('Control+Shift+M');
    await page.locator('.markers-panel').first().waitFor({ state: 'visible', timeout: 30_000 });
  }
  return text(page, '.markers-panel');
}

/**
 * Ctrl+. until the quick-fix menu lists `title` (a request sent while the server is still answering an
 * earlier change can come back empty: "No code actions available"). Bounded: 60 s.
 */
export async function openQuickFixMenu(page: Page, title: string): Promise<number> {
  let attempts = 0;
  await poll(`the quick-fix menu with "${title}"`, async () => {
    attempts++;
    await page.keyboard.press('Control+.');
    const shown = await poll('the menu', async () => (await text(page, '.action-widget')).includes(title), 5_000, 100).catch(() => false);
    if (!shown) await page.keyboard.press('Escape');
    return shown;
  }, 60_000, 500);
  if (attempts > 1) process.stderr.write(`      (quick-fix menu needed ${attempts} Ctrl+. presses)\n`);
  return attempts;
}

/** Focuses the active editor's text. */
export async function focusEditor(page: Page): Promise<void> {
  await page.locator('.editor-group-container.active .monaco-editor .view-lines').first().click({ position: { x: 5, y: 5 } });
}

/** "Developer: Inspect Editor Tokens and Scopes" at the cursor: the widget's text (TextMate scopes). */
export async function inspectScopes(page: Page): Promise<string> {
  await runCommand(page, 'Developer: Inspect Editor Tokens and Scopes');
  const t = await poll('the token inspector', async () => {
    const s = await text(page, '.token-inspect-widget');
    return s.includes('textmate scopes') ? s : '';
  }, 30_000);
  await page.keyboard.press('Escape');
  return t;
}
