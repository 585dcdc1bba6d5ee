import { generatePlan } from './scripts/bench/plan-gen';
import { analyzePlan } from './server/src/core/frontends/plan';
const t = generatePlan(Number(process.argv[2] ?? 10));
for (let i = 0; i < 3; i++) { const a = performance.now(); const f = analyzePlan({ planPath: 'plan.json', planText: t, rootDir: '' }); console.log(f.length, (performance.now() - a).toFixed(0)); }
