/** Bundles the extension-host suite (suite/index.ts + its tests) to out/e2e-vscode/suite/index.js with esbuild. */
import * as path from 'node:path';
import { buildSync } from 'esbuild';

export const REPO = path.resolve(__dirname, '../../..');
export const SUITE_JS = path.join(REPO, 'out/e2e-vscode/suite/index.js');

export function buildSuite(): string {
  buildSync({
    entryPoints: [path.join(__dirname, 'suite/index.ts')],
    outfile: SUITE_JS,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'inline',
    // `vscode` is the host's; mocha is loaded from the repository's node_modules (out/ is inside the repo)
    external: ['vscode', 'mocha'],
    logLevel: 'warning',
  });
  return SUITE_JS;
}

if (require.main === module) console.log(buildSuite());

export const WEB_SUITE_JS = path.join(REPO, 'out/e2e-vscode/suite-web/index.js');

/** The same suite for the web worker extension host: browser platform, mocha's browser build, an assert stand-in. */
export function buildWebSuite(): string {
  buildSync({
    entryPoints: [path.join(__dirname, 'suite/web.ts')],
    outfile: WEB_SUITE_JS,
    bundle: true,
    platform: 'browser',
    target: 'es2022',
    format: 'cjs',
    sourcemap: 'inline',
    external: ['vscode'],
    alias: { 'node:assert/strict': path.join(__dirname, 'suite/assert-web.ts') },
    logLevel: 'warning',
  });
  return WEB_SUITE_JS;
}
