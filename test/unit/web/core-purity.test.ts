/**
 * The analysis core runs unchanged in a browser (the page's Web Worker, the web extension's server):
 * nothing under server/src/core may import Node built-ins or editor APIs. Hosts inject what differs
 * (the WASM files through initParser(wasm), file texts, the syntax checker).
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';

const CORE = path.resolve(__dirname, '../../../server/src/core');
const FORBIDDEN = /^(node:)?(fs|fs\/promises|path|url|worker_threads|child_process|os|module|process|vscode|vscode-languageserver.*|vscode-languageclient.*)$/;

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sources(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

/** Module specifiers of static imports/exports, require() and import() calls. */
export function specifiers(text: string): string[] {
  const out: string[] = [];
  const re = /\b(?:import|export)\s[^'";]*?from\s*['"]([^'"]+)['"]|\bimport\s*['"]([^'"]+)['"]|\b(?:require|import)\s*\(\s*['"]([^'"]+)['"]\s*\)/g;
  for (const m of text.matchAll(re)) out.push(m[1] ?? m[2] ?? m[3]);
  return out;
}

describe('core purity (browser-safe core)', () => {
  it('finds the imports it checks (the scanner is not blind)', () => {
    assert.deepStrictEqual(specifiers(`import * as fs from 'fs';\nimport { a,\n b } from "node:path";\nexport { x } from './y';\nimport './side';\nconst w = require('worker_threads'); await import('url');`),
      ['fs', 'node:path', './y', './side', 'worker_threads', 'url']);
  });

  it('no file under server/src/core imports fs, path, url, worker_threads, child_process or editor APIs', () => {
    const files = sources(CORE);
    assert.ok(files.length > 20, 'core sources found');
    const bad: string[] = [];
    for (const f of files) {
      for (const s of specifiers(fs.readFileSync(f, 'utf8'))) if (FORBIDDEN.test(s)) bad.push(`${path.relative(CORE, f)}: ${s}`);
    }
    assert.deepStrictEqual(bad, []);
  });

  it('no file under server/src/core uses __dirname, require.resolve or process', () => {
    const bad: string[] = [];
    for (const f of sources(CORE)) {
      const text = fs.readFileSync(f, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
      for (const w of ['__dirname', 'require.resolve', 'process.']) if (text.includes(w)) bad.push(`${path.relative(CORE, f)}: ${w}`);
    }
    assert.deepStrictEqual(bad, []);
  });
});
