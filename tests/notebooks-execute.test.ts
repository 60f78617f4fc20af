import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { errorOutputs, executeNotebook, Notebook } from './helpers/notebook';
import { NOTEBOOKS } from './helpers/paths';

const notebooks = readdirSync(NOTEBOOKS).filter((name) => name.endsWith('.ipynb')).sort();

describe('every notebook under notebooks/', () => {
  it('includes the start notebook', () => {
    expect(notebooks).toContain('00-start-here.ipynb');
  });

  for (const name of notebooks) {
    it(`${name} is committed without outputs and uses the tslab kernel`, () => {
      const nb = JSON.parse(readFileSync(join(NOTEBOOKS, name), 'utf8')) as Notebook & { cells: { execution_count?: number | null }[] };
      expect((nb.metadata.kernelspec as { name: string }).name).toBe('tslab');
      for (const cell of nb.cells) {
        expect(cell.outputs ?? []).toEqual([]);
        expect(cell.execution_count ?? null).toBeNull();
      }
    });

    it(`${name} executes headless through the tslab kernel without errors`, () => {
      const nb = executeNotebook(join(NOTEBOOKS, name), 300);
      expect(errorOutputs(nb)).toEqual([]);
      const codeCells = nb.cells.filter((cell) => cell.cell_type === 'code');
      // The glossary is prose only; every other notebook runs code.
      if (name === 'glossary.ipynb') expect(codeCells).toEqual([]);
      else expect(codeCells.length).toBeGreaterThan(0);
      if (name === '00-start-here.ipynb') {
        const bundles = codeCells.flatMap((cell) => cell.outputs ?? []).filter((o) => o.output_type === 'display_data');
        const full = bundles.filter((o) => ['application/vnd.vegalite.v5+json', 'image/svg+xml', 'text/plain'].every((m) => m in (o.data ?? {})));
        expect(full.length, 'one output carries Vega-Lite, SVG and text together').toBeGreaterThanOrEqual(1);
      }
      if (name === '5.1-what-makes-systems-distributed.ipynb') {
        // Its real-etcd cells ran against the etcd set-up installs, not the how-to-get-it message.
        const text = JSON.stringify(codeCells.map((cell) => cell.outputs ?? []));
        expect(text).not.toContain('etcd is not installed');
        expect(text).toContain('A real etcd cluster of 3');
        expect(text).toMatch(/real etcd \/ simulated Raft median: \d+\.\d\d/);
      }
    });
  }
});
