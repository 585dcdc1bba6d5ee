/**
 * The page's figures (`npm run bench -- web`, or `npx tsx scripts/bench/web.ts [RUNS]`):
 *  - download size of dist/web (every file the page loads; raw and gzip -9, as a static server
 *    with compression would send it),
 *  - load -> first diagnostics for a 2,000-line Terraform file (typingModule(100)) opened through a
 *    share link: from navigation start (performance.timeOrigin) to the first squiggle in the DOM,
 *    in headless Chromium, fresh page each run (the browser's HTTP cache is on, as for a revisit).
 */
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import { openHarness, ownFiles, shareFragment, SQUIGGLE, WEB_ROOT } from '../../test/e2e/web/page';
import { typingModule } from './gen';

export function pageSize(): { files: { name: string; raw: number; gzip: number }[]; raw: number; gzip: number } {
  const files = ownFiles().map((name) => {
    const b = fs.readFileSync(path.join(WEB_ROOT, name));
    return { name, raw: b.length, gzip: zlib.gzipSync(b, { level: 9 }).length };
  }).sort((a, b) => b.raw - a.raw);
  return { files, raw: files.reduce((s, f) => s + f.raw, 0), gzip: files.reduce((s, f) => s + f.gzip, 0) };
}

export async function firstDiagnostics(runs: number): Promise<{ lines: number; ms: number[]; analysisMs: number[] }> {
  const text = typingModule(100);
  const frag = shareFragment([{ name: 'main.tf', text }]);
  const h = await openHarness();
  const ms: number[] = [];
  const analysisMs: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const page = await h.context.newPage();
      await page.goto(h.base + frag);
      await page.waitForSelector(SQUIGGLE, { timeout: 60_000 });
      ms.push(await page.evaluate(() => performance.now()));
      const status = (await page.textContent('#status')) ?? '';
      const m = /analysed in (\d+) ms/.exec(status);
      if (m) analysisMs.push(Number(m[1]));
      await page.close();
    }
  } finally { await h.close(); }
  return { lines: text.split('\n').length - 1, ms, analysisMs };
}

const kb = (n: number) => `${(n / 1024).toFixed(0)} KB`;
const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : NaN; };

export async function webBench(runs: number): Promise<void> {
  const s = pageSize();
  console.log(`page (dist/web): ${kb(s.raw)} raw, ${kb(s.gzip)} gzip -9 in ${s.files.length} files: ${s.files.map((f) => `${f.name} ${kb(f.raw)}/${kb(f.gzip)}`).join(', ')}`);
  const r = await firstDiagnostics(runs);
  console.log(`page: load -> first diagnostics of a ${r.lines}-line file (share link, headless Chromium): median ${median(r.ms).toFixed(0)} ms of ${runs} (${r.ms.map((x) => x.toFixed(0)).join(', ')}); the analysis itself (worker) median ${median(r.analysisMs)} ms`);
  console.log(`  reproduce: npx tsx scripts/bench/web.ts ${runs}`);
}

if (require.main === module) {
  webBench(Number(process.argv[2] ?? 5)).catch((e) => { console.error(e); process.exit(1); });
}
