/**
 * The web extension (package.json `browser`: dist/browser/extension.js, its language server in a Web
 * Worker) in code-server's web worker extension host, in headless Chromium. code-server hosts web
 * extensions: the workbench payload `extensionDevelopmentKind` = web and the user setting
 * `remote.extensionKind` = ["web"] for this extension make the workbench run it in the browser's web
 * worker extension host instead of the remote Node one, and the test module runs in the host of the
 * extension whose folder holds it (the suite checks it runs in a worker without Node). The extension-host suite (suite/extension.test.ts,
 * bundled for the browser by buildWebSuite) reports through the page console; codeAutomationExit
 * gives the exit code (0 = passed).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildWebSuite } from './buildSuite';
import { CodeServer, EXTENSION_ID, copyWorkspace, openBrowser, poll, stageExtension } from './codeServer';

describe('VS Code for the Web: the web extension in code-server\'s web worker extension host', function () {
  this.timeout(10 * 60_000);

  it('passes the extension-host suite with the server in a Web Worker', async () => {
    const extension = stageExtension();
    // inside the extension's folder: VS Code runs a test module in the extension host of the
    // extension that contains it (one outside any extension would go to the remote Node host)
    const suite = path.join(extension, 'e2e-web-suite.js');
    fs.copyFileSync(buildWebSuite(), suite);
    assert.ok(fs.existsSync(path.join(extension, 'dist/browser/extension.js')), 'dist/browser/extension.js is built');
    const workspace = copyWorkspace();
    const cs = await CodeServer.start({ workspace, settings: { 'remote.extensionKind': { [EXTENSION_ID]: ['web'] } } });
    const browser = await openBrowser();
    const lines: string[] = [];
    try {
      let exitCode: number | undefined;
      browser.page.on('console', (m) => lines.push(m.text()));
      await browser.page.exposeFunction('codeAutomationExit', (code: number) => { exitCode = code; });
      await browser.page.goto(cs.workbenchUrl([
        ['extensionDevelopmentPath', cs.remote(extension)],
        // the extension under development (and so its tests) in the web worker extension host
        ['extensionDevelopmentKind', 'web'],
        ['extensionTestsPath', cs.remote(suite)],
      ]));
      await poll('the web extension-host suite to report its exit code', () => exitCode !== undefined, 5 * 60_000, 250);
      // the web worker host's console.log reaches the page as "%c INFO color: ... lpg-e2e: <line>"
      const report = lines.flatMap((l) => { const m = /lpg-e2e: (.*)$/s.exec(l); return m ? [m[1]] : []; });
      process.stdout.write(report.map((l) => '      ' + l).join('\n') + '\n');
      assert.equal(exitCode, 0, `web extension-host suite failed:\n${report.join('\n')}\n--- page console ---\n${lines.slice(-60).join('\n')}`);
      assert.ok(report.includes('host: webworker'), report.join('\n'));
      assert.ok(report.includes('0 failing'), report.join('\n'));
      assert.ok(report.filter((l) => l.startsWith('ok   ')).length >= 10, report.join('\n'));
    } finally {
      await browser.close();
      await cs.stop();
      cs.cleanup();
    }
  });
});
