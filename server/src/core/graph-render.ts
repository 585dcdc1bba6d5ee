/**
 * Renderings of wiring graphs (graph.ts) for documentation, pull requests and CI summaries:
 * Mermaid (GitHub renders it), Graphviz DOT, plain text. Trigger -> function edges; outages red,
 * undecided dashed. Pure functions of the graphs.
 */
import type { GraphTrigger, WiringGraph } from './graph';
import { summaryText } from './graph';

/** A folder's graph with the folder's path (as printed; `.` for the current folder). Locations stay module-relative. */
export interface FolderGraph { dir: string; graph: WiringGraph }

const RED = '#d1242f';

function edgeLabel(t: GraphTrigger): string {
  if (t.verdict === 'permitted') return t.permissions.length ? t.permissions.join(', ') : t.role ? `role ${t.role}` : 'permitted';
  if (t.verdict === 'cannot-invoke') return t.rule === 'missing-invoke-permission' ? 'no permission' : t.rule === 'source-arn-mismatch' ? `source_arn mismatch: ${t.permissions.join(', ')}` : t.rule === 'qualifier-mismatch' ? `qualifier mismatch: ${t.permissions.join(', ')}` : `role ${t.role ?? ''} cannot invoke`.replace('  ', ' ');
  return 'undecided';
}

function triggerTitle(t: GraphTrigger): string { return `${t.service}: ${t.label}`; }

/** Mermaid flowchart text (without the ``` fence). */
export function toMermaid(folders: FolderGraph[]): string {
  const out: string[] = ['flowchart LR'];
  // Mermaid labels in double quotes: `"` and the characters Mermaid reads as markup become entities.
  const q = (s: string): string => '"' + s.replace(/&/g, '#amp;').replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;') + '"';
  const red: number[] = [];
  let edges = 0;
  const outageNodes: string[] = [];
  const undecidedNodes: string[] = [];
  folders.forEach((fg, i) => {
    const sub = folders.length > 1;
    const ind = sub ? '    ' : '  ';
    if (sub) out.push(`  subgraph m${i}[${q(fg.dir)}]`);
    fg.graph.functions.forEach((f, j) => {
      const fid = `f${i}_${j}`;
      out.push(`${ind}${fid}[${q(`λ ${f.id}`)}]`);
      f.triggers.forEach((t, k) => {
        const tid = `${fid}_t${k}`;
        out.push(`${ind}${tid}(${q(triggerTitle(t))})`);
        const arrow = t.verdict === 'undecided' ? '-.->' : '-->';
        out.push(`${ind}${tid} ${arrow}|${q(edgeLabel(t))}| ${fid}`);
        if (t.verdict === 'cannot-invoke') { red.push(edges); outageNodes.push(tid); }
        if (t.verdict === 'undecided') undecidedNodes.push(tid);
        edges++;
      });
    });
    if (sub) out.push('  end');
  });
  if (outageNodes.length) {
    out.push(`  classDef outage stroke:${RED},stroke-width:2px,color:${RED}`);
    out.push(`  class ${outageNodes.join(',')} outage`);
    out.push(`  linkStyle ${red.join(',')} stroke:${RED},stroke-width:2px,color:${RED}`);
  }
  if (undecidedNodes.length) {
    out.push('  classDef undecided stroke-dasharray:5 5');
    out.push(`  class ${undecidedNodes.join(',')} undecided`);
  }
  return out.join('\n') + '\n';
}

/** Graphviz DOT text. */
export function toDot(folders: FolderGraph[]): string {
  const q = (s: string): string => '"' + s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n') + '"';
  const out: string[] = ['digraph wiring {', '  rankdir=LR;', '  node [shape=box, fontname="Helvetica"];', '  edge [fontname="Helvetica", fontsize=10];'];
  folders.forEach((fg, i) => {
    const sub = folders.length > 1;
    const ind = sub ? '    ' : '  ';
    if (sub) out.push(`  subgraph cluster_${i} {`, `    label=${q(fg.dir)};`);
    fg.graph.functions.forEach((f, j) => {
      const fid = `f${i}_${j}`;
      out.push(`${ind}${fid} [label=${q(`λ ${f.id}`)}, style=bold];`);
      f.triggers.forEach((t, k) => {
        const tid = `${fid}_t${k}`;
        const style = t.verdict === 'cannot-invoke' ? `, color="${RED}", fontcolor="${RED}"` : t.verdict === 'undecided' ? ', style=dashed' : '';
        out.push(`${ind}${tid} [label=${q(`${t.service}\n${t.label}`)}, style="rounded${t.verdict === 'undecided' ? ',dashed' : ''}"${t.verdict === 'cannot-invoke' ? `, color="${RED}", fontcolor="${RED}"` : ''}];`);
        out.push(`${ind}${tid} -> ${fid} [label=${q(edgeLabel(t))}${style}];`);
      });
    });
    if (sub) out.push('  }');
  });
  out.push('}');
  return out.join('\n') + '\n';
}

/** Plain text: folder, functions with their summary, triggers with verdict and reason. */
export function toText(folders: FolderGraph[], opts: { escape?: (s: string) => string } = {}): string {
  const e = opts.escape ?? ((s: string) => s);
  const out: string[] = [];
  const at = (l: { file: string; range: { start: { line: number; character: number } } }, dir: string): string => `${dir === '.' || dir === '' ? '' : dir + '/'}${l.file}:${l.range.start.line + 1}`;
  for (const fg of folders) {
    out.push(`${e(fg.dir)}`);
    if (!fg.graph.functions.length) out.push('  (no Lambda functions)');
    for (const f of fg.graph.functions) {
      out.push(`  ${e(f.id)}  ${e(at(f.location, fg.dir))}  ${summaryText(f.summary)}`);
      for (const t of f.triggers) {
        const mark = t.verdict === 'permitted' ? 'ok' : t.verdict === 'cannot-invoke' ? 'CANNOT INVOKE' : 'undecided';
        out.push(`    <- ${e(triggerTitle(t))}  (${e(t.resource)}, ${e(at(t.location, fg.dir))})`);
        out.push(`       ${mark}: ${e(t.reason)}${t.rule ? ` [${t.rule}]` : ''}`);
      }
    }
  }
  return out.join('\n') + '\n';
}
