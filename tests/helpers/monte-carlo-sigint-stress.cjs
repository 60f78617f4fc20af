// Interrupts monteCarloAsync with real SIGINTs from another thread, at delays spread over a step.
// Each run starts as a tslab cell does: from code run by vm with breakOnSigint, with a listener
// of the kernel's own already on SIGINT.
// usage: node monte-carlo-sigint-stress.cjs INTERRUPTS; prints one JSON line: what each interrupt did.
const vm = require('node:vm');
const { Worker } = require('node:worker_threads');
const { monteCarloAsync, simulation } = require('distlab');

const interrupts = Number(process.argv[2]);
const quorum = ({ seed }) => {
  const sim = simulation({ seed, trace: false });
  sim.node('client', { state: () => ({ acks: 0 }), start(ctx) { for (const r of ['r1', 'r2', 'r3']) ctx.send(r, 'w'); }, onMessage(ctx) { ctx.state.acks++; } });
  sim.nodesOf(['r1', 'r2', 'r3'], { onMessage(ctx, msg) { ctx.send(msg.from, 'ack'); } });
  sim.run({ untilMs: 10 });
  return sim.stateOf('client').acks;
};
// The sender sleeps, then signals the whole process: the main thread may be anywhere in a step.
const sender = new Worker(
  `const { parentPort } = require('node:worker_threads');
   const nap = new Int32Array(new SharedArrayBuffer(4));
   parentPort.on('message', (ms) => { Atomics.wait(nap, 0, 0, ms); process.kill(process.pid, 'SIGINT'); parentPort.postMessage(process.hrtime.bigint()); });`,
  { eval: true }
);
// When it sent the signal, on the clock all threads share.
const signalled = () => new Promise((resolve) => sender.once('message', resolve));

let kernelInterrupts = 0;
process.on('SIGINT', () => kernelInterrupts++);
const cell = new vm.Script('globalThis.startMonteCarlo()');
globalThis.startMonteCarlo = () => monteCarloAsync({ seeds: 1_000_000, run: quorum, progress: false });

(async () => {
  const outcomes = { interrupted: 0, lost: 0, other: [], slowestMs: 0 };
  for (let k = 0; k < interrupts; k++) {
    // 20 ms to 120 ms in a fixed, well-spread order: every phase of a 50 ms step is hit.
    const delayMs = 20 + ((k * 37) % 101);
    const running = cell.runInThisContext({ breakOnSigint: true });
    const sent = signalled();
    sender.postMessage(delayMs);
    const ended = await running.then(() => 'finished', (error) => error);
    const endedNs = process.hrtime.bigint();
    const sentNs = await sent;
    if (ended === 'finished') outcomes.lost++;
    else if (ended.name === 'MonteCarloInterrupted') {
      outcomes.interrupted++;
      outcomes.slowestMs = Math.max(outcomes.slowestMs, Number(endedNs - sentNs) / 1e6);
    } else outcomes.other.push(String(ended));
  }
  await sender.terminate();
  outcomes.kernelInterrupts = kernelInterrupts;
  process.stdout.write(JSON.stringify(outcomes) + '\n');
})();
