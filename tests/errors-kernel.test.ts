// Issue 12 item 5: an error in a cell reads as the message and the cell's own frames, in the
// real tslab kernel, and the kernel goes on answering.
import { beforeAll, describe, expect, it } from 'vitest';
import { kernelSession, streamText, type StepResult } from './helpers/kernel-session';

const LIBRARY_INTERNALS = /kernel-lib|[\\/]dist[\\/]|node_modules|evalmachine|^\s*\^\s*$/m;

describe('errors as a learner sees them in the tslab kernel', () => {
  let steps: StepResult[];
  beforeAll(() => {
    steps = kernelSession([
      { code: "import * as dl from 'distlab';" },
      { code: '// a bad option, a few lines down\n\ninterface Plan { seed: number }\nfunction make(plan: Plan): dl.Simulation {\n  return dl.simulation({ seed: plan.seed });\n}\nconst sim = make({ seed: -1 });' },
      { code: "const s2 = dl.simulation({ seed: 3 });\ns2.node('a', { start: () => { throw new TypeError('boom'); } });\ns2.run({ untilMs: 10 });" },
      { code: "const s3 = dl.simulation({ seed: 5 });\ns3.node('a', { start: (ctx) => ctx.setTimer('t', 1), onTimer: (ctx) => ctx.setTimer('t', 1) });\ns3.run({ untilMs: 1e6, eventsMax: 50 });" },
      { code: '6 * 7' }
    ]);
  }, 300_000);

  it('a bad option: the message, then the learner function and the cell, each with its line of code, no library path, caret or converted line numbers', () => {
    const printed = streamText(steps[1], 'stderr');
    expect(printed.trimEnd().split('\n')).toEqual([
      'DistlabInputError: invalid seed: -1 (expected an integer 0..9007199254740991)',
      '    at make, in this cell: return dl.simulation({ seed: plan.seed });',
      '    in this cell: const sim = make({ seed: -1 });'
    ]);
    expect(printed).not.toMatch(LIBRARY_INTERNALS);
  });

  it("a handler's own error names node, event, time and seed, and where it threw in the cell", () => {
    const printed = streamText(steps[2], 'stderr');
    expect(printed).toMatch(/^DistlabHandlerError: node a in start threw at t=0 ms: TypeError: boom \(seed=3\)/);
    expect(printed).toContain("at start, in this cell: s2.node('a', { start: () => { throw new TypeError('boom'); } });");
    expect(printed).not.toMatch(LIBRARY_INTERNALS);
  });

  it('a run past its bound says which bound and the seed; the kernel answers after all three', () => {
    const printed = streamText(steps[3], 'stderr');
    expect(printed).toMatch(/^DistlabLimitError: .*eventsMax.*\(seed=5\)/);
    expect(printed).not.toMatch(LIBRARY_INTERNALS);
    expect(JSON.stringify(steps[4].messages)).toContain('42');
  });
});
