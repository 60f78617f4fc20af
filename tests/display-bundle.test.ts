import { describe, expect, it } from 'vitest';
import { errorOutputs, executeCells } from './helpers/notebook';

describe('display path through the real tslab kernel', () => {
  it('sends one output that holds Vega-Lite, kernel-rendered SVG and text', () => {
    const nb = executeCells([`import * as dl from 'distlab';\ndl.show(dl.latencyNumbersChart());`]);
    expect(errorOutputs(nb)).toEqual([]);
    const outputs = nb.cells[0].outputs ?? [];
    expect(outputs).toHaveLength(1);
    const [output] = outputs;
    expect(output.output_type).toBe('display_data');
    const data = output.data ?? {};
    expect(Object.keys(data).sort()).toEqual(['application/vnd.vegalite.v5+json', 'image/svg+xml', 'text/plain']);
    const spec = data['application/vnd.vegalite.v5+json'] as { $schema: string; data: { values: unknown[] } };
    expect(spec.$schema).toContain('vega-lite/v5');
    expect(spec.data.values).toHaveLength(7);
    const svg = Array.isArray(data['image/svg+xml']) ? (data['image/svg+xml'] as string[]).join('') : (data['image/svg+xml'] as string);
    expect(svg).toMatch(/^<svg[^>]*>/);
    expect(svg).toContain('Network round trip (US→EU)');
    expect(String(data['text/plain'])).toContain('×200,000,000');
  });

  it('reports bad input as a clear error and keeps the kernel usable', () => {
    const nb = executeCells([
      `import * as dl from 'distlab';`,
      `dl.latencyNumbersChart({ widthPx: -1 });`,
      `dl.show(dl.latencyNumbersChart({ baseline: 'Main memory reference' }));`
    ]);
    const errors = errorOutputs(nb);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('DistlabInputError: invalid widthPx: -1 (expected 100..4000 px)');
    // The learner sees their own cell's frame, not distlab's internals.
    expect(errors[0]).not.toMatch(/at .*kernel-lib/);
    const second = nb.cells[2].outputs ?? [];
    expect(second.map((o) => o.output_type)).toEqual(['display_data']);
    expect(String(second[0].data?.['text/plain'])).toContain('×5,000');
  });
});
