/**
 * `lpg graph [PATH ...] --format mermaid|dot|json|text`: the wiring graph (core/graph.ts) of each
 * Terraform folder under the PATHs, for documentation, pull requests and CI summaries.
 */
import * as path from 'path';
import * as fs from 'fs';
import { initParser } from '../host/node-wasm';
import { makeSourceFile } from '../core/source';
import { graphOfFiles } from '../core/graph';
import { toDot, toMermaid, toText, type FolderGraph } from '../core/graph-render';
import { ignoreMatcher, loadConfig, planModules, readText, relativeTo, walk, worthReading, toRel } from '../scan';

export const GRAPH_FORMATS = ['mermaid', 'dot', 'json', 'text'] as const;
export type GraphFormat = (typeof GRAPH_FORMATS)[number];

export interface GraphRun { folders: (FolderGraph & { abs: string })[]; issues: { file: string; message: string }[] }

/** The graphs of the Terraform folders under a PATH (a file PATH: its folder). Folders without a Lambda function are left out. */
export async function graphsOf(target: string, configFile?: string): Promise<GraphRun> {
  const abs = path.resolve(target);
  const st = fs.statSync(abs);
  const root = st.isDirectory() ? abs : path.dirname(abs);
  const shown = toPosix(st.isDirectory() ? target : path.dirname(target)).replace(/\/+$/, '') || '.';
  const { config } = await loadConfig(root, configFile);
  const isIgnored = ignoreMatcher(config.ignore);
  const walked = await walk(root, (rel, isDir) => isDir && isIgnored(rel));
  const issues = [...walked.issues];
  let plans = planModules(walked.files.filter((f) => !isIgnored(f)));
  if (!st.isDirectory()) { const single = toRel(root, abs); plans = plans.filter((m) => m.files.includes(single)); }
  await initParser();
  const folders: GraphRun['folders'] = [];
  for (const m of plans) {
    const files = [];
    for (const rel of m.files) {
      const r = await readText(path.join(root, ...rel.split('/')), rel);
      if ('message' in r) { issues.push(r); continue; }
      if (!worthReading(rel, r.text)) continue;
      files.push(makeSourceFile(relativeTo(m.dir, rel), r.text));
    }
    const graph = graphOfFiles(files);
    if (!graph.functions.length) continue;
    folders.push({ dir: m.dir ? (shown === '.' ? m.dir : `${shown}/${m.dir}`) : shown, graph, abs: path.join(root, ...(m.dir ? m.dir.split('/') : [])) });
  }
  return { folders, issues };
}

export function renderGraphs(folders: FolderGraph[], format: GraphFormat, escape?: (s: string) => string): string {
  switch (format) {
    case 'mermaid': return toMermaid(folders);
    case 'dot': return toDot(folders);
    case 'json': return JSON.stringify({ folders: folders.map((f) => ({ dir: f.dir, ...f.graph })) }, null, 2) + '\n';
    default: return toText(folders, { escape });
  }
}

function toPosix(p: string): string { return p.split(path.sep).join('/'); }
