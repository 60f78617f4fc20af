import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// Markdown must read the same in the lab, on GitHub and in the report. The lab renders text
// between two `$` as math ("Transfer $100 … $100" became italic LaTeX), and no escape works
// everywhere: JupyterLab still makes math of `\$100 … \$100` (it needs `\\$`, which GitHub and
// the report print as `\$`; jupyterlab/jupyterlab#8645). So prose writes no `$` outside code:
// amounts are in words ("100 dollars"). The same holds for the question texts the lab renders
// (options, items, feedback) and for the answer keys they are made from. A saved output is a defect too.

const notebooks = resolve(__dirname, '..', '..', 'notebooks');

/** Dollar signs of a markdown text outside code spans and fenced blocks, escaped or not. */
export function proseDollars(markdown: string): number {
  const prose = markdown.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  return (prose.match(/\$/g) ?? []).length;
}

/** Every string inside a JSON value, with its path. */
function strings(value: unknown, path: string): { path: string; text: string }[] {
  if (typeof value === 'string') return [{ path, text: value }];
  if (Array.isArray(value)) return value.flatMap((v, i) => strings(v, `${path}[${i}]`));
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => strings(v, `${path}.${k}`));
  return [];
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
        metadata: (cell as { metadata?: unknown }).metadata,
        outputs: cell.outputs ?? []
      }));
    });

  it('no markdown cell writes a $ outside code (the lab would render the text between two as math)', () => {
    const offenders = cells.filter((c: { type: string; text: string }) => c.type === 'markdown' && proseDollars(c.text) > 0).map((c: { where: string }) => c.where);
    expect(offenders).toEqual([]);
  });

  it('no question text in the notebooks or their answer keys writes a $ (the lab renders them as markdown)', () => {
    const inNotebooks = cells.flatMap((c: { where: string; metadata: unknown }) => strings((c.metadata as { distlab?: unknown } | undefined)?.distlab, c.where));
    const quiz = resolve(notebooks, '..', 'quiz');
    const inKeys = readdirSync(quiz)
      .filter((n) => n.endsWith('.answers.json'))
      .flatMap((name) => strings(JSON.parse(readFileSync(join(quiz, name), 'utf8')), name));
    expect(inKeys.length).toBeGreaterThan(100);
    expect([...inNotebooks, ...inKeys].filter((s) => s.text.includes('$')).map((s) => s.path)).toEqual([]);
  });

  it('the check finds the mistake it is for, escaped or not, and lets code be', () => {
    expect(proseDollars('Transfer $100, retry, transfer $100 again')).toBe(2);
    expect(proseDollars('Transfer \\$100, retry, transfer \\$100 again')).toBe(2);
    expect(proseDollars('a template `${seed}` and `${n}` in code')).toBe(0);
    expect(proseDollars('Transfer 100 dollars, retry, transfer 100 dollars again')).toBe(0);
  });

  it('notebooks are saved without outputs', () => {
    const withOutputs = cells.filter((c: { type: string; outputs: unknown[] }) => c.type === 'code' && c.outputs.length > 0).map((c: { where: string }) => c.where);
    expect(withOutputs).toEqual([]);
  });
});
