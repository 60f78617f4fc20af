// The real etcd cluster in the real tslab kernel: an interrupted experiment stops its members,
// and a kernel that is killed takes its members with it. (Jupyter kills the kernel's process
// group; that each member dies with the one process that started it, with no group kill, is
// tested in etcd-real.test.ts.)
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { kernelSession, streamText, type StepResult } from './helpers/kernel-session';

const stdout = (step: StepResult) => streamText(step, 'stdout');

function alive(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return false;
  }
}

function childrenOf(ppid: number): number[] {
  return execFileSync('ps', ['-o', 'pid=', '--ppid', String(ppid)], { encoding: 'utf8' }).trim().split(/\s+/).filter(Boolean).map(Number).filter(alive);
}

const FAST = '{ memberCount: 3, heartbeatIntervalMs: 50, electionTimeoutMs: 500 }';

describe('real etcd in the tslab kernel', () => {
  it('an interrupted experiment stops its cluster, the kernel stays usable, and a killed kernel leaves no member behind', async () => {
    const steps = kernelSession([
      { code: "import * as dl from 'distlab';\nconsole.log(`kernel ${process.pid}`);" },
      { code: `console.log('measuring');\nawait dl.etcdFailoverExperiment({ ...${FAST}, trials: 200 });`, interruptOnText: 'measuring', interruptAfterS: 5, timeoutS: 120 },
      { code: "await new Promise((r) => setTimeout(r, 1500));\nconsole.log(`left ${dl.runningEtcdProcesses()}`);" },
      { code: `const c = await dl.startEtcdCluster(${FAST});\nconst w = await c.put('k', 'v');\nconsole.log(\`pids \${JSON.stringify(Object.values(c.pids()))} put \${w.outcome}\`);` }
      // The session ends with shutdown_kernel(now=True): the kernel is killed, with the cluster open.
    ]);
    const kernelPid = Number(/kernel (\d+)/.exec(stdout(steps[0]))![1]);
    expect(steps[1].interruptAtS).not.toBeNull();
    expect(steps[1].status).not.toBe('ok');
    expect(stdout(steps[2])).toContain('left 0');
    const out = stdout(steps[3]);
    expect(out, JSON.stringify(steps[3].messages)).toMatch(/put ok/);
    const pids = JSON.parse(/pids (\[[^\]]*\])/.exec(out)![1]) as number[];
    expect(pids).toHaveLength(3);
    const end = Date.now() + 10_000;
    while (pids.some(alive) && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
    expect(pids.filter(alive)).toEqual([]);
    expect(alive(kernelPid) ? childrenOf(kernelPid) : []).toEqual([]);
  });
});
