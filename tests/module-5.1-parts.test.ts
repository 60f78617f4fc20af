import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cellSource, errorOutputs, executeCells, Notebook } from './helpers/notebook';
import { NOTEBOOKS } from './helpers/paths';

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
    });
  }
});
