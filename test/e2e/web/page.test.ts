/**
 * The paste-and-fix page in a real browser (Debian's Chromium via playwright-core), built page
 * served by the `lpg web` static server. For each built-in example and two corpus files: paste (a
 * real paste event into CodeMirror), wait for the squiggles, compare the findings (file, line,
 * column, severity, message, rule) with `lpg scan --format json` on the same files, apply a quick
 * fix, run Fix all and compare the corrected text with what `lpg scan --fix` writes: identical.
 * Every request the page (and its worker) makes is recorded; any that is not one of the page's
 * own files fails the suite.
 *
 * Screenshots: LPG_WEB_SCREENSHOTS=1 writes docs/images/web-*.png (committed, shown in the README).
 */
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Page } from 'playwright-core';
import { openHarness, ownFiles, readFragment, shareFragment, waitReady, REPO, SQUIGGLE, type PageHarness } from './page';

const CORPUS = path.resolve(REPO, '../shared/corpus');
const PASTED = [
  // three API Gateway v2 permissions without source_arn: three preferred fixes
  { file: path.join(CORPUS, 'real/hashicorp__terraform-provider-aws/examples/api-gateway-websocket-chat-app/main.tf'), name: 'main.tf' },
  // an execution-role policy from the Lambda developer guide (CRLF line ends): lambda actions on every function
  { file: path.join(CORPUS, 'iam/awsdocs__aws-lambda-developer-guide/iam-policies/console-apigateway.json'), name: 'policy.json' },
  // a SAM template: a CloudFront origin access control grant of lambda:InvokeFunctionUrl alone (403 since October 2025)
  { file: path.join(CORPUS, 'cfn/aws-samples__serverless-patterns/cloudfront-lambdafunctionurl-oac-sam/template.yaml'), name: 'template.yaml' },
  // an `aws lambda get-policy` answer (the policy as a JSON string)
  { file: path.join(REPO, 'web/examples/get-policy.json'), name: 'get-policy.json' },
];
const EXAMPLES: { id: string; files: { name: string; file: string }[] }[] = [
  { id: 'api-gateway-500', files: [{ name: 'main.tf', file: 'web/examples/api-gateway-500.tf' }] },
  { id: 'lambda-star', files: [{ name: 'policy.json', file: 'web/examples/lambda-star.json' }] },
  { id: 'function-url-403', files: [{ name: 'main.tf', file: 'web/examples/function-url-403.tf' }] },
  { id: 'get-policy', files: [{ name: 'get-policy.json', file: 'web/examples/get-policy.json' }] },
];
const SHOTS = process.env.LPG_WEB_SCREENSHOTS === '1' ? path.join(REPO, 'docs', 'images') : fs.mkdtempSync(path.join(os.tmpdir(), 'lpg-web-shots-'));

type Files = { name: string; text: string }[];

function tmpModule(files: Files): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lpg-web-'));
  for (const f of files) fs.writeFileSync(path.join(dir, f.name), f.text);
  return dir;
}

function lpg(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.join(REPO, 'bin', 'lpg.js'), ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface CliFinding { file: string; ruleId: string; severity: string; message: string; range: { start: { line: number; column: number } }; fixes: { title: string; preferred: boolean }[] }

/** `lpg scan --format json` of a folder holding the files: one line per finding, as the page's Problems list prints it. */
function cliFindings(files: Files): { lines: string[]; raw: CliFinding[] } {
  const r = lpg(['scan', '--format', 'json', '--fail-on', 'info', tmpModule(files)]);
  assert.ok(r.status === 0 || r.status === 1, r.stderr);
  const raw = (JSON.parse(r.stdout) as { findings: CliFinding[] }).findings;
  return { raw, lines: raw.map((f) => `${f.file}:${f.range.start.line}:${f.range.start.column}${f.severity} ${f.message} [${f.ruleId}]`).sort() };
}

/** The texts `lpg scan --fix` leaves in a folder holding the files. */
function cliFix(files: Files): Map<string, string> {
  const dir = tmpModule(files);
  const r = lpg(['scan', '--fix', '--fail-on', 'info', dir]);
  assert.ok(r.status === 0 || r.status === 1, r.stderr);
  return new Map(files.map((f) => [f.name, fs.readFileSync(path.join(dir, f.name), 'utf8')]));
}

async function problems(page: Page): Promise<string[]> {
  return (await page.$$eval('#problems li', (lis) => lis.map((li) => li.textContent ?? ''))).sort();
}

/**
 * Polls (each frame) until the Problems list has `n` entries; then, when n > 0, goes to the first
 * one through the list (the editor renders only the lines in view) and waits for its squiggle.
 */
async function waitForProblems(page: Page, n: number): Promise<void> {
  await page.waitForFunction((count) => document.querySelectorAll('#problems li').length === count, n, { timeout: 60_000, polling: 'raf' });
  if (!n) return;
  await page.click('#problems li >> nth=0 >> .loc');
  await page.waitForSelector(SQUIGGLE, { timeout: 60_000 });
}

/** A real paste event (DataTransfer with text/plain) into the editor of a new tab. */
async function pasteIntoNewTab(page: Page, text: string): Promise<void> {
  const before = await page.$$eval('.tab', (t) => t.length);
  const empty = await page.evaluate(() => document.querySelectorAll('.tab').length === 1 && /^untitled/.test(document.querySelector('.tab')?.getAttribute('data-name') ?? '') && (document.querySelector('.cm-content')?.textContent ?? '') === '');
  if (!empty) {
    await page.click('#new-tab');
    await page.waitForFunction((n) => document.querySelectorAll('.tab').length === n + 1, before);
  }
  await page.click('.cm-content');
  await page.evaluate((t) => {
    const dt = new DataTransfer();
    dt.setData('text/plain', t);
    document.querySelector('.cm-content')!.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
  }, text);
}

/** The texts of every tab, read through the page's own "Copy share link" (URL fragment). */
async function pageTexts(page: Page): Promise<Map<string, string>> {
  // the page counts the links it made (the URL may already hold the same text from an earlier click)
  const n = Number(await page.getAttribute('body', 'data-shares') ?? 0);
  await page.click('#share');
  await page.waitForFunction((k) => Number(document.body.dataset.shares ?? 0) > k, n);
  return new Map(readFragment(page.url()).map((f) => [f.name, f.text]));
}

/** Clicks Fix all; returns the corrected text of each changed file, read from the dialog. */
async function fixAll(page: Page): Promise<Map<string, string>> {
  await page.click('#fix-all');
  await page.waitForSelector('#fixall[open] .fixall-summary');
  const secs = await page.$$eval('#fixall .fixall-file', (ss) => ss.map((s) => [s.getAttribute('data-file')!, (s.querySelector('textarea.fixed-text') as HTMLTextAreaElement).value] as [string, string]));
  return new Map(secs);
}

function expectedFixAll(files: Files): Map<string, string> {
  const fixed = cliFix(files);
  const out = new Map<string, string>();
  for (const f of files) if (fixed.get(f.name) !== f.text) out.set(f.name, fixed.get(f.name)!);
  return out;
}

describe('the paste-and-fix page in Chromium', function () {
  this.timeout(300_000);
  let h: PageHarness;
  let page: Page;
  const pageErrors: string[] = [];

  before(async () => {
    h = await openHarness();
    page = await h.context.newPage();
    page.on('pageerror', (e) => { pageErrors.push(String(e.stack ?? e.message)); });
    await page.goto(h.base);
    await waitReady(page);
  });
  after(async () => { await h?.close(); });
  // a failed test must not leave the Fix all dialog over the next one
  beforeEach(async () => { await page.evaluate(() => document.querySelectorAll('dialog[open]').forEach((d) => (d as HTMLDialogElement).close())); });

  it('says on the page that nothing leaves it', async () => {
    const t = await page.textContent('#privacy');
    assert.match(t ?? '', /Nothing leaves this page\./);
  });

  for (const ex of EXAMPLES) {
    it(`example "${ex.id}": same findings as lpg scan, a quick fix, Fix all = lpg scan --fix`, async () => {
      const files = ex.files.map((f) => ({ name: f.name, text: fs.readFileSync(path.join(REPO, f.file), 'utf8') }));
      const want = cliFindings(files);
      assert.ok(want.lines.length > 0, 'the example has findings');
      await page.click(`button[data-example="${ex.id}"]`);
      await waitForProblems(page, want.lines.length);
      assert.deepStrictEqual(await problems(page), want.lines);
      assert.deepStrictEqual(await pageTexts(page), new Map(files.map((f) => [f.name, f.text])), 'the example is loaded as is');

      // Fix all before any edit: the dialog's corrected text equals what lpg scan --fix writes
      const fixed = await fixAll(page);
      assert.deepStrictEqual(fixed, expectedFixAll(files));
      if (ex.id === 'function-url-403') await page.screenshot({ path: path.join(SHOTS, 'web-fixall.png') });
      await page.click('#fixall-close');

      // a quick fix from the hover tooltip: the first finding's first fix, applied as the core computes it
      const withFix = want.raw.filter((f) => f.fixes.length).sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.column - b.range.start.column);
      if (!withFix.length) {
        // (an `aws lambda get-policy` answer is AWS's output, not a source: its findings carry no fix)
        await page.hover(`:is(${SQUIGGLE}) >> nth=0`);
        await page.waitForSelector('.cm-tooltip-lint');
        assert.strictEqual(await page.locator('.cm-tooltip-lint .cm-diagnosticAction').count(), 0);
        assert.ok((await page.textContent('.cm-tooltip-lint'))!.includes(want.raw[0].message));
      } else {
        const first = withFix[0];
        const fix = first.fixes[0];
        await page.locator('#problems li', { hasText: first.message }).first().locator('.loc').click();
        // the squiggle at the finding (overlapping findings share one mark, of the highest severity)
        await page.hover(`:is(${SQUIGGLE}) >> nth=0`);
        const button = page.locator('.cm-tooltip-lint .cm-diagnosticAction', { hasText: fix.title }).first();
        await button.waitFor({ timeout: 30_000 });
        if (ex.id === 'function-url-403') await page.screenshot({ path: path.join(SHOTS, 'web-page.png') });
        await button.click();
        const after = await pageTexts(page);
        assert.deepStrictEqual(after, applyCliFix(files, first, fix.title));
      }
      await page.mouse.move(0, 0);
    });
  }

  for (const c of PASTED) {
    it(`${c.file.startsWith(CORPUS) ? 'corpus ' + path.relative(CORPUS, c.file) : path.relative(REPO, c.file)}: pasted into a new tab, same findings as lpg scan, Fix all = lpg scan --fix`, async () => {
      // start from a clean single empty tab
      await page.goto(h.base + '#');
      await page.reload();
      await waitReady(page);
      const text = fs.readFileSync(c.file, 'utf8');
      const files = [{ name: c.name, text }];
      const want = cliFindings(files);
      await pasteIntoNewTab(page, text);
      await page.waitForFunction((n) => document.querySelector('.tab')?.getAttribute('data-name') === n, c.name);
      await waitForProblems(page, want.lines.length);
      assert.deepStrictEqual(await problems(page), want.lines);
      assert.deepStrictEqual(await pageTexts(page), new Map([[c.name, text]]));
      const fixed = await fixAll(page);
      assert.deepStrictEqual(fixed, expectedFixAll(files));
      if (fixed.size) {
        await page.click('#fixall-apply');
        const left = cliFindings([...fixed].map(([name, t]) => ({ name, text: t })));
        await waitForProblems(page, left.lines.length);
        assert.deepStrictEqual(await problems(page), left.lines);
      } else await page.click('#fixall-close');
    });
  }

  it('tabs are one folder: a permission pasted into a second tab ends the first tab\'s outage (cross-file)', async () => {
    await page.click('button[data-example="api-gateway-500"]');
    await waitForProblems(page, 1);
    assert.match((await problems(page))[0], /^main\.tf:25:29error .*\[missing-invoke-permission\]$/);
    const perm = 'resource "aws_lambda_permission" "api" {\n  action        = "lambda:InvokeFunction"\n  function_name = aws_lambda_function.orders.function_name\n  principal     = "apigateway.amazonaws.com"\n  source_arn    = "${aws_api_gateway_rest_api.orders.execution_arn}/*/*"\n}\n';
    await pasteIntoNewTab(page, perm);
    await page.waitForFunction(() => Array.from(document.querySelectorAll('.tab')).map((t) => t.getAttribute('data-name')).join() === 'main.tf,main-2.tf');
    const files = [{ name: 'main.tf', text: fs.readFileSync(path.join(REPO, 'web/examples/api-gateway-500.tf'), 'utf8') }, { name: 'main-2.tf', text: perm }];
    const want = cliFindings(files);
    assert.ok(!want.lines.some((l) => l.includes('[missing-invoke-permission]')), 'lpg scan: no outage with both files');
    await waitForProblems(page, want.lines.length);
    assert.deepStrictEqual(await problems(page), want.lines);
  });

  it('a share link restores the tabs (text only in the URL fragment) and the findings', async () => {
    const files = [{ name: 'policy.json', text: fs.readFileSync(path.join(REPO, 'web/examples/lambda-star.json'), 'utf8') }, { name: 'main.tf', text: fs.readFileSync(path.join(REPO, 'web/examples/function-url-403.tf'), 'utf8') }];
    const p2 = await h.context.newPage();
    await p2.goto(h.base + shareFragment(files));
    await waitReady(p2);
    const want = cliFindings(files);
    await waitForProblems(p2, want.lines.length);
    assert.deepStrictEqual(await problems(p2), want.lines);
    assert.deepStrictEqual(await p2.$$eval('.tab', (t) => t.map((x) => x.getAttribute('data-name'))), ['policy.json', 'main.tf']);
    await p2.close();
  });

  it('findings follow typing: typed text replaces lambda:* and its finding goes, as lpg scan says', async () => {
    await page.click('button[data-example="lambda-star"]');
    await waitForProblems(page, 2);
    await page.locator('#problems li', { hasText: '[wildcard-lambda-action]' }).locator('.loc').click();
    await page.keyboard.press('Shift+End');
    await page.keyboard.type('"lambda:InvokeFunction",', { delay: 20 });
    const text = fs.readFileSync(path.join(REPO, 'web/examples/lambda-star.json'), 'utf8').replace('"lambda:*",', '"lambda:InvokeFunction",');
    const want = cliFindings([{ name: 'policy.json', text }]);
    assert.deepStrictEqual(want.lines.map((l) => l.replace(/.*\[/, '[')), ['[wildcard-lambda-resource]']);
    await waitForProblems(page, 1);
    assert.deepStrictEqual(await problems(page), want.lines);
    assert.deepStrictEqual(await pageTexts(page), new Map([['policy.json', text]]));
  });

  it('"Open files…" reads local files into tabs (no upload): same findings as lpg scan on the folder', async () => {
    await page.goto(h.base + '#');
    await page.reload();
    await waitReady(page);
    const files = [{ name: 'main.tf', text: fs.readFileSync(path.join(REPO, 'web/examples/api-gateway-500.tf'), 'utf8') }, { name: 'policy.json', text: fs.readFileSync(path.join(REPO, 'web/examples/lambda-star.json'), 'utf8') }];
    await page.setInputFiles('#open-files', files.map((f) => ({ name: f.name, mimeType: 'text/plain', buffer: Buffer.from(f.text) })));
    await page.waitForFunction(() => Array.from(document.querySelectorAll('.tab')).map((t) => t.getAttribute('data-name')).join() === 'main.tf,policy.json');
    const want = cliFindings(files);
    await waitForProblems(page, want.lines.length);
    assert.deepStrictEqual(await problems(page), want.lines);
  });

  it('the rule docs open in the page (the same pages as docs/rules/)', async () => {
    await page.click('button[data-example="lambda-star"]');
    await waitForProblems(page, 2);
    await page.click('#problems li >> nth=0 >> .rule-link');
    await page.waitForSelector('#docs:not([hidden]) #docs-body h2');
    const id = await page.getAttribute('#docs-body', 'data-rule');
    const md = fs.readFileSync(path.join(REPO, 'docs/rules', id + '.md'), 'utf8');
    const title = md.split('\n').find((l) => l.trim() && !l.startsWith('#') && !l.startsWith('**'))!;
    assert.ok((await page.textContent('#docs-body'))!.includes(title.replace(/`/g, '')), 'the page shows the rule page\'s text');
  });

  it('raised no error in the page', () => assert.deepStrictEqual(pageErrors, []));

  it('made no request other than its own files', () => {
    const own = new Set(ownFiles().map((f) => h.base + f).concat([h.base]));
    const bad = h.requests.filter((u) => !own.has(u.replace(/#.*$/, '')));
    assert.deepStrictEqual(bad, []);
    assert.ok(h.requests.some((u) => u.endsWith('/tree-sitter-terraform.wasm')), 'the requests were recorded (the worker\'s WASM fetch among them)');
  });
});

/** The files after applying one fix as the CLI's JSON describes it (1-based line/column). */
function applyCliFix(files: Files, f: CliFinding, title: string): Map<string, string> {
  const fx = (f.fixes as unknown as { title: string; edits: { file: string; range: { start: { line: number; column: number }; end: { line: number; column: number } }; newText: string }[] }[]).find((x) => x.title === title)!;
  const out = new Map(files.map((x) => [x.name, x.text]));
  const byFile = new Map<string, typeof fx.edits>();
  for (const e of fx.edits) byFile.set(e.file, [...(byFile.get(e.file) ?? []), e]);
  for (const [file, edits] of byFile) {
    let t = out.get(file)!;
    const lineStarts = [0];
    for (let i = 0; i < t.length; i++) if (t[i] === '\n') lineStarts.push(i + 1);
    const off = (p: { line: number; column: number }) => lineStarts[p.line - 1] + p.column - 1;
    for (const e of edits.map((e) => ({ s: off(e.range.start), e: off(e.range.end), t: e.newText })).sort((a, b) => b.s - a.s)) t = t.slice(0, e.s) + e.t + t.slice(e.e);
    out.set(file, t);
  }
  return out;
}
