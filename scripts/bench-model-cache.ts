// A/B: the syntax model per keystroke with and without the per-document block cache (same incremental trees), 300-permission file (55 KB).
// npx tsx scripts/bench-model-cache.ts
import { parseTerraform } from '../server/src/core/parse/treesitter';
import { initParser } from '../server/src/host/node-wasm';
import { syntaxFromTree, BlockCache } from '../server/src/core/model/hcl';
const PERM = (i: number) => `resource "aws_lambda_permission" "p${i}" {\n  statement_id  = "AllowAPI${i}"\n  action        = "lambda:InvokeFunction"\n  function_name = "f${i}"\n  principal     = "apigateway.amazonaws.com"\n}\n\n`;
(async () => {
  await initParser();
  for (const where of ['first block', 'middle block']) {
    let text = Array.from({ length: 300 }, (_, i) => PERM(i)).join('');
    let tree = parseTerraform(text);
    const cache = new BlockCache();
    syntaxFromTree(tree, text, cache);
    let tp = 0, tc = 0, tn = 0; const N = 30;
    const base = text.indexOf(where === 'first block' ? '"f0"' : '"f150"') + 2;
    for (let k = 0; k < N; k++) {
      const at = base + k;
      const li = text.slice(0, at).split('\n'); const row = li.length - 1, col = li[row].length;
      text = text.slice(0, at) + 'x' + text.slice(at);
      tree.edit({ startIndex: at, oldEndIndex: at, newEndIndex: at + 1, startPosition: { row, column: col }, oldEndPosition: { row, column: col }, newEndPosition: { row, column: col + 1 } });
      let t0 = performance.now(); const nt = parseTerraform(text, tree); tp += performance.now() - t0; tree.delete(); tree = nt;
      t0 = performance.now(); syntaxFromTree(tree, text, cache); tc += performance.now() - t0;
      t0 = performance.now(); syntaxFromTree(tree, text); tn += performance.now() - t0;
    }
    console.log(`${where}: incremental parse ${(tp / N).toFixed(2)} ms, model with block cache ${(tc / N).toFixed(2)} ms, without ${(tn / N).toFixed(2)} ms`);
  }
})();
