/**
 * `npm run fuzz [-- SEED [INPUTS]]`: a longer mutation fuzz of the analysis core than the one in the
 * test suite. The seed is random unless given, and printed so a run can be repeated. Failing inputs are
 * written to scratch/fuzz-failures/ (ignored by git). Exit 1 when any input crashed, made a rule throw,
 * produced a range outside its document or took more than 2 s.
 *
 * `npm run fuzz -- --fixes [SEED [FOLDERS]]`: the fix fuzzer (test/unit/robustness/fixfuzz.ts): random
 * valid corpus folders, every preferred fix applied, results parsed with HashiCorp's parser, fixed
 * findings gone. Exit 1 on any problem.
 */
import * as fs from 'fs';
import * as path from 'path';
import { initParser } from '../server/src/host/node-wasm';
import { fuzz, loadFolders, summary, REPO } from '../test/unit/robustness/fuzzlib';
import { fixFuzz, fixSummary } from '../test/unit/robustness/fixfuzz';
import { Hcl2Json } from '../server/src/hcl2json';

async function fixes(args: string[]): Promise<void> {
  const seed = args[0] ? Number(args[0]) : Math.floor(Math.random() * 2 ** 31);
  const count = args[1] ? Number(args[1]) : 500;
  if (!Number.isInteger(seed) || !Number.isInteger(count) || count < 1) { console.error('usage: npm run fuzz -- --fixes [SEED] [FOLDERS]'); process.exit(2); }
  console.log(`fix fuzz: seed ${seed}, ${count} folders (repeat with: npm run fuzz -- --fixes ${seed} ${count})`);
  await initParser();
  const hcl = new Hcl2Json();
  const t0 = Date.now();
  const every = Math.max(1, Math.floor(count / 10));
  const s = await fixFuzz(loadFolders(), seed, count, hcl, (i, st) => {
    if ((i + 1) % every === 0) console.log(`  ${i + 1}/${count}: ${st.applied} fixes applied, ${st.dropped} dropped, ${st.problems.length} problems`);
  });
  hcl.dispose();
  console.log(fixSummary(s, seed) + ` in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  if (s.problems.length) {
    const dir = path.join(REPO, 'scratch', 'fuzz-failures');
    fs.mkdirSync(dir, { recursive: true });
    s.problems.forEach((p, i) => {
      const file = path.join(dir, `fixes-seed${seed}-${i}.txt`);
      fs.writeFileSync(file, `${p.kind} ${p.folder}\n${p.detail}\n---- text ----\n${p.text ?? ''}`);
      console.log(`${p.kind}: ${p.folder}: ${p.detail.split('\n')[0]} (saved to ${path.relative(REPO, file)})`);
    });
    process.exit(1);
  }
}

async function main(): Promise<void> {
  if (process.argv[2] === '--fixes') return fixes(process.argv.slice(3));
  const seed = process.argv[2] ? Number(process.argv[2]) : Math.floor(Math.random() * 2 ** 31);
  const count = process.argv[3] ? Number(process.argv[3]) : 50_000;
  if (!Number.isInteger(seed) || !Number.isInteger(count) || count < 1) {
    console.error('usage: npm run fuzz -- [SEED] [INPUTS]   or   npm run fuzz -- --fixes [SEED] [FOLDERS]');
    process.exit(2);
  }
  console.log(`fuzz: seed ${seed}, ${count} inputs (repeat with: npm run fuzz -- ${seed} ${count})`);
  await initParser();
  const folders = loadFolders();
  console.log(`fuzz: ${folders.length} module folders from ../shared/corpus and the fixtures`);
  const every = Math.max(1, Math.floor(count / 20));
  const s = fuzz(folders, seed, count, (i, st) => {
    if ((i + 1) % every === 0) console.log(`  ${i + 1}/${count}: ${st.crashes} crashes, ${st.ruleErrors} rule errors, ${st.badRanges} bad ranges, slowest ${st.slowest.ms.toFixed(0)} ms`);
  });
  console.log(summary(s, seed));
  const slow = s.slowest.ms >= 2000;
  if (s.problems.length || slow) {
    const dir = path.join(REPO, 'scratch', 'fuzz-failures');
    fs.mkdirSync(dir, { recursive: true });
    s.problems.forEach((p, i) => {
      const file = path.join(dir, `seed${seed}-input${p.index}-${i}.txt`);
      fs.writeFileSync(file, `${p.kind} ${p.input}\n${p.detail}\n---- input text ----\n${p.text}`);
      console.log(`${p.kind}: ${p.input}: ${p.detail.split('\n')[0]} (saved to ${path.relative(REPO, file)})`);
    });
    if (slow) console.log(`slow: ${s.slowest.input} took ${s.slowest.ms.toFixed(0)} ms (limit 2000 ms)`);
    process.exit(1);
  }
}

main().catch((e) => { console.error(e); process.exit(2); });
