/**
 * Scan benchmarks: `lpg scan` (node dist/cli.js) and the server's lpg.scanWorkspace (node
 * dist/server.js over stdio) on ../shared/corpus/real and on the generated 10,000-file monorepo,
 * with the floor of the same tree (node dist/bench-floor.js: read every file, tree-sitter-parse the
 * relevant ones).
 *
 *   npx tsx scripts/bench/scan.ts [real|monorepo|all] [RUNS]
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { TestClient, REPO } from '../../test/protocol/client';
import { monorepo } from './gen';
import { median, rssOf } from './typing';
import { memoryLine, serverCommand } from './memprobe';

export const CORPUS_REAL = path.resolve(REPO, '../shared/corpus/real');
const CLI = path.join(REPO, 'dist/cli.js');
const FLOOR = path.join(REPO, 'dist/bench-floor.js');

/** Bundles scripts/bench/floor.ts next to the other bundles (the WASM files are in dist/). */
export function buildFloor(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const esbuild = require('esbuild') as typeof import('esbuild');
  esbuild.buildSync({
    entryPoints: [path.join(REPO, 'scripts/bench/floor.ts')], outfile: FLOOR, bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'error',
    alias: { 'web-tree-sitter': require.resolve('web-tree-sitter'), 'jsonc-parser': 'jsonc-parser/lib/esm/main.js' },
  });
}

/** Runs a command under /usr/bin/time: wall seconds, CPU seconds (user + system), peak RSS (MB), stdout. */
function timed(cmd: string[]): { s: number; cpu: number; rssMb: number; stdout: string; code: number } {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', ...cmd], { cwd: REPO, encoding: 'utf8', maxBuffer: 1 << 30 });
  const m = /(\d+(?:\.\d+)?) (\d+(?:\.\d+)?) (\d+(?:\.\d+)?) (\d+)\s*$/.exec(r.stderr);
  if (!m) throw new Error(`no timing from /usr/bin/time for ${cmd.join(' ')}: ${r.stderr.slice(-500)}`);
  return { s: Number(m[1]), cpu: Number(m[2]) + Number(m[3]), rssMb: Math.round(Number(m[4]) / 1024), stdout: r.stdout, code: r.status ?? -1 };
}

export function countFiles(dir: string): number {
  let n = 0;
  const visit = (d: string): void => { for (const e of fs.readdirSync(d, { withFileTypes: true })) { if (e.isDirectory()) { if (!['.git', 'node_modules', '.terraform'].includes(e.name)) visit(path.join(d, e.name)); } else n++; } };
  visit(dir);
  return n;
}

export interface ScanFigures {
  target: string; files: number; runs: number;
  cli: { s: number; cpu: number; rssMb: number; findings: number; analysed: number };
  floor: { s: number; cpu: number; rssMb: number; parsed: number };
  /** The floor without the pre-filter: every folder's Terraform parsed. */
  floorAll: { s: number; cpu: number; rssMb: number; parsed: number };
  server: { s: number; rssAfterMb: number; peakMb: number; findings: number };
}

export async function serverScan(dir: string): Promise<{ s: number; rssAfterMb: number; peakMb: number; findings: number }> {
  const c = new TestClient({ root: dir, settings: { '*': { run: 'onType', debounceMs: 0 } }, workDoneProgress: false, command: serverCommand() });
  try {
    await c.initialize();
    const t0 = performance.now();
    const r = await c.executeCommand('lpg.scanWorkspace') as { findings?: number };
    const s = (performance.now() - t0) / 1000;
    if (process.env.LPG_BENCH_MEMORY === '1') console.log(`  server after the scan: ${await memoryLine(c, true)}`);
    return { s, rssAfterMb: rssOf(c.proc.pid!), peakMb: rssOf(c.proc.pid!, 'VmHWM'), findings: r?.findings ?? NaN };
  } finally {
    await c.stop();
  }
}

export async function scanBench(name: string, dir: string, runs: number, log: (s: string) => void = console.log): Promise<ScanFigures> {
  const files = countFiles(dir);
  const cli: { s: number; cpu: number; rssMb: number; findings: number; analysed: number }[] = [];
  const floor: { s: number; cpu: number; rssMb: number; parsed: number }[] = [];
  const floorAll: { s: number; cpu: number; rssMb: number; parsed: number }[] = [];
  const server: { s: number; rssAfterMb: number; peakMb: number; findings: number }[] = [];
  for (let i = 0; i < runs; i++) {
    const c = timed([process.execPath, CLI, 'scan', dir, '--format', 'json']);
    const doc = JSON.parse(c.stdout) as { summary: { findings: number; files: number } };
    cli.push({ s: c.s, cpu: c.cpu, rssMb: c.rssMb, findings: doc.summary.findings, analysed: doc.summary.files });
    const f = timed([process.execPath, FLOOR, dir]);
    floor.push({ s: f.s, cpu: f.cpu, rssMb: f.rssMb, parsed: (JSON.parse(f.stdout) as { parsed: number }).parsed });
    const fa = timed([process.execPath, FLOOR, dir, '--all']);
    floorAll.push({ s: fa.s, cpu: fa.cpu, rssMb: fa.rssMb, parsed: (JSON.parse(fa.stdout) as { parsed: number }).parsed });
    server.push(await serverScan(dir));
    log(`  ${name} run ${i + 1}/${runs}: lpg scan ${c.s.toFixed(2)} s, floor ${f.s.toFixed(2)} s, server scan ${server[i].s.toFixed(2)} s`);
  }
  const med = <T>(xs: T[], k: (x: T) => number): number => median(xs.map(k));
  return {
    target: name, files, runs,
    cli: { s: med(cli, (x) => x.s), cpu: med(cli, (x) => x.cpu), rssMb: med(cli, (x) => x.rssMb), findings: cli[0].findings, analysed: cli[0].analysed },
    floor: { s: med(floor, (x) => x.s), cpu: med(floor, (x) => x.cpu), rssMb: med(floor, (x) => x.rssMb), parsed: floor[0].parsed },
    floorAll: { s: med(floorAll, (x) => x.s), cpu: med(floorAll, (x) => x.cpu), rssMb: med(floorAll, (x) => x.rssMb), parsed: floorAll[0].parsed },
    server: { s: med(server, (x) => x.s), rssAfterMb: med(server, (x) => x.rssAfterMb), peakMb: med(server, (x) => x.peakMb), findings: server[0].findings },
  };
}

export function printScan(f: ScanFigures, dirArg: string): void {
  const rate = (s: number) => Math.round(f.files / s);
  console.log(`scan ${f.target} (${f.files} files; median of ${f.runs}):`);
  console.log(`  lpg scan:            ${f.cli.s.toFixed(2)} s wall (${f.cli.cpu.toFixed(2)} s CPU), ${rate(f.cli.s)} files/s, peak RSS ${f.cli.rssMb} MB, ${f.cli.findings} findings in ${f.cli.analysed} files analysed`);
  console.log(`    reproduce: /usr/bin/time -v node dist/cli.js scan ${dirArg} --format json`);
  console.log(`  floor:               ${f.floor.s.toFixed(2)} s wall (${f.floor.cpu.toFixed(2)} s CPU; CPU ratio scan / floor ${(f.cli.cpu / f.floor.cpu).toFixed(2)}) (read ${f.files} files, tree-sitter-parse ${f.floor.parsed}), peak RSS ${f.floor.rssMb} MB; lpg scan / floor = ${(f.cli.s / f.floor.s).toFixed(2)}`);
  console.log(`    reproduce: node dist/bench-floor.js ${dirArg}   (after npx tsx scripts/bench/index.ts builds it)`);
  console.log(`  floor, every file parsed (no pre-filter): ${f.floorAll.s.toFixed(2)} s wall (${f.floorAll.cpu.toFixed(2)} s CPU) (tree-sitter-parse ${f.floorAll.parsed}), peak RSS ${f.floorAll.rssMb} MB; lpg scan / this floor = ${(f.cli.s / f.floorAll.s).toFixed(2)} (CPU ${(f.cli.cpu / f.floorAll.cpu).toFixed(2)})`);
  console.log(`    reproduce: node dist/bench-floor.js ${dirArg} --all`);
  console.log(`  server scanWorkspace: ${f.server.s.toFixed(2)} s, ${rate(f.server.s)} files/s, server RSS after ${f.server.rssAfterMb} MB (peak ${f.server.peakMb} MB), ${f.server.findings} findings; scan / floor = ${(f.server.s / f.floor.s).toFixed(2)}`);
  console.log(`    reproduce: npx tsx scripts/bench/scan.ts ${f.target === 'monorepo' ? 'monorepo' : 'real'}`);
}

async function main(): Promise<void> {
  if (!fs.existsSync(CLI)) { console.error('dist/cli.js is missing: run npm run build'); process.exit(2); }
  buildFloor();
  const what = process.argv[2] ?? 'all';
  const runs = Number(process.argv[3] ?? 5);
  if (what === 'real' || what === 'all') printScan(await scanBench('corpus/real', CORPUS_REAL, runs), '../shared/corpus/real');
  if (what === 'monorepo' || what === 'all') {
    const m = monorepo();
    console.log(`monorepo: ${m.dir}: ${m.files} files, ${(m.bytes / 1e6).toFixed(1)} MB, ${m.lambdaModules} of 1000 folders Lambda modules`);
    printScan(await scanBench('monorepo', m.dir, runs), m.dir);
  }
}

if (require.main === module) main().catch((e) => { console.error(e); process.exit(1); });
