import * as dl from 'distlab';
import { describe, expect, it } from 'vitest';
import { allFigures } from './fixtures/figure-inputs';

/** Texts Vega cut to fit a limit: it writes them with a trailing ellipsis. */
function cutTexts(svg: string): string[] {
  return [...svg.matchAll(/<text\b[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]).filter((text) => /\S…$/.test(text));
}

const LONG = 'local function call (measured here, median of 21 rounds)';

/** One long label in every place a figure draws one: band axes, legends, lanes. */
const longLabelFigures: Record<string, () => dl.Figure> = {
  barChart: () => dl.barChart([{ category: LONG, value: 6 }, { category: 'network call (simulated, 1 ms round trip)', value: 1e6 }], { scale: 'log' }),
  groupedBarChart: () => dl.barChart([{ group: LONG, category: 'median', value: 3 }, { group: LONG, category: `p99 of ${LONG}`, value: 9 }]),
  xyChartLegend: () => dl.xyChart([{ series: LONG, x: 1, y: 1 }, { series: LONG, x: 2, y: 3 }]),
  latencyNumbersMeasured: () => dl.latencyNumbersChart({ measured: [{ operation: LONG, latencyNs: 2 }] }),
  stateLanes: () => dl.stateLaneChart([{ lane: LONG, state: 'leader', startMs: 0, endMs: 10 }])
};

describe('figure labels are never cut', () => {
  for (const [name, figure] of Object.entries(allFigures())) {
    it(`${name}: every text whole`, () => {
      expect(cutTexts(figure.svg())).toEqual([]);
    });
  }
  for (const [name, make] of Object.entries(longLabelFigures)) {
    it(`${name}: a long label is drawn whole`, () => {
      const svg = make().svg();
      expect(cutTexts(svg)).toEqual([]);
      expect(svg.includes(`>${LONG}</text>`), 'the label whole, as text').toBe(true);
    });
  }
});
