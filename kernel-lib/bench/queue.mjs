// Microbenchmark and cross-check of the engine's calendar event queue (kernel-lib/src/engine/agenda.ts).
// 1. Order: on adversarial time patterns (ties, heavy tails, huge and tiny spans, Infinity), every pop
//    must be the minimum (timeMs, insertion order) of what is queued, checked against a brute-force scan.
// 2. Speed: the "hold" pattern of the message-passing bench (about 36 queued events: 16 periodic timers,
//    20 messages in flight) against a plain binary heap over (time, seq). Best of many short trials.
// Runs against the built package: node kernel-lib/bench/queue.mjs
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const { Agenda } = require(resolve(here, '..', 'dist', 'engine', 'agenda.js'));

let state = 7;
const uniform = () => ((state = (Math.imul(state, 1103515245) + 12345) | 0) >>> 0) / 4294967296;

const patterns = {
  uniform: (nowMs) => nowMs + uniform() * 10,
  ties: (nowMs) => nowMs + Math.floor(uniform() * 3),
  heavyTail: (nowMs) => nowMs + Math.exp(8 * uniform()) - 1,
  hugeSpan: (nowMs) => nowMs + 1e12 * uniform(),
  tinySpan: (nowMs) => nowMs + 1e-9 * uniform(),
  bimodal: (nowMs) => nowMs + (uniform() < 0.5 ? uniform() * 1e-3 : 1e6 + uniform()),
  someInfinite: (nowMs) => (uniform() < 0.05 ? Infinity : nowMs + uniform()),
  allEqual: (nowMs) => nowMs,
  lateEpoch: (nowMs) => 1e15 + nowMs + uniform() * 1e3
};
const STEPS = 60_000;
for (const [name, next] of Object.entries(patterns)) {
  const queue = new Agenda(16);
  const queued = new Map(); // id -> time
  let nowMs = 0;
  let id = 0;
  for (let step = 0; step < STEPS; step++) {
    const pushing = queue.size === 0 || uniform() < (step < STEPS / 2 ? 0.6 : 0.4);
    if (pushing) {
      const timeMs = next(nowMs === Infinity ? 0 : nowMs);
      queue.push(timeMs, 0, 0, 0, id, 0, undefined, undefined);
      queued.set(id++, timeMs);
      continue;
    }
    const peekMs = queue.peekTime();
    const slot = queue.popSlot();
    const timeMs = queue.times[slot];
    const popped = queue.ids[slot];
    let minMs = Infinity;
    let minId = Infinity;
    for (const [i, t] of queued) if (t < minMs || (t === minMs && i < minId)) [minMs, minId] = [t, i];
    if (peekMs !== timeMs || timeMs !== minMs || popped !== minId) {
      throw new Error(`${name}: popped (${timeMs}, #${popped}) after peek ${peekMs}, expected (${minMs}, #${minId})`);
    }
    queued.delete(popped);
    if (timeMs !== Infinity) nowMs = timeMs;
  }
  console.log(`[queue] order ok: ${name} (${STEPS} operations)`);
}

class BinaryHeap {
  time = new Float64Array(1024);
  seq = new Float64Array(1024);
  flag = new Int32Array(1024);
  size = 0;
  seqNext = 0;
  push(t, f) {
    const s = this.seqNext++;
    let i = this.size++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (this.time[p] < t || (this.time[p] === t && this.seq[p] < s)) break;
      this.time[i] = this.time[p];
      this.seq[i] = this.seq[p];
      this.flag[i] = this.flag[p];
      i = p;
    }
    this.time[i] = t;
    this.seq[i] = s;
    this.flag[i] = f;
  }
  pop() {
    const top = this.flag[0] ? -this.time[0] : this.time[0];
    const n = --this.size;
    const t = this.time[n];
    const s = this.seq[n];
    const f = this.flag[n];
    let i = 0;
    while (2 * i + 1 < n) {
      let c = 2 * i + 1;
      if (c + 1 < n && (this.time[c + 1] < this.time[c] || (this.time[c + 1] === this.time[c] && this.seq[c + 1] < this.seq[c]))) c++;
      if (t < this.time[c] || (t === this.time[c] && s < this.seq[c])) break;
      this.time[i] = this.time[c];
      this.seq[i] = this.seq[c];
      this.flag[i] = this.flag[c];
      i = c;
    }
    this.time[i] = t;
    this.seq[i] = s;
    this.flag[i] = f;
    return top;
  }
}

function holdNs(push, pop) {
  for (let i = 0; i < 16; i++) push(uniform(), 1);
  for (let i = 0; i < 20; i++) push(uniform() * 0.6, 0);
  let best = Infinity;
  const OPS = 200_000;
  for (let trial = 0; trial < 40; trial++) {
    const start = process.hrtime.bigint();
    for (let k = 0; k < OPS; k++) {
      // pop() returns the time, negated for a timer (times here are positive).
      const popped = pop();
      const timer = popped < 0 ? 1 : 0;
      const t = timer ? -popped : popped;
      push(timer ? t + 1 : t + 0.3 + uniform() * 0.5, timer);
    }
    best = Math.min(best, Number(process.hrtime.bigint() - start) / OPS);
  }
  return best;
}
const agenda = new Agenda();
const agendaNs = holdNs(
  (t, timer) => agenda.push(t, timer, 0, 0, 0, 0, undefined, undefined),
  () => {
    const slot = agenda.popSlot();
    return agenda.kinds[slot] ? -agenda.times[slot] : agenda.times[slot];
  }
);
const heap = new BinaryHeap();
const heapNs = holdNs(
  (t, timer) => heap.push(t, timer),
  () => heap.pop()
);
console.log(`[queue] hold pattern, 36 queued: calendar ${agendaNs.toFixed(1)} ns, binary heap ${heapNs.toFixed(1)} ns per pop + push`);
console.log(JSON.stringify({ bench: 'distlab-queue', orderChecked: Object.keys(patterns), calendarNsPerHold: +agendaNs.toFixed(1), binaryHeapNsPerHold: +heapNs.toFixed(1) }));
