// Options of the kube, resilience, latency, scalability and idempotency topics, declared once.
import { describe, expect, it } from 'vitest';
import * as dl from 'distlab';
import { declaredOptionSets, optionDoc } from '../src/core/options';
import { CALL_CHAIN_OPTIONS } from '../src/topics/latency/call-chains';
import { DB_LOOP_OPTIONS } from '../src/topics/latency/db-loop';
import { FIBRE_LATENCY_OPTIONS } from '../src/topics/latency/speed-of-light';
import { SCALABILITY_OPTIONS } from '../src/topics/scalability/scalability';
import { DEPLOY_WAIT_OPTIONS, REPLICA_AVAILABILITY_OPTIONS, USER_LATENCY_OPTIONS } from '../src/topics/scalability/why-distribute';
import { AT_LEAST_ONCE_OPTIONS, IDEMPOTENCY_COMPARISON_OPTIONS, TRANSFER_RETRY_OPTIONS } from '../src/topics/idempotency/idempotency';
import { BULKHEAD_OPTIONS, CAP_BANK_OPTIONS, RETRY_STORM_OPTIONS, SYNC_CHAIN_OPTIONS } from '../src/topics/resilience/resilience-patterns';
import { KUBE_CLUSTER_OPTIONS, KUBE_PHASE_COUNTS_OPTIONS } from '../src/topics/kube/cluster';
import { NODE_FAILURE_OPTIONS, WATCH_POLL_OPTIONS } from '../src/topics/kube/experiments';
import { KUBE_NODE_FAILURE_TIMES_OPTIONS } from '../src/topics/kube/node-failure-times';
import { RAFT_FAILOVER_OPTIONS, RAFT_MINORITY_OPTIONS, RAFT_QUORUM_OPTIONS } from '../src/topics/raft/raft-experiments';
import { ETCD_FAILOVER_OPTIONS, ETCD_MINORITY_OPTIONS, ETCD_QUORUM_OPTIONS } from '../src/live/etcd/experiments';

describe('topic options: one declaration each', () => {
  it('fills the same defaults the hand-written checks filled', () => {
    // The defaults as the code before the declarations stated them, key by key.
    const cases: [{ parse(o: unknown): unknown }, Record<string, unknown>][] = [
      [CALL_CHAIN_OPTIONS, { calls: 50, callMs: 2, batchSize: 10 }],
      [DB_LOOP_OPTIONS, { calls: 100, callRttMs: 1, strategy: 'sequential', batchSize: 10, seed: 1 }],
      [FIBRE_LATENCY_OPTIONS, { distanceKm: 5570, fibreSpeedFraction: 2 / 3 }],
      [SCALABILITY_OPTIONS, { serverCounts: [1, 2, 4, 8, 16, 32, 64], serviceMs: 0.1, coordinationFraction: 0.05, coordinationCostMs: 0.1, linkLatencyMs: 0.25, windowMs: 100, seed: 1 }],
      [REPLICA_AVAILABILITY_OPTIONS, { serverCounts: [1, 2, 3], serverUpProbabilities: [0.9, 0.99], seeds: 2000 }],
      [USER_LATENCY_OPTIONS, { regionRttMs: { 'US server': 20, 'Europe server': 100, 'Asia server': 200 }, requests: 500, seed: 1 }],
      [DEPLOY_WAIT_OPTIONS, { teamCount: 8, changesPerTeamPerWeek: 3, trainIntervalHours: 168, breakProbability: 0.02, pipelineHours: 1, weeks: 12, seed: 1 }],
      [TRANSFER_RETRY_OPTIONS, { requestIds: false, transfers: 5, dropProbability: 0.3, timeoutMs: 20, attemptsMax: 5, seed: 1 }],
      [IDEMPOTENCY_COMPARISON_OPTIONS, { seeds: 500, transfers: 5, dropProbability: 0.3 }],
      [AT_LEAST_ONCE_OPTIONS, { dedup: true, events: 200, dropProbability: 0.2, duplicateProbability: 0.05, resendAfterMs: 15, seed: 1 }],
      [RETRY_STORM_OPTIONS, { policy: 'immediate', clientCount: 50, capacityPerS: 1000, requestIntervalMs: 100, timeoutMs: 50, stallAtMs: 1000, stallMs: 500, untilMs: 4000, seed: 1 }],
      [BULKHEAD_OPTIONS, { bulkheads: false, poolSize: 20, seed: 1 }],
      [SYNC_CHAIN_OPTIONS, { chainLengths: [1, 2, 4, 6, 8, 10], serviceUpProbability: 0.99, seeds: 1000 }],
      [CAP_BANK_OPTIONS, { mode: 'AP', seed: 1 }],
      [KUBE_CLUSTER_OPTIONS, { version: 'v1.32', etcdMemberCount: 3, apiServerCount: 2, workerCount: 3, replicas: 1, heartbeatIntervalS: 10, tolerationS: 300, podStartMedianS: 3, seed: 1 }],
      [KUBE_PHASE_COUNTS_OPTIONS, { stepS: 0.5 }],
      [NODE_FAILURE_OPTIONS, { version: 'v1.32', failAtS: 45, tolerationS: 300, seed: 1 }],
      [WATCH_POLL_OPTIONS, { clientCounts: [10, 50, 200], pollIntervalS: 1, changesPerS: 0.5, untilS: 60, seed: 1 }],
      [KUBE_NODE_FAILURE_TIMES_OPTIONS, { failAtS: 0, heartbeatIntervalS: 10, gracePeriodS: undefined, tolerationS: 300, rescheduleS: 2, podStartS: 8 }]
    ];
    for (const [set, defaults] of cases) expect(set.parse({})).toEqual(defaults);
  });

  it('registers every public function under its name, with a doc, a range and a default for each option', () => {
    const names = [
      'callChainTimings', 'dbLoopExperiment', 'fibreLatency', 'scalabilityExperiment', 'replicaAvailabilityExperiment', 'userLatencyExperiment',
      'deployWaitExperiment', 'transferRetryExperiment', 'idempotencyComparison', 'atLeastOnceExperiment', 'retryStormExperiment', 'bulkheadExperiment',
      'syncChainExperiment', 'capBankExperiment', 'kubeCluster', 'kubeNodeFailureExperiment', 'watchVsPollExperiment', 'kubeNodeFailureTimes',
      'KubeCluster.scale', 'KubeCluster.cordon', 'KubeCluster.killNode', 'KubeCluster.crash', 'KubeCluster.partition', 'KubeCluster.kubectlAt',
      'KubeCluster.run', 'KubeCluster.getPods', 'KubeCluster.getNodes', 'KubeCluster.getLeases', 'KubeCluster.phaseCounts'
    ];
    const sets = declaredOptionSets();
    for (const name of names) {
      const set = sets.get(name);
      expect(set, name).toBeDefined();
      for (const key of set!.keys) {
        const spec = set!.specs[key];
        expect(spec.doc.length, `${name}.${key}`).toBeGreaterThan(5);
        expect(spec.expected.length, `${name}.${key}`).toBeGreaterThan(0);
        expect(spec.defaultText, `${name}.${key}`).toBeDefined();
      }
    }
    expect(optionDoc(SCALABILITY_OPTIONS.specs.serviceMs)).toBe("CPU time one request costs a server. Allowed: 0.001..1000 ms. Default 0.1 ms (10,000 requests/s per server, the course's number).");
    expect(optionDoc(KUBE_NODE_FAILURE_TIMES_OPTIONS.specs.gracePeriodS)).toBe("node-monitor-grace-period. Allowed: 1..3600 s. Default the version's: 40 s before v1.32, 50 s from v1.32.");
    expect(optionDoc(AT_LEAST_ONCE_OPTIONS.specs.dropProbability)).toMatch(/Allowed: 0\.\.0\.95\. Default 0\.2\.$/);
  });

  it('a default that depends on another option is computed after parse', () => {
    expect(dl.kubeNodeFailureTimes('v1.31').gracePeriodS).toBe(40);
    expect(dl.kubeNodeFailureTimes('v1.32').gracePeriodS).toBe(50);
    expect(dl.kubeNodeFailureTimes('v1.31', { gracePeriodS: 45 })).toMatchObject({ gracePeriodS: 45, notReadyS: 45, evictionS: 345 });
  });

  it('refuses bad values with the house phrasing, ranges as declared', () => {
    const cases: [() => unknown, string][] = [
      [() => dl.scalabilityExperiment({ serverCounts: [] }), 'invalid serverCounts: [] (expected a list of 1..32 values, each an integer 1..256)'],
      [() => dl.scalabilityExperiment({ serverCounts: [1, 300] }), 'invalid serverCounts[1]: 300 (expected an integer 1..256)'],
      [() => dl.scalabilityExperiment({ windowMs: 10_000, serviceMs: 0.001 }), 'invalid windowMs: 10000 (expected a window small enough for at most 2,000,000 simulated requests)'],
      [() => dl.replicaAvailabilityExperiment({ serverUpProbabilities: [1.2] }), 'invalid serverUpProbabilities[0]: 1.2 (expected 0..1)'],
      [() => dl.userLatencyExperiment({ regionRttMs: {} }), 'invalid regionRttMs: {} (expected an object of region name to round trip in ms)'],
      [() => dl.userLatencyExperiment({ regionRttMs: { Mars: -1 } }), 'invalid regionRttMs.Mars: -1 (expected 0.001..10000 ms)'],
      [() => dl.deployWaitExperiment({ teamCount: 0 }), 'invalid teamCount: 0 (expected an integer 1..200)'],
      [() => dl.fibreLatency({ fibreSpeedFraction: 2 }), 'invalid fibreSpeedFraction: 2 (expected 0.1..1)'],
      [() => dl.dbLoopExperiment({ strategy: 'async' as never }), 'invalid strategy: "async" (expected one of sequential, batched, parallel)'],
      [() => dl.callChainTimings({ calls: 1.5 }), 'invalid calls: 1.5 (expected an integer 1..10000)'],
      [() => dl.transferRetryExperiment({ requestIds: 1 as never }), 'invalid requestIds: 1 (expected true or false)'],
      [() => dl.atLeastOnceExperiment({ dropProbability: 0.96 }), 'invalid dropProbability: 0.96 (expected 0..0.95)'],
      [() => dl.retryStormExperiment({ policy: 'panic' as never }), 'invalid policy: "panic" (expected one of immediate, backoff)'],
      [() => dl.retryStormExperiment({ requestIntervalMs: 0 }), 'invalid requestIntervalMs: 0 (expected 1..1000000 ms)'],
      [() => dl.bulkheadExperiment({ bulkheads: 'yes' as never }), 'invalid bulkheads: "yes" (expected true or false)'],
      [() => dl.syncChainExperiment({ chainLengths: [31] }), 'invalid chainLengths[0]: 31 (expected an integer 1..30)'],
      [() => dl.capBankExperiment({ mode: 'CA' as never }), 'invalid mode: "CA" (expected one of CP, AP)'],
      [() => dl.kubeCluster({ workerCount: 11 }), 'invalid workerCount: 11 (expected an integer 1..10)'],
      [() => dl.kubeNodeFailureExperiment({ failAtS: 10 }), 'invalid failAtS: 10 (expected 15..3600 s)'],
      [() => dl.kubeNodeFailureTimes('v1.32', { gracePeriodS: 0 }), 'invalid gracePeriodS: 0 (expected 1..3600 s)'],
      [() => dl.kubeNodeFailureTimes('v1.30' as never), 'invalid version: "v1.30" (expected one of v1.31, v1.32)'],
      [() => dl.watchVsPollExperiment({ untilS: 0 }), 'invalid untilS: 0 (expected 1..3600 s)'],
      [() => dl.watchVsPollExperiment({ clientCounts: [500], pollIntervalS: 0.05, untilS: 3600 }), 'invalid pollIntervalS: 0.05 (expected fewer than 3,000,000 polls per run)']
    ];
    for (const [call, message] of cases) expect(call).toThrow(message);
  });

  it('the cluster methods check their options, and the relations with the run clock after parse', () => {
    const c = dl.kubeCluster({ seed: 2 });
    expect(() => c.run({} as never)).toThrow('invalid untilS: undefined (expected 0..36000 s)');
    c.run({ untilS: 20 });
    expect(() => c.run({ untilS: 10 })).toThrow('invalid untilS: 10 (expected 20..36000 s)');
    expect(() => c.scale(2, { atS: 5 })).toThrow('invalid atS: 5 (expected 20..36000 s)');
    expect(() => c.getPods({ atS: 30 })).toThrow('invalid atS: 30 (expected 0..20 s)');
    expect(() => c.partition(['worker-1'], { atS: 30, untilS: 25 })).toThrow('invalid untilS: 25 (expected >= atS = 30 s)');
    expect(() => c.crash('etcd-1', { restartAfterS: -1 })).toThrow('invalid restartAfterS: -1 (expected 0..1000000 s)');
    expect(() => c.cordon('worker-1', { uncordon: 'yes' as never })).toThrow('invalid uncordon: "yes" (expected true or false)');
    expect(() => c.phaseCounts({ stepS: 0 })).toThrow('invalid stepS: 0 (expected 0.01..3600 s)');
    expect(() => c.scale(51)).toThrow('invalid replicas: 51 (expected an integer 0..50)');
    expect(() => c.killNode('worker-1', { at: 3 } as never)).toThrow('unknown option in KubeCluster.killNode: at (expected one of atS)');
  });
});

describe('a simulated Raft experiment and its twin on a real etcd cluster', () => {
  it('take the options they share with the same doc, range and default (the minority watch once allowed 600 s here and 120 s there)', () => {
    const twins = [
      [RAFT_FAILOVER_OPTIONS, ETCD_FAILOVER_OPTIONS, ['probeIntervalMs']],
      [RAFT_QUORUM_OPTIONS, ETCD_QUORUM_OPTIONS, ['attempts', 'timeoutMs']],
      [RAFT_MINORITY_OPTIONS, ETCD_MINORITY_OPTIONS, ['timeoutMs', 'watchMs']]
    ] as const;
    for (const [simulated, real, keys] of twins) {
      for (const key of keys) {
        const docOf = (set: { specs: object }) => optionDoc((set.specs as Record<string, Parameters<typeof optionDoc>[0]>)[key]);
        expect(docOf(real), `${simulated.where} / ${real.where}: ${key}`).toBe(docOf(simulated));
      }
    }
  });
});

describe('one spelling per concept in these topics', () => {
  it('refuses an old name and names the new one', () => {
    const cases: [() => unknown, RegExp][] = [
      [() => dl.deployWaitExperiment({ teams: 8 } as never), /^unknown option in deployWaitExperiment: teams \(expected one of teamCount, /],
      [() => dl.retryStormExperiment({ clients: 5 } as never), /^unknown option in retryStormExperiment: clients \(expected one of policy, clientCount, /],
      [() => dl.retryStormExperiment({ requestEveryMs: 5 } as never), /^unknown option in retryStormExperiment: requestEveryMs \(expected one of .*requestIntervalMs/],
      [() => dl.kubeCluster({ etcdMembers: 3 } as never), /^unknown option in kubeCluster: etcdMembers \(expected one of version, etcdMemberCount, apiServerCount, workerCount, /],
      [() => dl.kubeCluster({ workers: 3 } as never), /^unknown option in kubeCluster: workers /],
      [() => dl.kubeNodeFailureExperiment({ killAtS: 45 } as never), /^unknown option in kubeNodeFailureExperiment: killAtS \(expected one of version, failAtS, /],
      [() => dl.watchVsPollExperiment({ durationS: 60 } as never), /^unknown option in watchVsPollExperiment: durationS \(expected one of .*untilS/]
    ];
    for (const [call, message] of cases) expect(call).toThrow(message);
  });

  it('a count of parties is xCount, and the plain plural lists their names', () => {
    const c = dl.kubeCluster({ etcdMemberCount: 5, apiServerCount: 1, workerCount: 2 });
    expect(c.etcdMembers).toEqual(['etcd-1', 'etcd-2', 'etcd-3', 'etcd-4', 'etcd-5']);
    expect(c.apiServers).toEqual(['apiserver-1']);
    expect(c.workers).toEqual(['worker-1', 'worker-2']);
    expect(dl.scalabilityExperiment({ serverCounts: [1, 4] }).rows.map((r) => r.serverCount)).toEqual([1, 4]);
    const rows = dl.watchVsPollExperiment({ clientCounts: [3, 7], untilS: 5 }).rows;
    expect(rows.map((r) => `${r.mode} ${r.clientCount}`)).toEqual(['poll 3', 'poll 7', 'watch 3', 'watch 7']);
    // Each poll is one request: clients / interval per second.
    expect(rows[1].apiMessagesPerS).toBeCloseTo(7, 0);
  });

  it("scalability rows: coordinationCpuFraction is the CPU share, f(n-1)c / (s + f(n-1)c), not the option's request fraction", () => {
    const f = 0.05;
    const rows = dl.scalabilityExperiment({ serverCounts: [1, 4, 32], coordinationFraction: f }).rows;
    expect(rows[0].coordinationCpuFraction).toBe(0);
    for (const r of rows.slice(1)) {
      const work = f * (r.serverCount - 1) * 0.1;
      expect(r.coordinationCpuFraction).toBeCloseTo(work / (0.1 + work), 1);
      expect(r.coordinationCpuFraction).toBeGreaterThan(f);
    }
  });

  it('the simulated node failure names its milestones as the closed form does', () => {
    const sim = dl.kubeNodeFailureExperiment({ version: 'v1.31' });
    const model = dl.kubeNodeFailureTimes('v1.31');
    for (const key of ['lastHeartbeatS', 'notReadyS', 'evictionS', 'runningS'] as const) {
      expect(typeof sim[key], key).toBe('number');
      expect(typeof model[key], key).toBe('number');
    }
    // Same grace and toleration: the gaps agree within the node controller's 1 s check and a heartbeat's trip.
    expect(sim.notReadyS - sim.lastHeartbeatS).toBeGreaterThanOrEqual(model.notReadyS - model.lastHeartbeatS);
    expect(sim.notReadyS - sim.lastHeartbeatS).toBeLessThanOrEqual(model.notReadyS - model.lastHeartbeatS + 1.5);
    expect(sim.evictionS - sim.notReadyS).toBeCloseTo(model.evictionS - model.notReadyS, -1);
    expect(sim.runningS).toBeGreaterThan(sim.evictionS);
  });
});
