#!/usr/bin/env node
// Entry point of the GitHub Action (action.yml: runs.using node24, main: action/index.js).
// The action's logic and the checker are build output (dist/action.js, dist/cli.js), which is not
// in the repository: on the first run in a job this builds them in the action's own folder
// (`npm ci --ignore-scripts`, then `node scripts/build.mjs`; needs npm on the PATH, as on
// GitHub-hosted runners), later runs reuse them. Nothing from the scanned repository is executed.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const built = () => ['action.js', 'cli.js', 'hcl2json/worker.js', 'main.wasm.gz'].every((f) => fs.existsSync(path.join(root, 'dist', f)));

function step(cmd, args) {
  process.stdout.write(`lpg: ${cmd} ${args.join(' ')}\n`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'], shell: process.platform === 'win32' });
  if (r.status !== 0) {
    process.stdout.write(`::error title=lpg::building the action failed: ${cmd} ${args.join(' ')} exited with ${r.status === null ? r.error || r.signal : r.status}\n`);
    process.exit(2);
  }
}

if (!built()) {
  process.stdout.write('::group::lpg: building the checker (first run in this job)\n');
  if (!fs.existsSync(path.join(root, 'node_modules', 'esbuild'))) step('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund']);
  step(process.execPath, [path.join(root, 'scripts', 'build.mjs')]);
  process.stdout.write('::endgroup::\n');
}

require(path.join(root, 'dist', 'action.js')).runAction().then((code) => { process.exitCode = code; });
