/**
 * Extension-host test entry in the @vscode/test-electron form: VS Code loads this module (bundled to
 * out/e2e-vscode/suite/index.js) from `extensionTestsPath` and awaits `run()`; a rejection means
 * failure. The same module runs inside code-server's extension host (test/e2e/vscode/host.test.ts) and
 * inside a downloaded desktop VS Code (scripts/test-electron.ts).
 *
 * Results also go to the file named by LPG_E2E_RESULTS (when set), because the code-server driver
 * does not see the extension host's stdout.
 */
import * as fs from 'node:fs';
import Mocha from 'mocha';

export function run(): Promise<void> {
  // bail: the tests build on each other, and a broken extension must fail fast (every wait is up to 60 s)
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 120_000, reporter: 'spec', bail: true });
  // Define describe/it on the global object, then load the tests (bundled, required lazily).
  mocha.suite.emit('pre-require', globalThis, 'extension.test.js', mocha);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('./extension.test');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('./wiring.test');
  const lines: string[] = [];
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      const out = process.env.LPG_E2E_RESULTS;
      lines.push(`${failures} failing`);
      if (out) fs.writeFileSync(out, lines.join('\n') + '\n');
      if (failures > 0) reject(new Error(`${failures} extension-host test(s) failed`));
      else resolve();
    });
    runner.on('pass', (t) => lines.push(`ok   ${t.fullTitle()}`));
    runner.on('fail', (t, err: Error) => lines.push(`FAIL ${t.fullTitle()}\n     ${String(err?.stack ?? err).split('\n').join('\n     ')}`));
  });
}
