// A real etcd cluster on loopback (Debian's etcd-server, unpacked by set-up): quorum, failover,
// a partitioned minority leader, a real history, bad options, and no etcd process left behind.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ETCD_MISSING_MESSAGE,
  etcdFailoverExperiment,
  etcdHistoryExperiment,
  etcdMinorityLeaderExperiment,
  etcdQuorumExperiment,
  findEtcd,
  runningEtcdProcesses,
  startEtcdCluster
} from '../kernel-lib/src/live';
import { DistlabInputError } from '../kernel-lib/src/core/options';
import { ROOT } from './helpers/paths';

// Short timeouts keep the test quick; the bench uses etcd's defaults (100 ms, 1000 ms).
const FAST = { heartbeatIntervalMs: 50, electionTimeoutMs: 500 };
const etcd = findEtcd();

/** Live processes (not zombies) whose executable is an etcd binary. */
function etcdProcesses(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const exe = readlinkSync(`/proc/${entry}/exe`);
      const state = readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]?.[0];
      if (/(^|\/)etcd( \(deleted\))?$/.test(exe) && state !== 'Z') pids.push(Number(entry));
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return pids;
}

function alive(pid: number): boolean {
  try {
    const state = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0];
    return state !== undefined && state !== 'Z';
  } catch {
    return false;
  }
}

async function until(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (condition()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return condition();
}

const before = etcdProcesses();

describe('real etcd on loopback', () => {
  it('set-up installed the pinned etcd', () => {
    expect(etcd, ETCD_MISSING_MESSAGE).not.toBeNull();
    expect(etcd!.version).toBe('3.4.23');
    expect(etcd!.warning).toBeNull();
  });

  it('bad options get a clear error naming the parameter, the value and the range', async () => {
    await expect(startEtcdCluster({ memberCount: 9 })).rejects.toThrow('invalid memberCount: 9 (expected an integer 1..7)');
    await expect(startEtcdCluster({ heartbeatIntervalMs: 200, electionTimeoutMs: 500 })).rejects.toThrow(/invalid electionTimeoutMs: 500 \(expected at least 5 × heartbeatIntervalMs = 1000 ms/);
    await expect(startEtcdCluster({ memberCount: 3, membersCount: 3 } as never)).rejects.toThrow(/unknown option in startEtcdCluster: membersCount/);
    await expect(etcdFailoverExperiment({ memberCount: 1 })).rejects.toThrow(DistlabInputError);
    const cluster = await startEtcdCluster({ memberCount: 1, ...FAST });
    try {
      await expect(cluster.put('k', 'v', { member: 'etcd-9' })).rejects.toThrow('invalid member: "etcd-9" (expected one of etcd-1)');
      await expect(cluster.get('k', { consistency: 'strong' as never })).rejects.toThrow('invalid consistency: "strong" (expected one of linearizable, serializable)');
      expect(() => cluster.drop('etcd-1', 'etcd-1', 0.5)).toThrow(/invalid to: "etcd-1"/);
      // The kernel stays usable: the same handle still answers.
      expect((await cluster.put('k', 'v')).outcome).toBe('ok');
      expect((await cluster.get('k')).value).toBe('v');
    } finally {
      await cluster.close();
    }
    await expect(cluster.put('k', 'v')).rejects.toThrow(/closed/);
  });

  it('quorum loss refuses writes and linearizable reads while serializable reads answer', async () => {
    const { points } = await etcdQuorumExperiment({ memberCount: 3, ...FAST, attempts: 3, timeoutMs: 700 });
    expect(points.map((p) => p.membersUp)).toEqual([3, 2, 1]);
    for (const p of points.filter((q) => q.membersUp >= 2)) {
      expect(p.writesOk, JSON.stringify(p)).toBe(3);
      expect(p.linearizableReadsOk).toBe(3);
    }
    const minority = points.find((p) => p.membersUp === 1)!;
    expect(minority.writesOk, JSON.stringify(minority)).toBe(0);
    expect(minority.linearizableReadsOk).toBe(0);
    expect(minority.serializableReadsOk).toBe(3);
  });

  it('a killed leader is replaced, no sooner than an election timeout less a heartbeat', async () => {
    const result = await etcdFailoverExperiment({ memberCount: 3, ...FAST, trials: 3 });
    expect(result.points).toHaveLength(3);
    for (const p of result.points) {
      expect(p.newLeader, JSON.stringify(p)).not.toBeNull();
      expect(p.newLeader).not.toBe(p.killedLeader);
      // Followers wait a full (randomised, >= electionTimeoutMs) timeout after the last heartbeat.
      expect(p.failoverMs).toBeGreaterThanOrEqual(FAST.electionTimeoutMs - FAST.heartbeatIntervalMs);
      expect(p.failoverMs).toBeLessThan(20 * FAST.electionTimeoutMs);
    }
    const terms = result.points.map((p) => p.term!);
    expect([...terms].sort((a, b) => a - b)).toEqual(terms);
    expect(new Set(terms).size).toBe(terms.length);
  });

  it('a partitioned minority leader steps down; its side serves only serializable reads; heal converges', async () => {
    const r = await etcdMinorityLeaderExperiment({ memberCount: 3, ...FAST, timeoutMs: 700 });
    expect(r.minority).toEqual([r.oldLeader]);
    expect(r.steppedDownAfterMs, JSON.stringify(r)).not.toBeNull();
    expect(r.newLeaderAfterMs).not.toBeNull();
    expect(r.majority).toContain(r.newLeader);
    expect(r.minorityPut.outcome).not.toBe('ok');
    expect(r.minorityLinearizableGet.outcome).not.toBe('ok');
    expect(r.minoritySerializableGet.outcome).toBe('ok');
    expect(r.minoritySerializableGet.value).toBe('before');
    expect(r.majorityPut.outcome).toBe('ok');
    expect(Object.values(r.afterHeal)).toEqual(['majority', 'majority', 'majority']);
  });

  it('a one-way delay on the leader’s links slows every put by at least the delay', async () => {
    const cluster = await startEtcdCluster({ memberCount: 3, ...FAST });
    try {
      const leader = (await cluster.waitForLeader()).leader!;
      const quick = await cluster.put('d', '0', { member: leader });
      for (const m of cluster.members) if (m !== leader) cluster.delay(leader, m, 150, { bothWays: false });
      const slowed = [];
      for (let i = 0; i < 3; i++) slowed.push(await cluster.put('d', String(i), { member: leader, timeoutMs: 3000 }));
      for (const s of slowed) {
        expect(s.outcome, JSON.stringify(s)).toBe('ok');
        expect(s.tookMs).toBeGreaterThanOrEqual(150);
      }
      cluster.heal();
      expect(quick.tookMs).toBeLessThan(150);
    } finally {
      await cluster.close();
    }
  });

  it('pause holds a member silent (timeout), resume brings it back; stop and restart keep its data', async () => {
    const cluster = await startEtcdCluster({ memberCount: 3, ...FAST });
    try {
      const leader = (await cluster.waitForLeader()).leader!;
      const follower = cluster.members.find((m) => m !== leader)!;
      await cluster.put('p', 'kept', { member: leader });
      expect((await cluster.pause(follower)).outcome).toBe('ok');
      const silent = await cluster.get('p', { member: follower, consistency: 'serializable', timeoutMs: 300 });
      expect(silent.outcome).toBe('timeout');
      expect(silent.tookMs).toBeGreaterThanOrEqual(290);
      expect((await cluster.resume(follower)).outcome).toBe('ok');
      expect((await cluster.get('p', { member: follower, consistency: 'serializable' })).value).toBe('kept');
      expect((await cluster.stop(follower)).outcome).toBe('ok');
      const refused = await cluster.get('p', { member: follower, consistency: 'serializable', timeoutMs: 1000 });
      expect(refused.outcome).toBe('refused');
      expect((await cluster.restart(follower)).outcome).toBe('ok');
      expect((await cluster.get('p', { member: follower, consistency: 'serializable' })).value).toBe('kept');
    } finally {
      await cluster.close();
    }
  });

  it('a concurrent workload with a leader kill records a complete history', async () => {
    const r = await etcdHistoryExperiment({ memberCount: 3, ...FAST, clientCount: 4, operations: 400, keyCount: 3, killLeaderAfterOperations: 150, timeoutMs: 1500 });
    expect(r.operationCount).toBe(400);
    expect(r.killed).not.toBeNull();
    const written = new Set(r.history.filter((o) => o.kind === 'write').map((o) => `${o.key}=${o.value}`));
    // Every value read was written by some client (or the key was still absent).
    for (const o of r.history.filter((op) => op.kind === 'read' && op.outcome === 'ok' && op.value !== null)) expect(written.has(`${o.key}=${o.value}`)).toBe(true);
    expect(r.history.filter((o) => o.outcome === 'ok').length).toBeGreaterThan(200);
  });

  it('no etcd is left when the process that started a cluster is SIGKILLed', async () => {
    const script = `
      const live = require(${JSON.stringify(join(ROOT, 'kernel-lib', 'dist', 'live'))});
      live.startEtcdCluster({ memberCount: 3, heartbeatIntervalMs: 50, electionTimeoutMs: 500 }).then(() => {
        process.stdout.write('started\\n');
        setInterval(() => {}, 1000);
      }, (e) => { process.stdout.write('failed ' + e.message + '\\n'); process.exit(1); });`;
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    expect(await until(() => out.includes('started') || out.includes('failed'), 60_000)).toBe(true);
    expect(out).toContain('started');
    const members = etcdProcesses().filter((pid) => !before.includes(pid) && readFileSync(`/proc/${pid}/stat`, 'utf8').split(' ')[3] === String(child.pid));
    expect(members).toHaveLength(3);
    child.kill('SIGKILL');
    expect(await until(() => members.every((pid) => !alive(pid)), 10_000), `still running: ${members.filter(alive)}`).toBe(true);
  });

  it('an interrupted experiment (SIGINT) stops its cluster', async () => {
    const script = `
      const live = require(${JSON.stringify(join(ROOT, 'kernel-lib', 'dist', 'live'))});
      process.stdout.write('go\\n');
      live.etcdFailoverExperiment({ memberCount: 3, heartbeatIntervalMs: 50, electionTimeoutMs: 500, trials: 100 });`;
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    const mine = () => etcdProcesses().filter((pid) => readFileSync(`/proc/${pid}/stat`, 'utf8').split(' ')[3] === String(child.pid));
    expect(await until(() => mine().length === 3, 60_000)).toBe(true);
    const members = mine();
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(await until(() => members.every((pid) => !alive(pid)), 10_000)).toBe(true);
  });

  it('without etcd the cells say how to get it, and the simulation still runs', () => {
    const script = `
      const dl = require(${JSON.stringify(join(ROOT, 'kernel-lib', 'dist'))});
      dl.startEtcdCluster().then(() => process.exit(3), (e) => {
        process.stdout.write(JSON.stringify({ name: e.name, message: e.message, sim: dl.majorityQuorum(5) }));
      });`;
    const result = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { ...process.env, DISTLAB_ETCD: '/nonexistent/etcd' } });
    expect(result.status, result.stderr).toBe(0);
    const got = JSON.parse(result.stdout);
    expect(got.name).toBe('EtcdMissingError');
    expect(got.message).toContain('DISTLAB_ETCD=/nonexistent/etcd is not an etcd server that runs');
    expect(got.message).toContain('npm run setup');
    expect(got.message).toContain(ETCD_MISSING_MESSAGE);
    expect(got.sim).toBe(3);
  });

  afterAll(async () => {
    expect(runningEtcdProcesses()).toBe(0);
    // None of this process's own children is left (other work on the machine may run its own etcd).
    const children = () => etcdProcesses().filter((pid) => !before.includes(pid) && readFileSync(`/proc/${pid}/stat`, 'utf8').split(' ')[3] === String(process.pid));
    expect(await until(() => children().length === 0, 10_000)).toBe(true);
  });
});

it('dist is built (set-up) for the child-process tests', () => {
  expect(existsSync(join(ROOT, 'kernel-lib', 'dist', 'live', 'index.js'))).toBe(true);
});
