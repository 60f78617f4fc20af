import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cellSource, errorOutputs, executeCells, Notebook, NotebookCell } from './helpers/notebook';
import { NOTEBOOKS } from './helpers/paths';

// Every sentence module 5.1 prints about a run's outcome must stay true when the learner moves a
// control. Each experiment cell runs here with other seeds and its main parameter changed, through
// the real tslab kernel; the cell also dumps the run's raw data, and the test recomputes the outcome
// from that data and finds the matching sentence in the cell's output.

const nb = JSON.parse(readFileSync(join(NOTEBOOKS, '5.1-what-makes-systems-distributed.ipynb'), 'utf8')) as Notebook & { cells: (NotebookCell & { id: string })[] };
const source = (id: string) => cellSource(nb.cells.find((c) => c.id === id)!);

/** The cell with its `const name = …;` lines set to new values (the same edit a control makes). */
function withParams(id: string, params: Record<string, number | string>): string {
  let s = source(id);
  for (const [name, value] of Object.entries(params)) {
    const line = new RegExp(`^const ${name}(: [^=]+)? = [^;]+;`, 'm');
    if (!line.test(s)) throw new Error(`cell ${id} has no parameter ${name}`);
    s = s.replace(line, `const ${name}$1 = ${typeof value === 'string' ? `'${value}'` : value};`);
  }
  return s;
}

/** All text a cell showed: printed lines, plain text, HTML and SVG of its displays. */
function shown(cell: NotebookCell): string {
  return (cell.outputs ?? []).map((o) => {
    if (o.output_type === 'stream') return Array.isArray(o.text) ? o.text.join('') : o.text ?? '';
    return Object.values(o.data ?? {}).map((v) => (Array.isArray(v) ? v.join('') : typeof v === 'string' ? v : JSON.stringify(v))).join('\n');
  }).join('\n').replace(/&#39;|&apos;/g, "'").replace(/&quot;/g, '"').replace(/&gt;/g, '>').replace(/&lt;/g, '<').replace(/&amp;/g, '&');
}
const dump = (text: string, tag: string): any => JSON.parse(new RegExp(`^${tag} (.*)$`, 'm').exec(text)![1]);
// The dump runs as a cell of its own after the variant, so the variant's last expression still displays.
const DUMP = (tag: string, expr: string) => `\u0000console.log('${tag} ' + JSON.stringify(${expr}));`;

interface Variant { name: string; code: string; check: (text: string) => void }
const variants: Variant[] = [];

// 1.1 gossip: what a and b sent c after its crash, and when c was last heard.
for (const [seed, crashAtMs] of [[1, 5], [42, 50], [7, 20]]) {
  variants.push({
    name: `c003 seed ${seed}, crashAtMs ${crashAtMs}`,
    code: withParams('c003', { seed, crashAtMs }) + DUMP('TRACE', "sim.trace.events().map((e) => [e.type, e.node, e.peer ?? '', e.timeMs])"),
    check: (text) => {
      const ev = dump(text, 'TRACE') as [string, string, string, number][];
      const sent = ev.filter(([t, n, p, ms]) => t === 'send' && n !== 'c' && p === 'c' && ms >= crashAtMs).length;
      const delivered = ev.filter(([t, n, , ms]) => t === 'deliver' && n === 'c' && ms >= crashAtMs).length;
      const fromC = ev.filter(([t, , p]) => t === 'deliver' && p === 'c').map((e) => e[3]);
      expect(sent).toBeGreaterThan(0);
      expect(text).toContain(`c crashed at ${crashAtMs} ms; after that a and b sent it ${sent} messages (${delivered} delivered),`);
      expect(text).toContain(fromC.length ? `the last message from c reached them at ${Math.max(...fromC).toFixed(1)} ms` : 'no message from c ever reached them');
    }
  });
}

// 2.3 trading sweep: where wall-clock order first goes wrong.
for (const seed of [1, 9]) {
  variants.push({
    name: `c036 seed ${seed}`,
    code: withParams('c036', { seed, skewMs: 3 }) + DUMP('POINTS', 'skewSweep.points'),
    check: (text) => {
      const first = (dump(text, 'POINTS') as { series: string; x: number; y: number }[]).find((p) => p.series === 'ordered by wall clock' && p.y > 0);
      expect(text).toContain(first ? `Wall-clock order first goes wrong at ${first.x} ms of skew (seed ${seed})` : 'No hedge sorted before its trade');
    }
  });
}

// 4.2 OM(1): failures per n, from the sweep's rows.
for (const seeds of [1, 7]) {
  variants.push({
    name: `c054 seeds ${seeds}`,
    code: withParams('c054', { seeds }) + DUMP('ROWS', 'sweep'),
    check: (text) => {
      const rows = dump(text, 'ROWS') as { n: number; runs: number; failures: number }[];
      const t = (n: number) => rows.filter((r) => r.n === n).reduce((a, r) => [a[0] + r.failures, a[1] + r.runs], [0, 0]);
      expect(text).toContain(`n = 3 failed in ${t(3)[0]} of ${t(3)[1]} runs, n = 4 = 3·1 + 1 in ${t(4)[0]} of ${t(4)[1]}`);
    }
  });
}

// 4.3 at-least-once: what the caption says was lost and who processed each event once.
for (const [seed, dropProbability, duplicateProbability] of [[2, 0, 0], [5, 0.6, 0.3]]) {
  variants.push({
    name: `c059 seed ${seed}, drop ${dropProbability}, duplicate ${duplicateProbability}`,
    code: withParams('c059', { seed, dropProbability, duplicateProbability }) + DUMP('RUNS', 'runs'),
    check: (text) => {
      const runs = dump(text, 'RUNS') as { dedup: boolean; published: number; processed: number; uniqueProcessed: number }[];
      expect(text).toContain(runs.some((r) => r.uniqueProcessed < r.published) ? 'some events were lost' : 'no event was lost in either run');
      const once = runs.filter((r) => r.processed === r.uniqueProcessed).map((r) => (r.dedup ? 'the deduplicating consumer' : 'the consumer without dedup'));
      expect(text).toContain(`processed each event exactly once: ${once.join(' and ') || 'neither consumer'}`);
    }
  });
}

// 5.5 watch vs poll: the title's verdict against the rows.
for (const [seed, pollIntervalS] of [[3, 0.1], [1, 10]]) {
  variants.push({
    name: `c076 seed ${seed}, pollIntervalS ${pollIntervalS}`,
    code: withParams('c076', { seed, pollIntervalS }) + DUMP('ROWS', 'wp.rows'),
    check: (text) => {
      const rows = dump(text, 'ROWS') as { mode: string; clientCount: number; apiMessagesPerS: number; meanNoticeDelayMs: number }[];
      const pairs = rows.filter((r) => r.mode === 'watch').map((w) => [w, rows.find((r) => r.mode === 'poll' && r.clientCount === w.clientCount)!]);
      const less = pairs.every(([w, p]) => w.apiMessagesPerS < p.apiMessagesPerS), sooner = pairs.every(([w, p]) => w.meanNoticeDelayMs < p.meanNoticeDelayMs);
      expect(text).toContain(`Watching: ${less ? 'less' : 'not always less'} load and ${sooner ? 'sooner' : 'not always sooner'} notice than polling`);
    }
  });
}

// 5.6 node failure: eviction against NotReady and the last heartbeat.
for (const [version, tolerationS, seed] of [['v1.31', 0, 2], ['v1.32', 600, 5]] as const) {
  variants.push({
    name: `c078 ${version}, tolerationS ${tolerationS}, seed ${seed}`,
    code: withParams('c078', { version, tolerationS, seed }) + DUMP('NF', '{ n: nf.notReadyS, e: nf.evictionS, h: nf.lastHeartbeatS }'),
    check: (text) => {
      const { n, e, h } = dump(text, 'NF');
      // the simulated taint manager acts on its next pass, within a second of the toleration
      expect(Math.abs(e - n - tolerationS)).toBeLessThanOrEqual(1);
      expect(text).toContain(`here evicted ${(e - n).toFixed(1)} s after NotReady, ${(e - h).toFixed(1)} s after the last heartbeat`);
    }
  });
}

// Hands-on 2: order of appearance and phases of the new pods.
for (const [seed, replicas] of [[5, 3], [11, 20]]) {
  variants.push({
    name: `c121 seed ${seed}, replicas ${replicas}`,
    code: withParams('c121', { seed, replicas }) + DUMP('PODS', 'ec.podIntervals()'),
    check: (text) => {
      const iv = dump(text, 'PODS') as { lane: string; state: string; startMs: number }[];
      const first = new Map<string, number>();
      for (const i of iv) first.set(i.lane, Math.min(i.startMs, first.get(i.lane) ?? Infinity));
      const fresh = [...first].filter(([, t]) => t >= 20000).sort((a, b) => a[1] - b[1]).map(([p]) => p);
      const sorted = [...fresh].sort();
      const paths = [...new Set(fresh.map((p) => iv.filter((i) => i.lane === p).sort((a, b) => a.startMs - b.startMs).map((i) => i.state).join(' -> ')))];
      expect(fresh.length).toBe(replicas - 1);
      expect(text).toContain(`the ${fresh.length} new pods appeared ${fresh.join() === sorted.join() ? 'in name order' : 'in an order unrelated to their names'}`);
      expect(text).toContain(`and passed ${paths.join(' or ')} (seed ${seed})`);
    }
  });
}

// Hands-on 3: worker-2's status and how many of its pods still show Running, from kubectl's own output.
for (const [seed, node] of [[1, 'worker-3'], [8, 'worker-1']]) {
  variants.push({
    name: `c123 seed ${seed}, node ${node}`,
    code: withParams('c123', { seed, node }),
    check: (text) => {
      const nodes = text.split('kubectl uncordon')[1];
      const status = /^worker-2\s+(\S+)/m.exec(nodes)![1];
      const pods = text.split('$ kubectl get pods -o wide\n').pop()!.split('\n').filter((l) => /\sworker-2\s*$/.test(l));
      const running = pods.filter((l) => l.split(/\s+/)[2] === 'Running').length;
      expect(text).toContain(`seed ${seed}: worker-2 is ${status}; ${running} of the ${pods.length} pods listed on it show Running`);
    }
  });
}

describe('module 5.1: every printed outcome follows the run', () => {
  const setup = cellSource(nb.cells.find((c) => c.cell_type === 'code')!);
  const cells = variants.map((v) => v.code.split('\u0000')).map(([code, dumpCode]) => [code, dumpCode ?? '// no dump']);
  const executed = executeCells([setup, ...cells.flat()]);

  it('runs every variant without an error', () => {
    expect(errorOutputs(executed)).toEqual([]);
  });
  variants.forEach((v, i) => {
    it(v.name, () => v.check(shown(executed.cells[1 + 2 * i]) + '\n' + shown(executed.cells[2 + 2 * i])));
  });
});
