// Module 5.1's Kubernetes cluster on the Raft model: etcd elects a leader, fails over, and goes read-only without a majority.
import { describe, expect, it } from 'vitest';
import * as dl from 'distlab';

const etcdLeader = (c: ReturnType<typeof dl.kubeCluster>): string | null => {
  const leaders = c.etcdMembers.filter((m) => c.sim.isUp(m) && c.sim.stateOf(m).role === 'leader');
  return leaders.length === 0 ? null : leaders.sort((a, b) => c.sim.durableOf(b).currentTerm - c.sim.durableOf(a).currentTerm)[0];
};

describe('Kubernetes on Raft etcd', () => {
  it('etcd-1 leads the running cluster, every member follows it, and all end with the same store', () => {
    const c = dl.kubeCluster({ seed: 1, replicas: 3 });
    c.run({ untilS: 30 });
    const leader = etcdLeader(c);
    expect(leader).toBe('etcd-1');
    expect(c.sim.durableOf('etcd-2').currentTerm).toBe(1);
    expect(c.etcdMembers.filter((m) => c.sim.stateOf(m).leader === leader)).toHaveLength(3);
    const stores = c.etcdMembers.map((m) => JSON.stringify([...c.sim.stateOf(m).machine.store.entries()].filter(([k]) => !k.startsWith('node/') && !k.startsWith('lease/'))));
    // Heartbeats and leases change all the time; the deployment and its pods agree on every member.
    expect(new Set(stores).size).toBe(1);
    expect(c.getPods().split('\n').filter((l) => l.includes('Running'))).toHaveLength(3);
  });

  it("when etcd's leader dies, a new one is elected and writes succeed again within an election or two", () => {
    const c = dl.kubeCluster({ seed: 2, replicas: 2 });
    c.run({ untilS: 20 });
    const first = etcdLeader(c)!;
    c.crash(first, { atS: 20 });
    c.kubectlAt('apply', { atS: 20.05 });
    c.kubectlAt('apply', { atS: 23 });
    c.run({ untilS: 30 });
    const next = etcdLeader(c);
    expect(next).not.toBeNull();
    expect(next).not.toBe(first);
    expect(c.sim.durableOf(next!).currentTerm).toBeGreaterThan(c.sim.durableOf(first).currentTerm);
    // Right after the crash the write has no leader to commit it; three seconds later it does.
    expect(c.kubectlLog[0].output).toMatch(/timed out/);
    expect(c.kubectlLog[1].output).toBe('configmap/demo configured');
  });

  it('without a majority the last member stops leading (check-quorum): writes time out, reads and pods go on', () => {
    const c = dl.kubeCluster({ seed: 3, replicas: 2 });
    c.run({ untilS: 10 });
    const leader = etcdLeader(c)!;
    for (const m of c.etcdMembers.filter((x) => x !== leader)) c.crash(m, { atS: 10 });
    c.kubectlAt('apply', { atS: 14 }).kubectlAt('get pods', { atS: 14 });
    c.run({ untilS: 20 });
    expect(etcdLeader(c)).toBeNull();
    expect(c.sim.stateOf(leader).role).not.toBe('leader');
    expect(c.kubectlLog.find((k) => k.command === 'kubectl apply')!.output).toMatch(/request timed out/);
    const pods = c.kubectlLog.find((k) => k.command === 'kubectl get pods')!.output;
    expect(pods.split('\n').filter((l) => l.includes('Running'))).toHaveLength(2);
    expect(c.etcdHasQuorum()).toBe(false);
  });
});
