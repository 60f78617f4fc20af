// `npm run bench` part: the real etcd cluster against the simulation with the same parameters
// (etcd's defaults: heartbeat 100 ms, election timeout 1000 ms, 3 members). Progress lines, then
// one JSON object as the LAST line: the `etcd` figures of the bench. Usage: node scripts/bench_etcd.mjs [--quick]
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const dl = require(join(ROOT, 'kernel-lib', 'dist', 'index.js'));
const quick = process.argv.includes('--quick');
const log = (line) => console.log(`[bench etcd] ${line}`);
const round = (x, digits = 2) => (x === null || x === undefined ? null : Number(x.toFixed(digits)));

/** A public name of distlab, or the same function from its module in dist while it is not exported yet. */
function distlabFunction(name, modulePath) {
  if (typeof dl[name] === 'function') return dl[name];
  try {
    return require(join(ROOT, 'kernel-lib', 'dist', modulePath))[name];
  } catch {
    return undefined;
  }
}
const checkLinearizable = distlabFunction('checkLinearizable', 'checkers/linearizability.js');
const raftFailoverExperiment = distlabFunction('raftFailoverExperiment', 'topics/raft/raft-experiments.js');

const ETCD_DEFAULTS = { memberCount: 3, heartbeatIntervalMs: 100, electionTimeoutMs: 1000 };

async function main() {
  const etcd = dl.findEtcd();
  if (etcd === null) return { error: 'etcd is not installed (npm run setup unpacks it into .venv/etcd)' };
  log(`etcd ${etcd.version} from ${etcd.source}`);
  const out = { etcdVersion: etcd.version };

  const latency = await dl.etcdPutLatencyExperiment({ ...ETCD_DEFAULTS, puts: quick ? 200 : 1000 });
  Object.assign(out, { realPutP50Ms: round(latency.p50Ms, 3), realPutP99Ms: round(latency.p99Ms, 3), realPuts: latency.samplesMs.length });
  log(`put to the leader: p50 ${out.realPutP50Ms} ms, p99 ${out.realPutP99Ms} ms over ${latency.samplesMs.length} puts`);

  const trials = quick ? 5 : 20;
  const real = await dl.etcdFailoverExperiment({ ...ETCD_DEFAULTS, trials });
  Object.assign(out, { trials, realFailoverMedianMs: round(real.medianMs, 1), realFailoverMs: real.points.map((p) => round(p.failoverMs, 1)) });
  log(`real failover over ${trials} leader kills: median ${out.realFailoverMedianMs} ms`);

  if (typeof raftFailoverExperiment === 'function') {
    const simulated = raftFailoverExperiment({ ...ETCD_DEFAULTS, trials: quick ? 50 : 200, seed: 1 });
    out.simulatedFailoverMedianMs = round(simulated.medianMs, 1);
    out.failoverRatio = round(out.realFailoverMedianMs / simulated.medianMs, 3);
    out.failoverRatioInTarget = out.failoverRatio >= 0.75 && out.failoverRatio <= 1.33;
    log(`simulated failover (same parameters): median ${out.simulatedFailoverMedianMs} ms; real/simulated ${out.failoverRatio}`);
  } else {
    Object.assign(out, { simulatedFailoverMedianMs: null, failoverRatio: null, note: 'raftFailoverExperiment is not in this build of distlab' });
  }

  const operations = quick ? 1000 : 6000;
  const history = await dl.etcdHistoryExperiment({ ...ETCD_DEFAULTS, clientCount: 8, operations, keyCount: 5, killLeaderAfterOperations: Math.floor(operations / 2) });
  Object.assign(out, { linearizabilityHistoryOps: history.operationCount, historyWorkloadOpsPerSec: round(history.opsPerSec, 1), historyLeaderKilled: history.killed });
  log(`history: ${history.operationCount} operations by 8 clients at ${out.historyWorkloadOpsPerSec} ops/s, leader ${history.killed} killed half way`);
  if (typeof checkLinearizable === 'function') {
    const started = performance.now();
    const verdict = checkLinearizable(history.history);
    const seconds = (performance.now() - started) / 1000;
    Object.assign(out, { linearizable: verdict.ok, linearizabilityCheckSeconds: round(seconds, 3), linearizabilityOpsPerSec: round(history.operationCount / seconds, 0) });
    log(`checkLinearizable: ${verdict.ok ? 'linearizable' : 'NOT linearizable'}; ${out.linearizabilityOpsPerSec} ops/s checked`);
  } else {
    Object.assign(out, { linearizable: null, linearizabilityOpsPerSec: null });
  }

  if (!quick) {
    out.writeSuccessByMembersUp = {};
    for (const memberCount of [3, 5]) {
      const q = await dl.etcdQuorumExperiment({ ...ETCD_DEFAULTS, memberCount, attempts: 5, timeoutMs: 1000 });
      out.writeSuccessByMembersUp[memberCount] = Object.fromEntries(q.points.map((p) => [p.membersUp, p.writeSuccessRate]));
      log(`${memberCount} members: write success by members up ${JSON.stringify(out.writeSuccessByMembersUp[memberCount])}`);
    }
  }
  out.etcdLeft = dl.runningEtcdProcesses();
  return out;
}

main().then(
  (result) => {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    process.exit(result.error ? 1 : 0);
  },
  (error) => {
    process.stdout.write(`${JSON.stringify({ error: String(error?.stack ?? error).split('\n').slice(0, 3).join(' ') })}\n`);
    process.exit(1);
  }
);
