import { describe, expect, it } from 'vitest';
import { linesReading, numberCellLines } from '../src/cell-errors/line-numbers';

const CELL = [
  '// a bad option, a few lines down',
  '',
  'interface Plan { seed: number }',
  'function make(plan: Plan): dl.Simulation {',
  '  return dl.simulation({ seed: plan.seed });',
  '}',
  'const sim = make({ seed: -1 });'
].join('\n');

describe("a distlab error's frames get the cell's own line numbers", () => {
  it('each frame found on exactly one line of the cell is numbered, whatever the spacing', () => {
    const printed = 'DistlabInputError: invalid seed: -1 (expected an integer 0..9007199254740991)\n    at make, in this cell: return dl.simulation({ seed: plan.seed });\n    in this cell: const sim = make({seed: -1})\n';
    expect(numberCellLines(printed, { own: CELL, all: [{ source: CELL, executionCount: 1 }] })).toBe(
      'DistlabInputError: invalid seed: -1 (expected an integer 0..9007199254740991)\n    at make, in this cell, line 5: return dl.simulation({ seed: plan.seed });\n    in this cell, line 7: const sim = make({seed: -1})\n'
    );
  });

  it('a line the kernel cut (ending in …) is found by its start', () => {
    const long = `const sim = dl.simulation({ seed: 1, network: { medianRttMs: 5, p99RttMs: 50, dropProbability: 0.5, duplicateProbability: 0.25 } });`;
    expect(numberCellLines(`    in this cell: ${long.slice(0, 119)}…`, { own: `\n${long}`, all: [] })).toBe(`    in this cell, line 2: ${long.slice(0, 119)}…`);
  });

  it('an ambiguous or missing line stays without a number, and a numbered one is left alone', () => {
    const twice = 'sim.run({ untilMs: 10 });\nsim.run({ untilMs: 10 });';
    expect(linesReading(twice, 'sim.run({ untilMs: 10 });')).toEqual([1, 2]);
    expect(numberCellLines('    in this cell: sim.run({ untilMs: 10 });', { own: twice, all: [{ source: twice, executionCount: 1 }] })).toBe('    in this cell: sim.run({ untilMs: 10 });');
    expect(numberCellLines('    in this cell: nowhere();', { own: CELL, all: [{ source: CELL, executionCount: 1 }] })).toBe('    in this cell: nowhere();');
    expect(numberCellLines('    in this cell, line 5: return dl.simulation({ seed: plan.seed });', { own: CELL, all: [{ source: CELL, executionCount: 1 }] })).toBe('    in this cell, line 5: return dl.simulation({ seed: plan.seed });');
  });

  it('a frame of an earlier cell names the one code cell that holds that line', () => {
    const earlier = "const s = dl.simulation({ seed: 2 });\ns.node('a', { start: () => { throw new RangeError('late'); } });";
    const own = 's.run({ untilMs: 10 });';
    const printed = "    at start, in an earlier cell: s.node('a', { start: () => { throw new RangeError('late'); } });\n    in this cell: s.run({ untilMs: 10 });";
    const cell = (source: string, executionCount: number | null) => ({ source, executionCount });
    // By the number in the cell's prompt, as the learner sees it; by its place if it has none.
    expect(numberCellLines(printed, { own, all: [cell("import * as dl from 'distlab';", 1), cell(earlier, 4), cell(own, 5)] })).toBe(
      "    at start, in cell [4], line 2: s.node('a', { start: () => { throw new RangeError('late'); } });\n    in this cell, line 1: s.run({ untilMs: 10 });"
    );
    expect(numberCellLines(printed, { own, all: [cell(earlier, null), cell(own, 5)] }).split('\n')[0]).toBe("    at start, in code cell 1, line 2: s.node('a', { start: () => { throw new RangeError('late'); } });");
    // Two cells hold it: no guess.
    expect(numberCellLines(printed, { own, all: [cell(earlier, 2), cell(earlier, 3), cell(own, 5)] }).split('\n')[0]).toBe(printed.split('\n')[0]);
  });
});
