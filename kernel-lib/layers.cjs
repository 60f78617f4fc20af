// The layers of kernel-lib/src, from the ground up: each folder imports only from the folders
// it lists (and from itself). ARCHITECTURE.md explains them; .dependency-cruiser.cjs enforces them.
const LAYERS = [
  { folder: 'core', holds: 'errors, option checks, seeded RNG, deterministic exp, number helpers, the output vocabulary (MIME types, the inline-display port), listening for the kernel\'s interrupt', imports: [] },
  { folder: 'engine', holds: 'the event agenda (calendar queue) that orders virtual time, what a slot holds, and the run\'s step', imports: ['core'] },
  { folder: 'world', holds: 'the simulated world: network links and latency, partitions, physical and logical clocks, faults', imports: ['core'] },
  { folder: 'trace', holds: 'what happened: trace events, the recorder, state intervals per lane', imports: ['core'] },
  { folder: 'simulation', holds: 'the Simulation API and the world\'s run loop over the engine\'s step, composing engine, world and trace', imports: ['core', 'engine', 'world', 'trace'] },
  { folder: 'checkers', holds: 'invariants checked over traces and runs (happened-before, one leader per term, convergence, over many seeds)', imports: ['core', 'world', 'trace', 'simulation'] },
  { folder: 'experiments', holds: 'Monte Carlo over seeds and parameter grids, statistics, the points experiments return', imports: ['core'] },
  { folder: 'topics', holds: 'one folder per idea of the course: its closed-form model, its simulation, the data its figures need', imports: ['core', 'world', 'trace', 'simulation', 'checkers', 'experiments', 'topics'] },
  { folder: 'measure', holds: 'real measurements of this machine (live, never inside the simulator)', imports: ['core'] },
  { folder: 'figures', holds: 'generic figures over plain data (Vega-Lite spec, kernel-rendered SVG, text summary)', imports: ['core', 'world', 'trace', 'experiments', 'topics', 'measure', 'figures'] },
  { folder: 'exercises', holds: 'code exercises checked in the kernel, with a counterexample diagram', imports: ['core', 'world', 'trace', 'simulation', 'checkers', 'figures', 'exercises'] },
  { folder: 'display', holds: 'the channel to the tslab kernel: show(), inline display, progress bars', imports: ['core', 'experiments', 'figures', 'display'] },
  { folder: 'live', holds: 'real processes beside the simulation: an etcd cluster on loopback and its experiments (wall time, never inside the simulator)', imports: ['core', 'experiments', 'checkers', 'topics', 'live'] }
];

module.exports = { LAYERS };
