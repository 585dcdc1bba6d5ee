/**
 * Runs the extension-host suite (suite/index.ts, the @vscode/test-electron `run()` form) inside
 * code-server's real extension host: the workbench URL's payload names the repository as
 * extensionDevelopmentPath and the bundled suite as extensionTestsPath; when the suite is done the page
 * calls window.codeAutomationExit(code), received here (0 = every test passed).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildSuite } from './buildSuite';
import { CodeServer, copyWorkspace, openBrowser, poll, stageExtension, tempDir } from './codeServer';

describe('VS Code extension host (code-server 4.100.3)', function () {
  this.timeout(10 * 60_000);

  it('passes the extension-host suite (diagnostics, code actions, commands, settings)', async () => {
    const suite = buildSuite();
    const extension = stageExtension();
    const workspace = copyWorkspace();
    const results = path.join(tempDir('results'), 'results.txt');
    const cs = await CodeServer.start({ workspace, env: { LPG_E2E_RESULTS: results } });
    const browser = await openBrowser();
    const pageLog: string[] = [];
    try {
      let exitCode: number | undefined;
      browser.page.on('console', (m) => pageLog.push(`[${m.type()}] ${m.text()}`));
      await browser.page.exposeFunction('codeAutomationExit', (code: number) => { exitCode = code; });
      await browser.page.goto(cs.workbenchUrl([
        ['extensionDevelopmentPath', cs.remote(extension)],
        ['extensionTestsPath', cs.remote(suite)],
      ]));
      await poll('the extension-host suite to report its exit code', () => exitCode !== undefined, 5 * 60_000, 250);
      const report = fs.existsSync(results) ? fs.readFileSync(results, 'utf8') : '(the suite wrote no results file)';
      process.stdout.write(report.replace(/^/gm, '      '));
      const serverLog = cs.outputChannelLog('Lambda Permission Guard');
      assert.equal(exitCode, 0, `extension-host suite failed:\n${report}\n--- output channel ---\n${serverLog.slice(-4000)}\n--- page console ---\n${pageLog.slice(-40).join('\n')}`);
      assert.match(report, /^0 failing$/m);
      assert.ok((report.match(/^ok {3}/gm) ?? []).length >= 10, report);
      fs.rmSync(path.dirname(results), { recursive: true, force: true });
      fs.rmSync(path.dirname(workspace), { recursive: true, force: true });
      if (!process.env.LPG_E2E_EXTENSION_DIR) fs.rmSync(path.dirname(extension), { recursive: true, force: true });
    } finally {
      await browser.close();
      await cs.stop();
      cs.cleanup();
    }
  });
});
