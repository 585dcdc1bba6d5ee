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
