import { describe, expect, it } from 'vitest';
import * as dl from 'distlab';

describe('Part 1: why distribute', () => {
  it('scalability: one server does 10,000 req/s; coordination bends the curve to the closed-form model', () => {
    const { rows } = dl.scalabilityExperiment({ serverCounts: [1, 8, 64] });
    expect(rows[0].throughputPerS).toBe(10_000);
    for (const r of rows) expect(Math.abs(r.throughputPerS - r.modelPerS) / r.modelPerS).toBeLessThan(0.03);
    expect(rows[2].throughputPerS).toBeLessThan(rows[2].linearPerS / 2);
    const free = dl.scalabilityExperiment({ serverCounts: [10], coordinationFraction: 0 });
    expect(free.rows[0].throughputPerS).toBe(100_000);
  });

  it('availability: any one of n servers answers with probability 1 - (1-p)^n', () => {
    for (const pt of dl.replicaAvailabilityExperiment({ serverCounts: [1, 2], serverUpProbabilities: [0.7], seeds: 2000 })) {
      const expected = 1 - Math.pow(1 - pt.nodeAvailability, pt.nodeCount);
      expect(pt.low).toBeLessThanOrEqual(expected + 0.01);
      expect(pt.high).toBeGreaterThanOrEqual(expected - 0.01);
    }
  });

  it('user latency follows the course round trips (20 / 100 / 200 ms)', () => {
    const r = dl.userLatencyExperiment({ requests: 300 });
    expect(dl.percentile(r.samplesMs['US server'], 50)).toBeCloseTo(20, 0);
    expect(dl.percentile(r.samplesMs['Europe server'], 50)).toBeCloseTo(100, -1);
    expect(dl.percentile(r.samplesMs['Asia server'], 50)).toBeCloseTo(200, -1);
  });
});

describe('Part 2: the three challenges', () => {
  it('50 calls of 2 ms: 100 ms sequential, 10 ms batched, 2 ms parallel, measured in the simulator', () => {
    const t = (strategy: dl.CallStrategy) => dl.dbLoopExperiment({ calls: 50, callRttMs: 2, strategy, batchSize: 10 }).latencyMs;
    expect([t('sequential'), t('batched'), t('parallel')]).toEqual([100, 10, 2]);
    expect(dl.dbLoopExperiment({ calls: 100, callRttMs: 1 }).latencyMs).toBe(100);
  });

  it('failure modes: crash and omission time out, timing replies late, byzantine answers wrongly', () => {
    expect(dl.failureModeExperiment({ mode: 'none' }).counts.ok).toBe(8);
    expect(dl.failureModeExperiment({ mode: 'crash' }).counts.timeout).toBe(4);
    expect(dl.failureModeExperiment({ mode: 'omission' }).counts.timeout).toBeGreaterThan(0);
    expect(dl.failureModeExperiment({ mode: 'timing' }).counts['late reply']).toBe(4);
    const byz = dl.failureModeExperiment({ mode: 'byzantine' });
    expect(byz.counts['wrong answer']).toBe(4);
    expect(byz.counts.timeout).toBe(0);
  });

  it('no response: six different truths, one identical client view', () => {
    const r = dl.noResponseExperiment();
    expect(r.rows).toHaveLength(6);
    expect(new Set(r.rows.map((x) => x.clientLog)).size).toBe(1);
    expect(r.rows.filter((x) => x.serverApplied).map((x) => x.case).sort()).toEqual(
      ['crashed after processing', 'response delayed in network', 'response lost', 'server just slow'].sort()
    );
    // The slow server's and the slow network's replies both arrive, after the timeout.
    expect(r.rows.filter((x) => x.replyArrivedLate).map((x) => x.case).sort()).toEqual(['response delayed in network', 'server just slow']);
  });

  it('timeouts: false timeouts fall as the timeout passes the latency tail', () => {
    const ys = dl.timeoutSweep({ timeoutMsList: [5, 20, 100], seeds: 500 }).points.map((p) => p.y);
    expect(ys[0]).toBeGreaterThan(0.9);
    expect(ys[2]).toBe(0);
    expect(ys[1]).toBeLessThan(ys[0]);
  });

  it('clock drift: offsets grow at the drift rate and syncs step them back', () => {
    const never = dl.clockDriftExperiment({ syncIntervalMin: 0, offsetMsMax: 0, hours: 1, seed: 2 });
    const synced = dl.clockDriftExperiment({ syncIntervalMin: 10, offsetMsMax: 0, hours: 1, seed: 2 });
    expect(synced.maxSkewMs).toBeLessThan(never.maxSkewMs);
    const worst = Math.max(...Object.values(never.driftPpm).map(Math.abs));
    expect(never.maxSkewMs).toBeLessThanOrEqual(2 * worst * 3.6 + 1e-6); // ppm × 3600 s = ms per hour
  });

  it('Server A/B: B 2 ms ahead reproduces the course stamps .001 .003 .004 .005', () => {
    const r = dl.serverABExperiment();
    expect(r.events.map((e) => e.stampMs)).toEqual([1, 3, 4, 5]);
    expect([r.apparentRequestMs, r.trueRequestMs, r.apparentResponseMs, r.trueResponseMs]).toEqual([2, 0, 1, 3]);
    expect(r.events.map((e) => e.lamport)).toEqual([1, 2, 3, 4]);
  });

  it('47 ms trading story: wall clock puts every hedge before its trade, Lamport none', () => {
    const r = dl.tradingClockSkewExperiment({ skewMs: 47, trades: 200 });
    expect(r.misorderedByWallClock).toBe(200);
    expect(r.misorderedByLamport).toBe(0);
    expect(dl.tradingClockSkewExperiment({ skewMs: 0 }).misorderedByWallClock).toBe(0);
  });
});

describe('Part 3: CAP and PACELC', () => {
  it('CP refuses on the minority side and is never stale; AP serves everything, diverges, then converges', () => {
    const cp = dl.replicatedRegisterExperiment({ mode: 'CP' });
    const ap = dl.replicatedRegisterExperiment({ mode: 'AP' });
    expect(cp.summary.refused).toBeGreaterThan(0);
    expect(cp.summary.staleReads).toBe(0);
    // A request begun within one timeout before the cut is refused too: its replies cannot cross.
    expect(cp.requests.filter((q) => q.outcome === 'refused').every((q) => q.replica === 'r3' && q.atMs >= 300 - 20 && q.atMs < 800)).toBe(true);
    expect(ap.summary.refused).toBe(0);
    expect(ap.summary.staleReads).toBeGreaterThan(0);
    expect(ap.intervals.some((i) => i.state === 'serving, diverged')).toBe(true);
    expect(cp.converged && ap.converged).toBe(true);
  });

  it('PACELC: sync write latency = local + RTT with zero staleness; async is fast but stale', () => {
    const { rows } = dl.replicationSweep({ replicaRttMsList: [30] });
    const sync = rows.find((r) => r.mode.startsWith('synchronous'))!;
    const async = rows.find((r) => r.mode.startsWith('asynchronous'))!;
    expect(sync.writeLatencyMs).toBeGreaterThan(30);
    expect(sync.stalenessMs).toBe(0);
    expect(async.writeLatencyMs).toBe(1);
    expect(async.stalenessMs).toBeGreaterThan(15);
  });
});

describe('Part 4: patterns', () => {
  it('two generals: P(agreement) matches 1 - loss^k', () => {
    const r = dl.twoGeneralsAgreement({ messengersList: [1, 3], dropProbabilities: [0.5], seeds: 3000 });
    for (const p of r.points) {
      const expected = 1 - Math.pow(0.5, p.x);
      expect(expected).toBeGreaterThanOrEqual(p.low! - 0.005);
      expect(expected).toBeLessThanOrEqual(p.high! + 0.005);
    }
  });

  it('two generals: for every finite protocol, losing the last message breaks agreement', () => {
    const regress = dl.twoGeneralsRegress({ messagesMax: 8 });
    for (const row of regress.rows) {
      expect(row.senderCannotTell).toBe(true);
      expect(row.agreementInBothRuns).toBe(false);
    }
    // The lost messenger is the network's doing: sent, then dropped, visible in the trace.
    for (const m of [1, 3, 4]) {
      const trace = regress.traceLastLost(m);
      const kinds = trace.events().map((e) => e.type);
      expect(kinds.filter((k) => k === 'send')).toHaveLength(m);
      expect(kinds.filter((k) => k === 'drop')).toHaveLength(1);
    }
  });

  it('byzantine: OM(1) with n = 3 and one traitor fails; n = 4 holds for every traitor placement', () => {
    expect(dl.oralMessages({ n: 3, traitors: ['L2'], order: 'attack' }).ok).toBe(false);
    const sweep = dl.byzantineSweep({ nList: [3, 4], seeds: 10 }).rows;
    expect(sweep.filter((r) => r.n === 3).some((r) => r.failures > 0)).toBe(true);
    expect(sweep.filter((r) => r.n === 4).every((r) => r.failures === 0)).toBe(true);
    expect(dl.oralMessages({ n: 7, m: 2, traitors: ['C', 'L3'] }).ok).toBe(true);
    expect(dl.generalsNeeded(1)).toBe(4);
    expect(dl.generalsNeeded(2)).toBe(7);
  });

  it('idempotency: retries without request ids transfer twice; with ids exactly once', () => {
    const without = dl.transferRetryExperiment({ requestIds: false, seed: 1 });
    const withIds = dl.transferRetryExperiment({ requestIds: true, seed: 1 });
    expect(without.movedDollars).toBeGreaterThan(without.intendedDollars);
    expect(without.duplicates).toBeGreaterThan(0);
    expect(withIds.movedDollars).toBe(withIds.intendedDollars);
    expect(withIds.duplicates).toBe(0);
    const cmp = dl.idempotencyComparison({ seeds: 200 });
    expect(cmp.rows.find((r) => r.requestIds)!.runsWithDoubleTransfer).toBe(0);
    expect(cmp.rows.find((r) => !r.requestIds)!.runsWithDoubleTransfer).toBeGreaterThan(50);
  });

  it('at-least-once delivers duplicates; dedup processes each event once', () => {
    const raw = dl.atLeastOnceExperiment({ dedup: false });
    const dedup = dl.atLeastOnceExperiment({ dedup: true });
    expect(raw.uniqueProcessed).toBe(raw.published);
    expect(raw.processed).toBeGreaterThan(raw.published);
    expect(dedup.processed).toBe(dedup.published);
  });
});

describe('Part 5: Kubernetes', () => {
  const writeAfterLosing = (etcdMemberCount: number, lost: number) => {
    const c = dl.kubeCluster({ etcdMemberCount, replicas: 2 });
    c.run({ untilS: 10 });
    for (let i = 0; i < lost; i++) c.crash(`etcd-${etcdMemberCount - i}`, { atS: 10 });
    c.kubectlAt('apply', { atS: 12 }).kubectlAt('get pods', { atS: 16 });
    c.run({ untilS: 20 });
    return { apply: c.kubectlLog[0].output, get: c.kubectlLog[1].output, running: c.getPods().split('\n').filter((l) => l.includes('Running')).length };
  };

  it('etcd: 3 members tolerate 1 failure, 5 tolerate 2; quorum loss is read-only while pods run', () => {
    expect(writeAfterLosing(3, 1).apply).toBe('configmap/demo configured');
    expect(writeAfterLosing(5, 2).apply).toBe('configmap/demo configured');
    const lost3 = writeAfterLosing(3, 2);
    expect(lost3.apply).toMatch(/request timed out/);
    expect(lost3.get).toMatch(/^NAME/);
    expect(lost3.running).toBe(2);
    expect(writeAfterLosing(5, 3).apply).toMatch(/request timed out/);
  });

  it('leader election: a crashed leader is replaced by its standby', () => {
    const c = dl.kubeCluster({ seed: 1 });
    c.run({ untilS: 20 });
    const first = c.leaderOf('kube-scheduler');
    c.crash(first, { atS: 20 });
    c.run({ untilS: 60 });
    expect(c.leaderOf('kube-scheduler')).not.toBe(first);
    expect(c.leaderOf('kube-scheduler')).toMatch(/^scheduler-/);
  });

  it('reconcile loop: scaling 1 -> 10 passes through Pending and ContainerCreating and ends with 10 Running', () => {
    const c = dl.kubeCluster({ seed: 1, replicas: 1 });
    c.scale(10, { atS: 20 });
    c.run({ untilS: 45 });
    const phases = new Set(c.podHistory.map((p) => p.phase));
    expect(phases.has('Pending') && phases.has('ContainerCreating')).toBe(true);
    const last = c.phaseCounts({ stepS: 1 }).filter((r) => r.timeS === 45);
    expect(last.find((r) => r.phase === 'Running')!.pods).toBe(10);
  });

  it('node failure: NotReady 40 s (v1.31) or 50 s (v1.32) after the last heartbeat, eviction 300 s later', () => {
    for (const [version, grace] of [['v1.31', 40], ['v1.32', 50]] as const) {
      const r = dl.kubeNodeFailureExperiment({ version });
      const sinceBeat = r.notReadyS - r.lastHeartbeatS;
      expect(sinceBeat).toBeGreaterThanOrEqual(grace);
      expect(sinceBeat).toBeLessThanOrEqual(grace + 1.5); // the node controller checks every second
      expect(r.evictionS - r.notReadyS).toBeGreaterThanOrEqual(300);
      expect(r.evictionS - r.notReadyS).toBeLessThanOrEqual(301.5);
      expect(r.runningS).toBeGreaterThan(r.evictionS);
    }
  });

  it('cordon: no new pod is scheduled on a cordoned node', () => {
    const c = dl.kubeCluster({ seed: 3, replicas: 3 });
    c.cordon('worker-1', { atS: 15 });
    c.scale(6, { atS: 20 });
    c.run({ untilS: 35 });
    const created = c.podHistory.filter((p) => p.timeMs > 20_000 && p.node === 'worker-1');
    expect(created).toEqual([]);
    expect(c.getNodes()).toMatch(/worker-1\s+Ready,SchedulingDisabled/);
  });

  it('kubectl AGE counts from the start of the simulated run, for nodes, leases and pods alike', () => {
    const c = dl.kubeCluster({ seed: 3, replicas: 3 });
    c.run({ untilS: 20 });
    const ages = (table: string, column: number) => table.split('\n').slice(1).map((line) => line.trim().split(/\s+/)[column]);
    expect(ages(c.getNodes({ atS: 20 }), 3)).toEqual(['20s', '20s', '20s']);
    expect(ages(c.getLeases({ atS: 20 }), 2)).toEqual(['20s', '20s']);
    for (const podAge of ages(c.getPods({ atS: 20 }), 4)) expect(Number(podAge.replace(/s$/, ''))).toBeLessThanOrEqual(20);
  });

  it('watch vs poll: polling load grows with clients per interval, watching with changes only', () => {
    const { rows } = dl.watchVsPollExperiment({ clientCounts: [50], changesPerS: 0.5, pollIntervalS: 1 });
    const poll = rows.find((r) => r.mode === 'poll')!;
    const watch = rows.find((r) => r.mode === 'watch')!;
    expect(poll.apiMessagesPerS).toBe(50);
    expect(watch.apiMessagesPerS).toBeLessThan(poll.apiMessagesPerS);
    expect(watch.meanNoticeDelayMs).toBeLessThan(poll.meanNoticeDelayMs / 100);
  });
});

describe('Common mistakes and did-you-know', () => {
  it('retry storm collapses goodput; backoff with a budget recovers', () => {
    expect(dl.retryStormExperiment({ policy: 'immediate' }).goodputAfterPerS).toBeLessThan(50);
    expect(dl.retryStormExperiment({ policy: 'backoff' }).goodputAfterPerS).toBeGreaterThan(450);
  });

  it('bulkheads keep the healthy dependency healthy', () => {
    expect(dl.bulkheadExperiment({ bulkheads: false }).catalogSuccess).toBeLessThan(0.2);
    expect(dl.bulkheadExperiment({ bulkheads: true }).catalogSuccess).toBe(1);
  });

  it('a synchronous chain is as available as p^k; a queue after the first hop is not', () => {
    const { points } = dl.syncChainExperiment({ chainLengths: [10], seeds: 3000 });
    const sync = points.find((p) => p.series === 'synchronous chain')!;
    expect(Math.pow(0.99, 10)).toBeGreaterThanOrEqual(sync.low! - 0.005);
    expect(Math.pow(0.99, 10)).toBeLessThanOrEqual(sync.high! + 0.005);
  });

  it('ignoring CAP: an AP account overdraws during a partition, a CP one does not', () => {
    expect(dl.capBankExperiment({ mode: 'AP' }).finalBalance).toBe(-100);
    expect(dl.capBankExperiment({ mode: 'CP' }).finalBalance).toBeGreaterThanOrEqual(0);
  });

  it('New York - London through fibre takes about 28 ms one way', () => {
    const r = dl.fibreLatency();
    expect(r.oneWayMs).toBeCloseTo(27.9, 1);
    expect(r.measuredOneWayMs).toBeCloseTo(r.oneWayMs, 9);
  });

  it('Spanner: a commit wait of 2 epsilon removes every ordering violation', () => {
    const r = dl.spannerCommitWait({ epsilonMs: 4, seeds: 300 });
    expect(r.violationsWithoutWait).toBeGreaterThan(0);
    expect(r.violationsWithWait).toBe(0);
  });

  it('Lamport 1978: the clock condition holds on a skewed, reordering run', () => {
    expect(dl.lamportClockCondition().ok).toBe(true);
  });
});

describe('inputs and determinism', () => {
  it('bad options are named with the house phrasing before anything runs', () => {
    expect(() => dl.failureModeExperiment({ mode: 'gremlins' as dl.FailureMode })).toThrow(/invalid mode: "gremlins" \(expected one of none, crash/);
    expect(() => dl.twoGeneralsRun({ dropProbability: 1.5 })).toThrow('invalid dropProbability: 1.5 (expected 0..1)');
    expect(() => dl.kubeCluster({ etcdMemberCount: 0 })).toThrow('invalid etcdMemberCount: 0 (expected an integer 1..7)');
    expect(() => dl.scalabilityExperiment({ serverCount: 3 } as never)).toThrow(/unknown option in scalabilityExperiment: serverCount/);
  });

  it('the same seed replays the same run', () => {
    const a = dl.transferRetryExperiment({ seed: 9 });
    const b = dl.transferRetryExperiment({ seed: 9 });
    expect(a.trace.toJsonLines()).toBe(b.trace.toJsonLines());
    const k1 = dl.kubeCluster({ seed: 4 }).scale(5, { atS: 10 }).run({ untilS: 20 }).getPods();
    const k2 = dl.kubeCluster({ seed: 4 }).scale(5, { atS: 10 }).run({ untilS: 20 }).getPods();
    expect(k1).toBe(k2);
  });
});
