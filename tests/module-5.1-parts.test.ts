import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cellSource, errorOutputs, executeCells, Notebook, NotebookCell } from './helpers/notebook';
import { NOTEBOOKS, NO_ETCD, ROOT } from './helpers/paths';

const NOTEBOOK = join(NOTEBOOKS, '5.1-what-makes-systems-distributed.ipynb');

/**
 * The notebook's `## …` sections (the five parts, then did-you-know, common mistakes, quiz and
 * hands-on), each with the sources of its code cells. The set-up cell is the first code cell.
 */
function sections(): { setup: string; parts: { heading: string; code: string[] }[] } {
  const nb = JSON.parse(readFileSync(NOTEBOOK, 'utf8')) as Notebook;
  const code = nb.cells.filter((c) => c.cell_type === 'code');
  const setup = cellSource(code[0]);
  const parts: { heading: string; code: string[] }[] = [];
  for (const cell of nb.cells) {
    const source = cellSource(cell);
    const heading = cell.cell_type === 'markdown' ? /^## (.+)$/m.exec(source) : null;
    if (heading) parts.push({ heading: heading[1], code: [] });
    else if (cell.cell_type === 'code' && parts.length > 0) parts[parts.length - 1].code.push(source);
  }
  return { setup, parts: parts.filter((p) => p.code.length > 0) };
}

describe('module 5.1: each part runs on its own after the set-up cell', () => {
  const { setup, parts } = sections();

  it('finds the five parts and the closing sections', () => {
    expect(parts.map((p) => p.heading.split(' ')[0] + ' ' + p.heading.split(' ')[1])).toEqual(
      expect.arrayContaining(['Part 1', 'Part 2', 'Part 3', 'Part 4', 'Part 5'])
    );
  });

  for (const part of parts) {
    it(`${part.heading}: set-up cell + this section only, no error`, () => {
      const nb = executeCells([setup, ...part.code]);
      expect(errorOutputs(nb)).toEqual([]);
      // Every cell of the section has produced something to look at.
      const silent = nb.cells.slice(1).filter((c) => (c.outputs ?? []).length === 0).map((c) => cellSource(c).split('\n')[0]);
      expect(silent).toEqual([]);
      checkRealEtcdCells(nb);
    });
  }

  it('without etcd, the real-cluster cells say how to get it and their simulated halves still run', () => {
    const real = [...parts.flatMap((p) => p.code)].filter((source) => REAL_CELLS.some((r) => source.includes(r.marker)));
    expect(real.length).toBe(REAL_CELLS.length);
    const saved = process.env.DISTLAB_ETCD;
    // A path with no etcd: findEtcd then looks nowhere else (see live/etcd/installation.ts).
    process.env.DISTLAB_ETCD = NO_ETCD;
    let nb: Notebook;
    try {
      nb = executeCells([setup, ...real]);
    } finally {
      if (saved === undefined) delete process.env.DISTLAB_ETCD;
      else process.env.DISTLAB_ETCD = saved;
    }
    expect(errorOutputs(nb)).toEqual([]);
    for (const cell of nb.cells.slice(1)) {
      expect(textOf(cell)).toContain('etcd is not installed');
      expect(textOf(cell)).toContain('npm run setup');
    }
    const byMarker = (m: string) => textOf(nb.cells.find((c) => cellSource(c).includes(m))!);
    expect(byMarker('dl.etcdQuorumExperiment')).toMatch(/^1 of 3\s+no\s+0\/5/m);
    expect(byMarker('dl.etcdMinorityLeaderExperiment')).toContain('etcd not installed');
    expect(byMarker('dl.etcdFailoverExperiment')).toMatch(/^simulated Raft\s+200\s/m);
    expect(byMarker('dl.etcdFailoverExperiment')).not.toMatch(/^real etcd\s+\d/m);
  });
});

/** Every text/plain output and stream of a cell, joined. */
function textOf(cell: NotebookCell): string {
  return (cell.outputs ?? []).map((o) => {
    const t = o.output_type === 'stream' ? o.text : (o.data?.['text/plain'] as string | string[] | undefined);
    return Array.isArray(t) ? t.join('') : t ?? '';
  }).join('\n');
}

/** The cells that drive a real etcd, named by the call that marks them, with what each must show. */
const REAL_CELLS: { marker: string; check: (text: string, cell: NotebookCell) => void }[] = [
  { marker: 'dl.etcdQuorumExperiment', check: (t) => {
    expect(t).toContain('A real etcd cluster of 3');
    // Simulated and real tables alike: writes and linearizable reads fail with 1 of 3 up, serializable reads answer.
    expect(t.match(/^1 of 3\s+no\s+0\/5\s+0\/5\s+5\/5/gm)?.length).toBe(2);
    expect(t.match(/^2 of 3\s+yes\s+5\/5\s+5\/5\s+5\/5/gm)?.length).toBe(2);
    expect(t).toMatch(/down to 2 of 3 members up in the simulation and down to 2 of 3 in the real etcd/);
  } },
  { marker: 'dl.etcdMinorityLeaderExperiment', check: (t) => {
    const row = (step: string) => t.split('\n').find((l) => l.startsWith(step)) ?? '';
    expect(row('the old leader').match(/steps down after/g)?.length).toBe(2);
    expect(row('put through the old leader')).not.toContain('ok in');
    expect(row('serializable get there').match(/ok in [^:]+: "before"/g)?.length).toBe(2);
    expect(row('after heal, every member reads').match(/"majority"/g)?.length).toBe(6);
  } },
  { marker: 'dl.etcdPutLatencyExperiment', check: (t) => {
    expect(t).toMatch(/etcd put, p50\s+\d/);
    expect(t).toMatch(/the median put lasts as long as [\d,]+ function calls/);
  } },
  { marker: 'dl.startEtcdCluster', check: (t) => {
    expect(t).toMatch(/^kill etcd-\d\s+ok/m);
    expect(t).toMatch(/^leader is now etcd-\d in term \d+\s+ok/m);
  } },
  { marker: 'dl.etcdFailoverExperiment', check: (t, cell) => {
    // One chart with both series, their medians and ratio.
    expect(t).toMatch(/^simulated Raft\s+200\s+[\d.]+ m?s/m);
    expect(t).toMatch(/^real etcd\s+5\s+[\d.]+ m?s/m);
    expect(t).toMatch(/real etcd \/ simulated Raft median: \d+\.\d\d/);
    expect((cell.outputs ?? []).some((o) => 'application/vnd.vegalite.v5+json' in (o.data ?? {}))).toBe(true);
  } }
];

/** The real-etcd cells run against the etcd set-up installs; each shows its measurement beside the prediction. */
function checkRealEtcdCells(nb: Notebook): void {
  for (const cell of nb.cells) {
    const real = REAL_CELLS.find((r) => cellSource(cell).includes(r.marker));
    if (!real) continue;
    const text = textOf(cell);
    expect(text, 'etcd is installed by set-up (.venv/etcd)').not.toContain('etcd is not installed');
    real.check(text, cell);
  }
}
