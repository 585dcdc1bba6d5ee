/**
 * Plan benchmark: a generated `terraform show -json` plan of 5,000 resource instances (plan-gen.ts,
 * written once under /tmp/lpg-bench) analysed in process by the plan front-end (read, build the
 * synthetic module, every rule, map the findings), beside the floor of merely parsing the JSON
 * (`JSON.parse`, and jsonc-parser's `parseTree`, which the front-end needs for offsets), and
 * `lpg scan plan.json` end to end (node dist/cli.js: start, read, analyse, print).
 *
 *   npx tsx scripts/bench/plan.ts [RUNS]
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { parseTree } from 'jsonc-parser';
import { analyzePlan } from '../../server/src/core/frontends/plan';
import { BENCH_TMP } from './gen';
import { generatePlan } from './plan-gen';
import { median } from './typing';

const REPO = path.resolve(__dirname, '../..');

/** The generated plan file (1,000 units x 5 instances), written once. */
export function planFile(units = 1000): { file: string; bytes: number; instances: number } {
  const file = path.join(BENCH_TMP, `plan-${units * 5}.json`);
  if (!fs.existsSync(file)) { fs.mkdirSync(BENCH_TMP, { recursive: true }); fs.writeFileSync(file, generatePlan(units)); }
  const text = fs.readFileSync(file, 'utf8');
  const instances = (JSON.parse(text) as { resource_changes: unknown[] }).resource_changes.length;
  return { file, bytes: text.length, instances };
}

export interface PlanFigures { file: string; bytes: number; instances: number; jsonParse: number; parseTree: number; analyze: number; analyzeCpu: number; cli: number; cliCpu: number; findings: number; runs: number }

export function planBench(runs: number): PlanFigures {
  const { file, bytes, instances } = planFile();
  const text = fs.readFileSync(file, 'utf8');
  const jp: number[] = [], pt: number[] = [], an: number[] = [], ac: number[] = [], cl: number[] = [], cc: number[] = [];
  let findings = 0;
  for (let i = 0; i < runs; i++) {
    let t = performance.now();
    JSON.parse(text);
    jp.push(performance.now() - t);
    t = performance.now();
    parseTree(text, []);
    pt.push(performance.now() - t);
    t = performance.now();
    const c = process.cpuUsage();
    findings = analyzePlan({ planPath: 'plan.json', planText: text, rootDir: '' }).length;
    an.push(performance.now() - t);
    const cu = process.cpuUsage(c);
    ac.push((cu.user + cu.system) / 1000);
    const r = spawnSync('/usr/bin/time', ['-f', '%e %U %S', process.execPath, path.join(REPO, 'bin/lpg.js'), 'scan', file, '--format', 'json'], { encoding: 'utf8', maxBuffer: 1 << 30 });
    if (r.status !== 1) throw new Error(`lpg scan ${file}: exit ${r.status}: ${r.stderr.slice(-300)}`);
    const m = /(\d+(?:\.\d+)?) (\d+(?:\.\d+)?) (\d+(?:\.\d+)?)\s*$/.exec(r.stderr);
    if (!m) throw new Error(`no timing from /usr/bin/time: ${r.stderr.slice(-300)}`);
    cl.push(Number(m[1]) * 1000);
    cc.push((Number(m[2]) + Number(m[3])) * 1000);
  }
  return { file, bytes, instances, jsonParse: median(jp), parseTree: median(pt), analyze: median(an), analyzeCpu: median(ac), cli: median(cl), cliCpu: median(cc), findings, runs };
}

export function printPlan(f: PlanFigures): void {
  console.log(`plan: ${f.file}: ${f.instances} resource instances, ${(f.bytes / 1e6).toFixed(1)} MB (one line, as terraform show -json writes it), ${f.findings} findings; median of ${f.runs}:`);
  console.log(`  analysis (read with offsets, synthetic module, all rules, mapping) ${f.analyze.toFixed(0)} ms (CPU ${f.analyzeCpu.toFixed(0)} ms); floor: JSON.parse ${f.jsonParse.toFixed(0)} ms, jsonc-parser parseTree ${f.parseTree.toFixed(0)} ms`);
  console.log(`  lpg scan plan.json --format json (process start to exit) ${f.cli.toFixed(0)} ms (CPU ${f.cliCpu.toFixed(0)} ms)`);
  console.log(`  reproduce: npx tsx scripts/bench/plan.ts ${f.runs}`);
}

if (require.main === module) printPlan(planBench(Number(process.argv[2] ?? 5)));
