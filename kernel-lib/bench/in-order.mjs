// Workloads in a given order in one process, on one build: the median rate of each, to see how
// running one shape of simulation changes the speed of the next (V8 re-optimises shared code).
// Usage: node kernel-lib/bench/in-order.mjs <dist> gossip,mm1,gossip [runs per workload, 8]
import { resolve } from 'node:path';
import { loadBuild } from './against.mjs';
import { workloads } from './workloads.mjs';

const [distArg, order, runsArg = '8'] = process.argv.slice(2);
if (!distArg || !order) {
  console.error('usage: node kernel-lib/bench/in-order.mjs <dist> <workload,workload,...> [runs]');
  process.exit(2);
}
const all = workloads(loadBuild(resolve(distArg)), 1);
for (const name of order.split(',')) {
  if (!(name in all)) throw new Error(`unknown workload: ${name} (one of ${Object.keys(all).join(', ')})`);
  const rates = [];
  for (let i = 0; i < Number(runsArg); i++) rates.push(all[name].run(1 + (i % 3)).rate);
  rates.sort((a, b) => a - b);
  console.log(`${name}: median ${Math.round(rates[rates.length >> 1]).toLocaleString('en-US')} events/s`);
}
