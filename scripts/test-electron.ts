/**
 * `npm run test:electron`: the extension-host suite (test/e2e/vscode/suite) in a desktop VS Code that
 * @vscode/test-electron downloads (1.100.3, the version code-server 4.100.3 embeds). Needs a machine that
 * can download VS Code from update.code.visualstudio.com, and a display (on a headless Linux run it
 * under `xvfb-run -a`). On machines without that download, `npm run test:e2e` runs the same suite in
 * code-server instead.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { buildSuite } from '../test/e2e/vscode/buildSuite';
import { copyWorkspace, stageExtension } from '../test/e2e/vscode/codeServer';

async function main(): Promise<number> {
  const extensionTestsPath = buildSuite();
  const extensionDevelopmentPath = stageExtension();
  const workspace = copyWorkspace();
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lpg-electron-ud-'));
  const results = path.join(userDataDir, 'results.txt');
  try {
    const code = await runTests({
      version: process.env.LPG_VSCODE_VERSION || '1.100.3',
      extensionDevelopmentPath,
      extensionTestsPath,
      extensionTestsEnv: { LPG_E2E_RESULTS: results },
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes',
        '--user-data-dir', userDataDir, '--disable-gpu', '--no-sandbox'],
    });
    if (fs.existsSync(results)) process.stdout.write(fs.readFileSync(results, 'utf8'));
    return code;
  } catch (e) {
    if (fs.existsSync(results)) process.stdout.write(fs.readFileSync(results, 'utf8'));
    console.error(`test:electron failed: ${e instanceof Error ? e.message : String(e)}`);
    console.error('(it needs a machine that can download VS Code; `npm run test:e2e` runs the same suite in code-server)');
    return 1;
  } finally {
    for (const d of [userDataDir, path.dirname(workspace), path.dirname(extensionDevelopmentPath)]) fs.rmSync(d, { recursive: true, force: true });
  }
}

main().then((code) => process.exit(code), (e) => { console.error(e); process.exit(1); });
