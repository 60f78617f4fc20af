import { describe, expect, it } from 'vitest';
import { allFigures } from './fixtures/figure-inputs';

/** Vega's ids and float noise vary by run and platform: replace ids, round numbers to 1 decimal. */
export function normaliseSvg(svg: string): string {
  const ids = new Map<string, string>();
  const idFor = (id: string) => {
    if (!ids.has(id)) ids.set(id, `id${ids.size}`);
    return ids.get(id) as string;
  };
  return svg
    .replace(/id="([^"]+)"/g, (_, id) => `id="${idFor(id)}"`)
    .replace(/url\(#([^)]+)\)/g, (_, id) => `url(#${idFor(id)})`)
    // Round coordinates inside attributes only; text content (e.g. "v1.31") stays exact.
    .replace(/(\s[\w:-]+)="([^"]*)"/g, (_, name, value: string) => `${name}="${value.replace(/-?\d+\.\d+/g, (n) => {
      const r = Math.round(Number(n) * 10) / 10;
      return String(Object.is(r, -0) ? 0 : r);
    })}"`)
    .replace(/></g, '>\n<');
}

describe('figure SVG snapshots (fixed inputs)', () => {
  const figures = allFigures();
  for (const [name, figure] of Object.entries(figures)) {
    it(name, async () => {
      await expect(normaliseSvg(figure.svg())).toMatchFileSnapshot(`__snapshots__/${name}.svg`);
    });
  }
});
