import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// Markdown must read the same in the lab, on GitHub and in the report. The lab renders a pair
// of unescaped `$` as math ("Transfer $100 … $100" became italic LaTeX), so amounts are written
// `\$100`; a pair left unescaped is a defect, as is a saved output.

const notebooks = resolve(__dirname, '..', '..', 'notebooks');

/** Unescaped dollar signs of a markdown text outside code spans and fenced blocks. */
export function unescapedDollars(markdown: string): number {
  const prose = markdown.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  return (prose.match(/(^|[^\\])\$/g) ?? []).length;
}

describe('notebook markdown and outputs', () => {
  const cells = readdirSync(notebooks)
    .filter((n) => n.endsWith('.ipynb'))
    .flatMap((name) => {
      const nb = JSON.parse(readFileSync(join(notebooks, name), 'utf8'));
      return nb.cells.map((cell: { cell_type: string; source: string | string[]; outputs?: unknown[]; id?: string }, i: number) => ({
        where: `${name} cell ${cell.id ?? i}`,
        type: cell.cell_type,
        text: Array.isArray(cell.source) ? cell.source.join('') : cell.source,
        outputs: cell.outputs ?? []
      }));
    });

  it('no markdown cell holds a pair of unescaped $ (the lab would render it as math)', () => {
    const offenders = cells.filter((c: { type: string; text: string }) => c.type === 'markdown' && unescapedDollars(c.text) >= 2).map((c: { where: string }) => c.where);
    expect(offenders).toEqual([]);
  });

  it('the check finds the mistake it is for, and lets code and escaped amounts be', () => {
    expect(unescapedDollars('Transfer $100, retry, transfer $100 again')).toBe(2);
    expect(unescapedDollars('Transfer \\$100, retry, transfer \\$100 again')).toBe(0);
    expect(unescapedDollars('a template `${seed}` and `${n}` in code')).toBe(0);
  });

  it('notebooks are saved without outputs', () => {
    const withOutputs = cells.filter((c: { type: string; outputs: unknown[] }) => c.type === 'code' && c.outputs.length > 0).map((c: { where: string }) => c.where);
    expect(withOutputs).toEqual([]);
  });
});
