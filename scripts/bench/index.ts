/**
 * `npm run bench`: every benchmark of the project, figures only (no pass/fail), each with the
 * command that reproduces it. Needs the bundles (`npm run build`); generates its inputs under
 * /tmp/lpg-bench (LPG_BENCH_TMP) on first use. Machine-dependent: the core count and load average
 * are printed with the figures.
 *
 *   npm run bench                 all (typing, start, scan of corpus/real and of the monorepo, web, plan)
 *   npm run bench -- typing|modules|start|scan|web|plan [RUNS]
 *   npm run bench -- soak [MINUTES]     (server RSS after MINUTES of random editing; default 10, in `all` too)
 *   npm run bench -- inproc [EDITS]     (in-process CPU time per keystroke, block-local re-parse on/off)
 */
import * as fs from 'fs';
import * as os from 'os';
import { REPO } from '../../test/protocol/client';
import { typing, start, median, soak, WARMUP } from './typing';
import { inproc } from './inproc';
import { pct } from './typing';
import { buildFloor, scanBench, printScan, CORPUS_REAL } from './scan';
import { monorepo } from './gen';
import { planBench, printPlan } from './plan';
import { typingInChild } from './modules';
import { webBench } from './web';

async function main(): Promise<void> {
  const what = process.argv[2] ?? 'all';
  const runs = Number(process.argv[3] ?? 5);
  for (const b of ['dist/cli.js', 'dist/server.js']) if (!fs.existsSync(`${REPO}/${b}`)) { console.error(`${b} is missing: run npm run build`); process.exit(2); }
  console.log(`machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), ${Math.round(os.totalmem() / 2 ** 30)} GB, node ${process.version}, load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  if (what === 'all' || what === 'typing') {
    for (const units of [100, 10, 'plain'] as const) {
      const r = await typing(units, 500);
      console.log(`typing ${r.lines} lines (${units === 'plain' ? 'plain: buckets and security groups, no Lambda' : `${units} permissions, integrations, role policies`}), ${r.edits} incremental edits after ${WARMUP} warm-up edits, lpg.debounceMs 0:`);
      console.log(`  didChange -> publishDiagnostics p50 ${r.p50.toFixed(1)} ms, p95 ${r.p95.toFixed(1)} ms, max ${r.max.toFixed(1)} ms (client round trip); server RSS ${r.serverRss} MB${r.cold ? `; warm-up edits (cold JIT) p50 ${r.cold.p50.toFixed(1)} ms, p95 ${r.cold.p95.toFixed(1)} ms` : ''}`);
      console.log(`  reproduce: npx tsx scripts/bench/typing.ts typing 500`);
    }
  }
  if (what === 'all' || what === 'inproc') {
    const edits = what === 'inproc' ? Number(process.argv[3] ?? 500) : 500;
    for (const units of [100, 10]) for (const on of [false, true]) {
      const r = await inproc(units, edits, on);
      const f = (xs: number[]) => `p50 ${pct(xs, 50).toFixed(2)} ms, p95 ${pct(xs, 95).toFixed(2)} ms`;
      console.log(`in-process CPU per keystroke, ${r.lines} lines, block-local re-parse ${on ? 'on ' : 'off'}: model ${f(r.parse)}; model + analysis ${f(r.total)}`);
    }
    console.log(`  reproduce: npx tsx scripts/bench/inproc.ts ${edits}`);
  }
  if (what === 'all' || what === 'soak') {
    const minutes = what === 'soak' ? Number(process.argv[3] ?? 10) : 10;
    const r = await soak(minutes);
    console.log(`soak: ${minutes} min of random editing of the 2,014-line module, ${r.edits} keystrokes (round trip p50 ${r.p50.toFixed(1)} ms, p95 ${r.p95.toFixed(1)} ms): server RSS ${r.rssMb} MB, peak ${r.peakMb} MB`);
    console.log(`  reproduce: npx tsx scripts/bench/typing.ts soak ${minutes}`);
  }
  if (what === 'all' || what === 'modules') {
    for (const n of [0, 10]) {
      const r = await typingInChild(n, 500);
      console.log(`typing in a ${r.lines}-line child module called by ${n} roots (${n} configurations re-validated per keystroke), 500 incremental edits after ${WARMUP} warm-up edits, lpg.debounceMs 0:`);
      console.log(`  didChange -> publishDiagnostics p50 ${r.p50.toFixed(1)} ms, p95 ${r.p95.toFixed(1)} ms, max ${r.max.toFixed(1)} ms (client round trip); server RSS ${r.serverRss} MB${r.cold ? `; warm-up edits (cold JIT) p50 ${r.cold.p50.toFixed(1)} ms, p95 ${r.cold.p95.toFixed(1)} ms` : ''}`);
    }
    console.log(`  reproduce: npx tsx scripts/bench/modules.ts 10 500`);
  }
  if (what === 'all' || what === 'start') {
    const xs: number[] = [];
    for (let i = 0; i < runs; i++) xs.push(await start());
    console.log(`start: process start -> first publishDiagnostics of an opened 214-line file: median ${median(xs).toFixed(0)} ms of ${runs} (${xs.map((x) => x.toFixed(0)).join(', ')})`);
    console.log(`  reproduce: npx tsx scripts/bench/typing.ts start`);
  }
  if (what === 'all' || what === 'scan') {
    buildFloor();
    printScan(await scanBench('corpus/real', CORPUS_REAL, runs, () => undefined), '../shared/corpus/real');
    const m = monorepo();
    console.log(`monorepo: ${m.dir}: ${m.files} files, ${(m.bytes / 1e6).toFixed(1)} MB, ${m.lambdaModules} of 1000 folders are Lambda modules (npx tsx scripts/bench/gen.ts)`);
    printScan(await scanBench('monorepo', m.dir, runs, () => undefined), m.dir);
  }
  if (what === 'all' || what === 'web') {
    if (!fs.existsSync(`${REPO}/dist/web/index.html`)) { console.error('dist/web is missing: run npm run build'); process.exit(2); }
    try { await webBench(runs); } catch (e) { console.log(`page: not measured: ${(e as Error).message}`); }
  }
  if (what === 'all' || what === 'plan') printPlan(planBench(runs));
  console.log(`load average at the end: ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
}

main().catch((e) => { console.error(e); process.exit(1); });
