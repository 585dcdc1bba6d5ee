import { generatePlan } from './scripts/bench/plan-gen';
import { analyzePlan } from './server/src/core/frontends/plan';
import { parseTree } from 'jsonc-parser';
const t = generatePlan(1000);
console.log('bytes', t.length);
for (let r = 0; r < 3; r++) {
  const a = performance.now(); JSON.parse(t); const b = performance.now(); parseTree(t, []); const c = performance.now();
  const f = analyzePlan({ planPath: 'plan.json', planText: t, rootDir: '' }, { onRuleError: (id, e) => console.log(id, e) });
  const d = performance.now();
  console.log('JSON.parse', (b - a).toFixed(0), 'parseTree', (c - b).toFixed(0), 'analyze', (d - c).toFixed(0), 'findings', f.length, f.slice(0,1).map(x=>x.message));
}
