/**
 * The extension-host suite in VS Code's web worker extension host (test/e2e/vscode/web.test.ts):
 * the same tests (extension.test.ts) run with mocha's browser build; every result line goes to the
 * console (the driver reads the page's console) and the run ends with `lpg-e2e: N failing`.
 */
// mocha's browser build defines globalThis.mocha
import 'mocha/mocha.js';

declare const mocha: {
  setup(o: Record<string, unknown>): void;
  run(done: (failures: number) => void): { on(ev: string, f: (...a: any[]) => void): void };
};

export function run(): Promise<void> {
  return new Promise((resolve, reject) => {
    const log = (s: string) => console.log(`lpg-e2e: ${s}`);
    // proof of where this runs: a Web Worker has importScripts and no Node process
    const g = globalThis as { importScripts?: unknown; process?: { versions?: { node?: string } } };
    log(`host: ${typeof g.importScripts === 'function' && !g.process?.versions?.node ? 'webworker' : 'node'}`);
    mocha.setup({
      ui: 'bdd', timeout: 120_000, bail: true, color: false,
      reporter: function Reporter(runner: { on(ev: string, f: (...a: any[]) => void): void }) {
        runner.on('pass', (t: { fullTitle(): string }) => log(`ok   ${t.fullTitle()}`));
        runner.on('fail', (t: { fullTitle(): string }, err: Error) => log(`FAIL ${t.fullTitle()}: ${String(err?.stack ?? err)}`));
      },
    });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require('./extension.test');
    mocha.run((failures) => {
      log(`${failures} failing`);
      if (failures > 0) reject(new Error(`${failures} extension-host test(s) failed`)); else resolve();
    });
  });
}
