/**
 * The published form of `lpg`: `scripts/package-cli.mjs` packs the npm tarball, and `npm install -g`
 * installs it into a temporary prefix (offline: the package has no dependencies). Used by the
 * package test and by the editor e2e tests, which run the `lpg` this puts on the PATH.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ensureBuilt, ROOT } from './run';

export interface Installed {
  tarball: string;
  /** The global prefix: `bin/lpg` and `lib/node_modules/<name>`. */
  prefix: string;
  bin: string;
  /** Environment with the prefix's bin first on PATH (and npm's global prefix set to it, for npx). */
  env: NodeJS.ProcessEnv;
}

let cached: Installed | undefined;

export function installGlobally(): Installed {
  if (cached && fs.existsSync(cached.bin)) return cached;
  ensureBuilt();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lpg-pkg-'));
  const tarball = execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'package-cli.mjs'), '--out', dir], { cwd: ROOT, encoding: 'utf8' }).trim().split('\n').pop()!;
  const prefix = path.join(dir, 'prefix');
  execFileSync('npm', ['install', '-g', '--offline', '--no-audit', '--no-fund', '--prefix', prefix, tarball], { cwd: dir, encoding: 'utf8', stdio: 'pipe' });
  const bin = path.join(prefix, 'bin', 'lpg');
  const env = { ...process.env, PATH: path.join(prefix, 'bin') + path.delimiter + (process.env.PATH ?? ''), NPM_CONFIG_PREFIX: prefix };
  cached = { tarball, prefix, bin, env };
  return cached;
}
