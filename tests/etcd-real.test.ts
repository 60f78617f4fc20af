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
import { checkLinearizable } from '../kernel-lib/src/checkers/linearizability';
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

type Op = { clientId: string | number; kind: 'read' | 'write'; key: string; value: string | null; invokeMs: number; completeMs?: number; outcome: 'ok' | 'fail' | 'unknown' };

/**
 * A register history is linearizable (Wing & Gong search, memoised on the set of operations
 * placed and the register's value), key by key. Failed operations had no effect and are left
 * out; a write of unknown outcome may take effect at any time after its invocation, or never.
 * An oracle of its own beside checkers/linearizability: the two must agree.
 */
function linearizableRegisters(history: readonly Op[]): { ok: boolean; key?: string } {
  const byKey = new Map<string, Op[]>();
  for (const op of history) if (op.outcome !== 'fail') byKey.set(op.key, [...(byKey.get(op.key) ?? []), op]);
  for (const [key, ops] of byKey) {
    const complete = ops.map((o) => (o.outcome === 'unknown' ? Infinity : o.completeMs!));
    const mustPlace = ops.reduce((n, o) => n + (o.outcome === 'ok' ? 1 : 0), 0);
    const seen = new Set<string>();
    const search = (placed: bigint, placedOk: number, value: string | null): boolean => {
      if (placedOk === mustPlace) return true;
      const memo = `${placed.toString(36)}|${value}`;
      if (seen.has(memo)) return false;
      seen.add(memo);
      // An operation may go next only if no unplaced operation completed before it was invoked.
      let horizon = Infinity;
      ops.forEach((_, i) => {
        if (!((placed >> BigInt(i)) & 1n)) horizon = Math.min(horizon, complete[i]);
      });
      for (let i = 0; i < ops.length; i++) {
        if ((placed >> BigInt(i)) & 1n || ops[i].invokeMs > horizon) continue;
        const op = ops[i];
        if (op.kind === 'read' && op.value !== value) continue;
        if (search(placed | (1n << BigInt(i)), placedOk + (op.outcome === 'ok' ? 1 : 0), op.kind === 'write' ? op.value : value)) return true;
      }
      return false;
    };
    if (!search(0n, 0, null)) return { ok: false, key };
  }
  return { ok: true };
}

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

  it('a killed leader is replaced, no sooner than an election timeout less two heartbeats', async () => {
    const result = await etcdFailoverExperiment({ memberCount: 3, ...FAST, trials: 3 });
    expect(result.points).toHaveLength(3);
    for (const p of result.points) {
      expect(p.newLeader, JSON.stringify(p)).not.toBeNull();
      expect(p.newLeader).not.toBe(p.killedLeader);
      // A follower stands after a randomised timeout of at least electionTimeoutMs, counted in
      // ticks of one heartbeat from the last heartbeat it heard (so up to a tick early), and that
      // heartbeat came at most one interval before the kill.
      expect(p.failoverMs).toBeGreaterThanOrEqual(FAST.electionTimeoutMs - 2 * FAST.heartbeatIntervalMs);
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
    // etcd's own timing, not FAST: the delay runs through this process's proxy, and on a loaded
    // machine a stalled proxy past FAST's 500 ms election timeout had the followers elect anew.
    const cluster = await startEtcdCluster({ memberCount: 3 });
    try {
      const before = await cluster.waitForLeader();
      const leader = before.leader!;
      const quick = await cluster.put('d', '0', { member: leader });
      for (const m of cluster.members) if (m !== leader) cluster.delay(leader, m, 150, { bothWays: false });
      const slowed = [];
      for (let i = 0; i < 3; i++) slowed.push(await cluster.put('d', String(i), { member: leader, timeoutMs: 5000 }));
      const after = await cluster.leader({ timeoutMs: 2000 });
      for (const s of slowed) {
        expect(s.outcome, `${JSON.stringify(s)}; leader before ${JSON.stringify(before)}, after ${JSON.stringify(after)}`).toBe('ok');
        expect(s.tookMs).toBeGreaterThanOrEqual(150);
      }
      cluster.heal();
      expect(quick.tookMs).toBeLessThan(150);
    } finally {
      await cluster.close();
    }
  });

  it('dropping every message from the leader one way (its heartbeats) makes the others elect another leader; heal ends it', async () => {
    const cluster = await startEtcdCluster({ memberCount: 3, ...FAST });
    try {
      const first = await cluster.waitForLeader();
      for (const m of cluster.members) if (m !== first.leader) cluster.drop(first.leader!, m, 1, { bothWays: false });
      const end = Date.now() + 15_000;
      let next = first;
      while (Date.now() < end && (next.leader === first.leader || next.leader === null)) {
        await new Promise((r) => setTimeout(r, 100));
        next = await cluster.leader({ timeoutMs: 500 });
      }
      expect(next.leader, JSON.stringify(next)).not.toBe(first.leader);
      expect(next.term!).toBeGreaterThan(first.term!);
      cluster.heal();
      // After the heal every member, the old leader too, follows one leader.
      const settled = async () => {
        const views = (await cluster.status()).map((st) => st.leader);
        return views.every((v) => v !== null && v === views[0]) ? views : null;
      };
      let views = await settled();
      for (const until = Date.now() + 10_000; views === null && Date.now() < until; views = await settled()) await new Promise((r) => setTimeout(r, 100));
      expect(views).not.toBeNull();
    } finally {
      await cluster.close();
    }
  });

  it('two clusters started at once never share a port, and both answer', async () => {
    const [a, b] = await Promise.all([startEtcdCluster({ memberCount: 3, ...FAST }), startEtcdCluster({ memberCount: 3, ...FAST })]);
    try {
      const portsOf = (c: typeof a) =>
        Object.values(c.pids()).flatMap((pid) => [...readFileSync(`/proc/${pid}/cmdline`, 'utf8').matchAll(/127\.0\.0\.1:(\d+)/g)].map((m) => Number(m[1])));
      const [pa, pb] = [new Set(portsOf(a)), new Set(portsOf(b))];
      expect(pa.size).toBeGreaterThanOrEqual(6); // each member's client and peer ports (and the advertised proxy ports)
      expect([...pa].filter((p) => pb.has(p))).toEqual([]);
      expect((await a.put('k', 'a')).outcome).toBe('ok');
      expect((await b.put('k', 'b')).outcome).toBe('ok');
      expect((await a.get('k')).value).toBe('a');
      expect((await b.get('k')).value).toBe('b');
    } finally {
      await Promise.all([a.close(), b.close()]);
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

  it('the real history of a concurrent workload with a leader kill is linearizable', async () => {
    const r = await etcdHistoryExperiment({ memberCount: 3, ...FAST, clientCount: 4, operations: 400, keyCount: 3, killLeaderAfterOperations: 150, timeoutMs: 1500 });
    expect(r.operationCount).toBe(400);
    expect(r.killed).not.toBeNull();
    const written = new Set(r.history.filter((o) => o.kind === 'write').map((o) => `${o.key}=${o.value}`));
    // Every value read was written by some client (or the key was still absent).
    for (const o of r.history.filter((op) => op.kind === 'read' && op.outcome === 'ok' && op.value !== null)) expect(written.has(`${o.key}=${o.value}`)).toBe(true);
    expect(r.history.filter((o) => o.outcome === 'ok').length).toBeGreaterThan(200);
    expect(linearizableRegisters(r.history)).toEqual({ ok: true });
    const verdict = checkLinearizable(r.history);
    expect(verdict.ok, verdict.summary).toBe(true);
    expect(verdict.operationCount).toBe(400);
    // The check can fail: the same history with one read answering a value overwritten before it began.
    let broken: Op[] | null = null;
    for (let i = 0; i < r.history.length && broken === null; i++) {
      const read = r.history[i];
      if (read.kind !== 'read' || read.outcome !== 'ok') continue;
      const done = r.history.filter((w) => w.kind === 'write' && w.outcome === 'ok' && w.key === read.key && w.completeMs! < read.invokeMs);
      const older = done.find((w1) => done.some((w2) => w1.completeMs! < w2.invokeMs));
      if (older) broken = r.history.map((o, j) => (j === i ? { ...o, value: older.value } : o));
    }
    expect(broken).not.toBeNull();
    expect(linearizableRegisters(broken!).ok).toBe(false);
    expect(checkLinearizable(broken!).ok).toBe(false);
  });

  it('the register check rejects a stale read and accepts an unknown write taking effect late', () => {
    const w = (clientId: number, value: string, invokeMs: number, completeMs: number | undefined, outcome: Op['outcome'] = 'ok'): Op => ({ clientId, kind: 'write', key: 'k', value, invokeMs, completeMs, outcome });
    const rd = (clientId: number, value: string | null, invokeMs: number, completeMs: number): Op => ({ clientId, kind: 'read', key: 'k', value, invokeMs, completeMs, outcome: 'ok' });
    expect(linearizableRegisters([w(1, 'a', 0, 1), w(1, 'b', 2, 3), rd(2, 'a', 4, 5)]).ok).toBe(false);
    expect(linearizableRegisters([w(1, 'a', 0, 1), w(1, 'b', 2, 3), rd(2, 'b', 4, 5)]).ok).toBe(true);
    expect(linearizableRegisters([w(1, 'a', 0, undefined, 'unknown'), rd(2, null, 1, 2), rd(2, 'a', 10, 11)]).ok).toBe(true);
    expect(linearizableRegisters([w(1, 'a', 0, undefined, 'unknown'), rd(2, 'a', 1, 2), rd(2, null, 10, 11)]).ok).toBe(false);
    expect(linearizableRegisters([w(1, 'a', 0, 5), rd(2, 'a', 1, 2), rd(3, null, 3, 4)]).ok).toBe(false);
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
    const dataDir = /--data-dir\0([^\0]+)/.exec(readFileSync(`/proc/${members[0]}/cmdline`, 'utf8'))![1];
    child.kill('SIGKILL');
    expect(await until(() => members.every((pid) => !alive(pid)), 10_000), `still running: ${members.filter(alive)}`).toBe(true);
    // Its data folder outlived it (no handler ran); the next cluster's start removes it.
    const folder = join(dataDir, '..');
    expect(existsSync(folder)).toBe(true);
    const next = await startEtcdCluster({ memberCount: 1, ...FAST });
    await next.close();
    expect(existsSync(folder)).toBe(false);
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
