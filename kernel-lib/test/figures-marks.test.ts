import * as dl from 'distlab';
import { describe, expect, it } from 'vitest';
import { allFigures } from './fixtures/figure-inputs';
import { smallTrace, TraceBuilder } from './fixtures/traces';

type Unit = { data?: { values?: Record<string, unknown>[] }; mark?: unknown; encoding?: Record<string, Channel>; layer?: Unit[]; hconcat?: Unit[]; vconcat?: Unit[]; concat?: Unit[]; transform?: unknown[] };
type Channel = { field?: string; type?: string; legend?: unknown; scale?: { domain?: unknown[] } | null };
const LEGEND_CHANNELS = ['color', 'fill', 'stroke', 'shape', 'strokeDash', 'size', 'opacity'];

/** Legend entries (a nominal channel's declared domain) with no datum of that value in the layer that draws them. */
function undrawnLegendEntries(unit: Unit, inherited: Record<string, unknown>[] | undefined, where: string, out: string[]): void {
  const values = unit.data?.values ?? inherited;
  for (const [name, channel] of Object.entries(unit.encoding ?? {})) {
    if (!LEGEND_CHANNELS.includes(name) || channel.legend === null || channel.type !== 'nominal' || !channel.field) continue;
    const domain = channel.scale?.domain;
    if (!Array.isArray(domain) || values === undefined || unit.transform !== undefined) continue;
    const present = new Set(values.map((v) => v[channel.field as string]));
    for (const entry of domain) if (!present.has(entry)) out.push(`${where} ${name} "${String(entry)}"`);
  }
  for (const key of ['layer', 'hconcat', 'vconcat', 'concat'] as const) {
    unit[key]?.forEach((child, i) => undrawnLegendEntries(child, values, `${where}.${key}[${i}]`, out));
  }
}

/** A lane crowded with events a fraction of a millisecond apart, and a crash where a message is dropped. */
function crowdedTrace(): dl.TraceEvent[] {
  const t = new TraceBuilder(['a', 'b', 'c']);
  for (let i = 0; i < 6; i++) t.local('b', 10 + i * 0.3, `step ${i}`);
  const m = t.send('a', 'b', 12, 'put');
  // The crash comes first in the trace, so trace order alone would draw the drop over it.
  t.fault('b', 20, 'crash');
  t.drop(m, 'b', 'a', 20, 'put');
  t.fault('b', 30, 'restart');
  const m2 = t.send('c', 'a', 31, 'get');
  t.deliver(m2, 'a', 'c', 34, 'get');
  return t.events;
}

// Widths of DejaVu Sans (the widest of the usual sans-serif faces) at 10 px, per character.
const CHAR_PX: Record<string, number> = { L: 5.6, '[': 3.9, ']': 3.9, ',': 3.2 };
const textPx = (text: string) => [...text].reduce((sum, c) => sum + (CHAR_PX[c] ?? 6.4), 0);

/** Pairs of stamps printed on one row that overlap, from the rendered SVG (positions as drawn). */
function overlappingStamps(svg: string): string[] {
  const stamps = [...svg.matchAll(/<text [^>]*aria-label="[^"]*stamp: [^"]*"[^>]*aria-roledescription="text mark"[^>]*transform="translate\(([-\d.]+),([-\d.]+)\)"[^>]*>([^<]*)<\/text>/g)]
    .map((m) => ({ x: Number(m[1]), y: Number(m[2]), text: m[3] }));
  const out: string[] = [];
  for (const [i, a] of stamps.entries()) {
    for (const b of stamps.slice(i + 1)) {
      if (Math.abs(a.y - b.y) < 10 && Math.abs(a.x - b.x) < (textPx(a.text) + textPx(b.text)) / 2) out.push(`${a.text} and ${b.text} at y=${a.y}`);
    }
  }
  return out;
}

/** Counterexample diagrams of every exercise, from a wrong function each. */
function counterexamples(): Record<string, string> {
  const svgOf = (r: { toMimeBundle(): { data: Record<string, unknown> } }) => r.toMimeBundle().data['image/svg+xml'] as string;
  return {
    'quorum-size': svgOf(dl.gradeExercise('quorum-size', (n) => Math.floor(n / 2))),
    'lamport-receive': svgOf(dl.gradeExercise('lamport-receive', (local) => local + 1)),
    'g-counter-merge': svgOf(dl.gradeExercise('g-counter-merge', (a) => ({ ...a }))),
    'idempotent-transfer': svgOf(dl.gradeExercise('idempotent-transfer', (state, r) => ({ ...state, balances: { ...state.balances, [r.from]: state.balances[r.from] - r.amount, [r.to]: state.balances[r.to] + r.amount } })))
  };
}

describe('every legend entry is a mark the figure draws', () => {
  const figures = {
    ...allFigures(),
    crowded: dl.spaceTimeDiagram(crowdedTrace()),
    // A fixed state order (as a topic declares it) naming a state this run never reaches.
    'state-lanes-declared': dl.stateLaneChart([{ lane: 'r1', state: 'serving, in sync', startMs: 0, endMs: 50 }, { lane: 'r3', state: 'refuses requests (minority)', startMs: 0, endMs: 50 }], { states: ['serving, in sync', 'refuses requests (minority)', 'catching up'] })
  };
  for (const [name, figure] of Object.entries(figures)) {
    it(name, () => {
      const out: string[] = [];
      undrawnLegendEntries(figure.spec as Unit, undefined, name, out);
      expect(out).toEqual([]);
    });
  }
});

describe('the replay of a space-time diagram lists only what it draws', () => {
  it('every legend entry of the replay of the gallery trace and of a crowded trace has data', () => {
    for (const trace of [crowdedTrace(), smallTrace()]) {
      const bundle = (dl.spaceTimeDiagram(trace) as unknown as { toMimeBundle(): { data: Record<string, unknown> } }).toMimeBundle();
      const replay = bundle.data['application/vnd.plotly.v1+json'] as { data: unknown[] };
      const listed = replay.data.filter((t) => (t as { showlegend?: boolean }).showlegend !== false);
      expect(listed.length).toBeGreaterThan(3);
      for (const t of listed) {
        const x = (t as { x?: unknown[] }).x ?? [];
        expect(x.filter((v) => v !== null).length, String((t as { name?: string }).name)).toBeGreaterThan(0);
      }
    }
  });
});

describe('space-time diagrams: stamps and event marks stay readable', () => {
  it('no two stamps overlap, however close the events (left-out ones are counted in the subtitle)', () => {
    for (const stamps of ['lamport', 'vector'] as const) {
      const figure = dl.spaceTimeDiagram(crowdedTrace(), { stamps });
      const svg = figure.svg();
      expect(overlappingStamps(svg), stamps).toEqual([]);
      const printed = [...svg.matchAll(/aria-label="[^"]*stamp: [^"]*"[^>]*aria-roledescription="text mark"/g)].length;
      const left = Number(/(\d+) too close to print/.exec(svg)?.[1] ?? 0);
      expect(printed + left, stamps).toBe(crowdedTrace().length);
      expect(printed, stamps).toBeGreaterThan(8);
    }
  });

  it('a crash, restart, pause or resume is drawn after (above) every drop', () => {
    const spec = dl.spaceTimeDiagram(crowdedTrace()).spec as Unit;
    const points = (spec.layer ?? []).find((l) => (l.encoding?.shape as Channel | undefined)?.field === 'kind');
    const kinds = (points?.data?.values ?? []).map((v) => v.kind as string);
    expect(kinds).toContain('drop');
    expect(kinds).toContain('crash');
    const lastDrop = kinds.lastIndexOf('drop');
    for (const kind of ['crash', 'restart']) expect(kinds.indexOf(kind), kind).toBeGreaterThan(lastDrop);
  });

  it('counterexample diagrams of every exercise: stamps do not overlap', () => {
    for (const [id, svg] of Object.entries(counterexamples())) {
      expect(svg, id).toContain('<svg');
      expect(overlappingStamps(svg), id).toEqual([]);
    }
  });
});

/** Pairs of tick labels of one axis that touch or overlap (less than 2 px apart), from the rendered SVG. */
function crowdedTickLabels(svg: string): string[] {
  const out: string[] = [];
  for (const group of svg.matchAll(/<g class="mark-text role-axis-label"[^>]*>([\s\S]*?)<\/g>/g)) {
    // Labels vega's overlap rule hid are written with opacity 0: not drawn.
    const labels = [...group[1].matchAll(/<text text-anchor="(start|middle|end)" transform="translate\(([-\d.]+),([-\d.]+)\)"[^>]*font-size="([\d.]+)px"[^>]*opacity="([\d.]+)"[^>]*>([^<]*)<\/text>/g)]
      .filter((m) => Number(m[5]) > 0)
      .map((m) => {
        const size = Number(m[4]);
        const w = textPx(m[6]) * (size / 10);
        const x = Number(m[2]);
        const left = m[1] === 'start' ? x : m[1] === 'middle' ? x - w / 2 : x - w;
        return { text: m[6], left, right: left + w, y: Number(m[3]), size };
      });
    for (const [i, a] of labels.entries()) {
      for (const b of labels.slice(i + 1)) {
        const sameRow = Math.abs(a.y - b.y) < a.size;
        if (sameRow && a.left < b.right + 2 && b.left < a.right + 2) out.push(`"${a.text}" and "${b.text}"`);
      }
    }
  }
  return out;
}

describe('axis tick labels never touch', () => {
  const narrow = {
    'latency-cdf-narrow': dl.latencyCdf(Array.from({ length: 200 }, (_, i) => 0.05 + i * 0.01), { widthPx: 160 }),
    'latency-histogram-narrow': dl.latencyHistogram(Array.from({ length: 200 }, (_, i) => 3.8 + (i % 20) * 0.01), { widthPx: 120 }),
    'xy-narrow': dl.xyChart(Array.from({ length: 11 }, (_, i) => ({ series: 's', x: i * 0.02, y: 3.8 + i * 0.02 })), { widthPx: 120 })
  };
  for (const [name, figure] of Object.entries({ ...allFigures(), ...narrow })) {
    it(name, () => {
      expect(crowdedTickLabels(figure.svg())).toEqual([]);
    });
  }
});
