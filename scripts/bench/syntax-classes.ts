/**
 * How many broken .tf files get no syntax error from tree-sitter and the cheap structural checks
 * (core/parse/hclcheck.ts), with HashiCorp's parser (hcl2json) as the judge; and whether the checks
 * flag any corpus file HashiCorp accepts. Mutants: one random edit of a small corpus file.
 * Usage: npx tsx scripts/bench/syntax-classes.ts [mutants=1500]   (SHOW=1 lists the misses)
 */
import * as fs from 'fs'; import * as path from 'path';
import { Hcl2Json } from '../../server/src/hcl2json';
import { initParser } from '../../server/src/core/parse/treesitter';
import { makeSourceFile } from '../../server/src/core/source';
import { parseTerraform } from '../../server/src/core/parse/treesitter';
let tsOnlyMissed = 0;
const ROOT = path.resolve(__dirname, '../../../shared/corpus');
const files: string[] = [];
const walk = (d: string) => { for (const e of fs.readdirSync(d, { withFileTypes: true })) { const p = path.join(d, e.name); if (e.isDirectory()) walk(p); else if (e.name.endsWith('.tf')) files.push(p); } };
walk(ROOT);
let seed = 20261130; const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
(async () => {
  await initParser();
  const h = new Hcl2Json();
  // 1. valid corpus files: does the cheap check flag any that HashiCorp accepts?
  let clean = 0, flaggedClean = 0; const fp: string[] = [];
  for (const f of files) {
    const t = fs.readFileSync(f, 'utf8');
    const sf = makeSourceFile('x.tf', t);
    if (!sf.syntax!.errors.length) { clean++; continue; }
    const v = await h.checkSyntax('x.tf', t);
    if (v === null) { flaggedClean++; fp.push(path.relative(ROOT, f) + ' ' + sf.syntax!.errors[0].message.slice(0, 40)); }
  }
  const t0 = process.hrtime.bigint();
  const { multiLineString, modelError } = await import('../../server/src/core/parse/hclcheck');
  let parsedMs = 0;
  for (const f of files) {
    const t = fs.readFileSync(f, 'utf8');
    const p0 = process.hrtime.bigint(); const sf = makeSourceFile('x.tf', t); parsedMs += Number(process.hrtime.bigint() - p0) / 1e6;
    multiLineString(t); modelError(sf.syntax!, t);
  }
  const checksMs = Number(process.hrtime.bigint() - t0) / 1e6 - parsedMs;
  console.log(`checks on ${files.length} corpus files: ${checksMs.toFixed(0)} ms (model building incl. checks: ${parsedMs.toFixed(0)} ms)`);
  console.log('corpus .tf files', files.length, 'clean by tree-sitter+checks', clean, 'flagged but HashiCorp accepts', flaggedClean, fp.slice(0, 10));
  // 2. mutants: one random edit (delete a char, duplicate a line fragment, insert a quote/newline/brace/=)
  const small = files.filter((f) => fs.statSync(f).size < 4000);
  let broken = 0, tsMissed = 0, caught = 0; const N = Number(process.argv[2] ?? 1500);
  const ins = ['"', '\n', '}', '{', '=', ' x = 1', ']', '(', '#', 'a = "b" '];
  for (let i = 0; i < N; i++) {
    const t = fs.readFileSync(small[Math.floor(rand() * small.length)], 'utf8');
    const at = Math.floor(rand() * t.length);
    const r = rand();
    let m: string;
    if (r < 0.3) m = t.slice(0, at) + t.slice(at + 1);
    else if (r < 0.5) { const e = t.indexOf('\n', at); const s0 = t.lastIndexOf('\n', at - 1) + 1; m = e < 0 ? t : t.slice(0, e + 1) + t.slice(s0, e + 1) + t.slice(e + 1); }
    else m = t.slice(0, at) + ins[Math.floor(rand() * ins.length)] + t.slice(at);
    const v = await h.checkSyntax('x.tf', m);
    if (!v) continue;
    broken++;
    const tree = parseTerraform(m); if (!tree.rootNode.hasError) tsOnlyMissed++; tree.delete();
    const sf = makeSourceFile('x.tf', m);
    const ts = sf.syntax!.errors;
    if (!ts.length) { tsMissed++; if (process.env.SHOW) console.log("MISSED", v.message.slice(0, 30), JSON.stringify(m.split("\n").slice(Math.max(0, v.line - 1), v.line + 2).join("\n"))); continue; }
    if (/^(Missing newline|Attribute redefined|Invalid multi-line)/.test(ts[0].message)) caught++;
  }
  console.log('mutants', N, 'broken per HashiCorp', broken, 'no error from tree-sitter+checks', tsMissed, `(${(100 * tsMissed / broken).toFixed(1)}%)`, 'caught by the cheap checks', caught, 'tree-sitter alone misses', tsOnlyMissed, `(${(100 * tsOnlyMissed / broken).toFixed(1)}%)`);
  h.dispose();
})();
