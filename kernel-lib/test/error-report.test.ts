// How distlab's errors print in a notebook cell: tslab runs a cell's converted code through
// node:vm, wrapped as below, and prints a thrown error with console.error, that is util.inspect.
import { inspect } from 'node:util';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import * as dl from '../src/index';
import { cellReport } from '../src/core/cell-frames';

/** Run `code` as tslab runs a cell (vm, evalmachine, tslab's wrapper); return what it printed. */
function printedByCell(code: string, earlierCell?: string): { printed: string; stack: string } {
  (globalThis as any).__tslab__ = { exports: { dl }, require };
  const asCell = (source: string) => vm.runInThisContext(`(function(exports, require) { ${source}\n})(__tslab__.exports, __tslab__.require)`);
  try {
    if (earlierCell !== undefined) asCell(earlierCell);
    asCell(code);
  } catch (error) {
    // Frames below the cell are this test's and vitest's (in the kernel: tslab's, which are dropped).
    return { printed: inspect(error).split('\n    at asCell')[0], stack: String((error as Error).stack) };
  } finally {
    delete (globalThis as any).__tslab__;
  }
  throw new Error('the cell did not throw');
}

const LIBRARY_INTERNALS = /kernel-lib|[\\/]dist[\\/]|node_modules|evalmachine|__tslab__|^\s*\^\s*$/m;

describe('a distlab error as a notebook cell prints it', () => {
  const cases: Array<[string, string, RegExp, string[]]> = [
    ['a bad option', 'const sim = exports.dl.simulation({ seed: -1 });', /^DistlabInputError: invalid seed: -1 \(expected an integer 0\.\.\d+\)/, ['at make, in this cell: const sim = dl.simulation({ seed: -1 });']],
    ['an unknown option', 'exports.dl.simulation({ sead: 1 });', /^DistlabInputError: unknown option in simulation: sead/, ['at make, in this cell: dl.simulation({ sead: 1 });']],
    [
      "a handler's error",
      "const sim = exports.dl.simulation({ seed: 4 });\nsim.node('a', { start: () => { throw new TypeError('boom'); } });\nsim.run({ untilMs: 10 });",
      /^DistlabHandlerError: node a in start threw at t=0 ms: TypeError: boom \(seed=4\)/,
      ["at start, in this cell: sim.node('a', { start: () => { throw new TypeError('boom'); } });", 'at make, in this cell: sim.run({ untilMs: 10 });']
    ]
  ];
  for (const [what, code, message, frames] of cases) {
    it(`${what}: the message first, then each frame of the cell with its line of code, no library path, caret or converted position`, () => {
      const { printed, stack } = printedByCell(`\n\nfunction make() {\n  ${code.split('\n').join('\n  ')}\n}\nexports.tsLastExpr = make();`);
      expect(printed).toMatch(message);
      expect(printed).not.toMatch(LIBRARY_INTERNALS);
      // The learner's frames, innermost first, each with the line as written (tslab's `exports.` and last-expression rewrites undone).
      expect(printed.split('\n').slice(1)).toEqual([...frames.map((f) => `    ${f}`), '    in this cell: make();']);
      // What Node alone would print names the converted script's positions.
      expect(stack).toMatch(/evalmachine\.<anonymous>:\d+:\d+/);
    });
  }

  it("a handler declared in an earlier cell and run in this one: each frame names its cell", () => {
    const { printed } = printedByCell('exports.tsLastExpr = exports.s.run({ untilMs: 10 });', "exports.s = exports.dl.simulation({ seed: 2 });\nexports.s.node('a', { start: () => { throw new RangeError('late'); } });");
    expect(printed.split('\n')).toEqual([
      'DistlabHandlerError: node a in start threw at t=0 ms: RangeError: late (seed=2)',
      "    at start, in an earlier cell: s.node('a', { start: () => { throw new RangeError('late'); } });",
      '    in this cell: s.run({ untilMs: 10 });'
    ]);
  });

  it('the same shape for a run past its bound and for a Monte Carlo run that threw', () => {
    const bound = printedByCell("const sim = exports.dl.simulation({ seed: 2 });\nsim.node('a', { start: (ctx) => ctx.setTimer('t', 1), onTimer: (ctx) => ctx.setTimer('t', 1) });\nsim.run({ untilMs: 1000, eventsMax: 5 });");
    expect(bound.printed.split('\n')).toEqual([expect.stringMatching(/^DistlabLimitError: .*eventsMax.*\(seed=2\)$/), '    in this cell: sim.run({ untilMs: 1000, eventsMax: 5 });']);
    const runs = printedByCell("exports.dl.monteCarlo({ seeds: 3, run: ({ seed }) => {\n  if (seed > 1) throw new Error('bad ' + seed);\n  return { x: 1 };\n} });");
    expect(runs.printed.split('\n')).toEqual([
      'MonteCarloRunError: Monte Carlo run failed: Error: bad 2 (seed=2)',
      "    at MonteCarloRunner.run, in this cell: if (seed > 1) throw new Error('bad ' + seed);",
      '    in this cell: dl.monteCarlo({ seeds: 3, run: ({ seed }) => {'
    ]);
  });

  it("a learner's error whose stack was already read still prints its frames, without their code", () => {
    const { printed } = printedByCell("const sim = exports.dl.simulation({ seed: 1 });\nsim.node('a', { start: () => { const e = new Error('seen'); void e.stack; throw e; } });\nsim.run({ untilMs: 1 });");
    expect(printed.split('\n')).toEqual(['DistlabHandlerError: node a in start threw at t=0 ms: Error: seen (seed=1)', '    at start (in this cell)', '    in this cell']);
  });

  it("a simulation prints as a summary, not the engine's internals", () => {
    const sim = dl.simulation({ seed: 3 }).node('a').node('b', { start: (ctx) => ctx.send('a', 'hi') });
    expect(inspect(sim)).toBe('Simulation (seed=3): 2 nodes (a, b), not run yet: sim.run({ untilMs })');
    sim.run({ untilMs: 100 });
    expect(inspect(sim)).toMatch(/^Simulation \(seed=3\): 2 nodes \(a, b\), at t=[\d.]+ ms after 3 events, 1 messages sent$/);
  });

  it('a frame an await resumed (`at async …`) reads as the cell too, with no converted position', () => {
    const error = new Error('etcd cluster did not settle');
    error.stack = 'Error: etcd cluster did not settle\n    at settle (/x/kernel-lib/dist/live/etcd/experiments.js:143:11)\n    at async withCluster (/x/kernel-lib/dist/live/etcd/experiments.js:38:16)\n    at async evalmachine.<anonymous>:18:43\n    at async Object.execute (/x/node_modules/tslab/dist/executor.js:173:17)';
    expect(cellReport(error)).toBe('Error: etcd cluster did not settle\n    in this cell');
  });
});
