/** A configuration host over a fixture folder on disk (tests only: the core itself reads no files). */
import * as fs from 'fs';
import * as path from 'path';
import { makeSourceFile } from '../../../server/src/core/source';
import type { SourceFile } from '../../../server/src/core/model/module';
import type { ConfigHost } from '../../../server/src/core/model/config';
import { analyzeWorkspace, type WorkspaceOptions, type WorkspaceResult } from '../../../server/src/core/workspace';

export const FIXTURES = path.resolve(__dirname, '../../fixtures/modules');

function isModuleFile(n: string): boolean { return /\.(tf|tf\.json|tfvars|json)$/.test(n) && n !== 'modules.json'; }

/** Host and workspace folders (those with Terraform files, outside `.terraform`) of a fixture. */
export function diskHost(root: string, texts: Record<string, string> = {}): { host: ConfigHost; dirs: string[]; texts: Map<string, string> } {
  const all = new Map<string, string>();
  const walk = (d: string, rel: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const r = rel ? rel + '/' + e.name : e.name;
      if (e.isDirectory()) walk(path.join(d, e.name), r);
      else all.set(r, fs.readFileSync(path.join(d, e.name), 'utf8'));
    }
  };
  walk(root, '');
  for (const [k, v] of Object.entries(texts)) all.set(k, v);
  const dirOf = (p: string): string => (p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '');
  const cache = new Map<string, SourceFile[] | undefined>();
  const host: ConfigHost = {
    folder(dir) {
      if (cache.has(dir)) return cache.get(dir);
      const files = [...all.keys()].filter((p) => dirOf(p) === dir && isModuleFile(p.slice(p.lastIndexOf('/') + 1))).sort().map((p) => makeSourceFile(p, all.get(p)!));
      const v = files.some((f) => f.kind === 'tf' || f.kind === 'tfjson') ? files : undefined;
      cache.set(dir, v);
      return v;
    },
    manifest(dir) { return all.get((dir ? dir + '/' : '') + '.terraform/modules/modules.json'); },
  };
  const dirs = [...new Set([...all.keys()].filter((p) => /\.tf(\.json)?$/.test(p) && !p.split('/').includes('.terraform')).map(dirOf))].sort();
  return { host, dirs, texts: all };
}

export function analyzeFixture(name: string, opts: WorkspaceOptions = {}, texts: Record<string, string> = {}): WorkspaceResult & { texts: Map<string, string> } {
  const { host, dirs, texts: t } = diskHost(path.join(FIXTURES, name), texts);
  const r = analyzeWorkspace(host, dirs, opts);
  delete r.coverage.decidedTriggers; // asserted through the counts
  return { ...r, texts: t };
}
