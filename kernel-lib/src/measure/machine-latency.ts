/**
 * Real measurements of the learner's own machine, for the latency table.
 * The only place in distlab that reads a wall clock: these numbers are meant to vary.
 */
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { declareOptions, integerOption, type OptionsOf } from '../core/options';

/** One measured operation, in the same shape as a row of the course's latency table. */
export interface MeasuredLatency {
  operation: string;
  /** Median time of one operation over the rounds, in nanoseconds. */
  latencyNs: number;
  /** Operations timed per round. */
  operationsPerRound: number;
  /** Rounds timed; the median round is reported. */
  rounds: number;
  /** What was timed and why it may differ from the course's row. */
  note: string;
}

export const MEASURE_OPTIONS = declareOptions('measureThisMachine', {
  rounds: integerOption({ doc: 'Rounds per measurement; the median round is reported', min: 1, max: 101, default: 7 }),
  tcpRoundTrips: integerOption({ doc: 'Loopback TCP round trips per round', min: 1, max: 100_000, default: 200 })
});
export type MeasureOptions = OptionsOf<typeof MEASURE_OPTIONS>;

function nowNs(): bigint {
  return process.hrtime.bigint();
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Time `operations` runs of `body` per round; median ns per operation. */
function timeSync(rounds: number, operations: number, body: (count: number) => number): number {
  const perOp: number[] = [];
  let sink = 0;
  body(Math.min(operations, 10_000)); // warm up the JIT
  for (let r = 0; r < rounds; r++) {
    const start = nowNs();
    sink += body(operations);
    perOp.push(Number(nowNs() - start) / operations);
  }
  if (sink === 0.5) perOp.push(0); // keeps `sink` alive so the loop is not optimised away
  return median(perOp);
}

// Not inlinable through an array lookup, so the call is real.
const callees: Array<(x: number) => number> = [(x) => x + 1, (x) => x - 1];

/** A function call through an array of closures, in ns; `rounds` as `measureThisMachine` takes it. */
export function measureFunctionCallNs(rounds = 7): number {
  return timeSync(MEASURE_OPTIONS.specs.rounds.parse('rounds', rounds), 2_000_000, (count) => {
    let acc = 0;
    for (let i = 0; i < count; i++) acc = callees[i & 1](acc);
    return acc;
  });
}

/** Dependent random reads over 64 MiB, more than any cache: close to a main-memory reference. */
export function measureMemoryAccessNs(rounds = 7): number {
  const length = 8 * 1024 * 1024; // 8 Mi float64 = 64 MiB
  const next = new Int32Array(length);
  // One big random cycle (Sattolo) so each read depends on the previous: no prefetching.
  for (let i = 0; i < length; i++) next[i] = i;
  let seed = 12345;
  for (let i = length - 1; i > 0; i--) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    const j = seed % i;
    const t = next[i];
    next[i] = next[j];
    next[j] = t;
  }
  return timeSync(rounds, 1_000_000, (count) => {
    let at = 0;
    for (let i = 0; i < count; i++) at = next[at];
    return at;
  });
}

/** Read a 4 KiB file through the OS (page cache warm): a syscall round, not a disk seek. */
export function measureFileReadNs(rounds = 7): number {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'distlab-measure-'));
  const file = path.join(dir, 'block.bin');
  fs.writeFileSync(file, Buffer.alloc(4096, 7));
  try {
    return timeSync(rounds, 2000, (count) => {
      let total = 0;
      for (let i = 0; i < count; i++) total += fs.readFileSync(file).length;
      return total;
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** One-byte ping-pong over TCP on 127.0.0.1: the kernel's network stack without a wire. */
export async function measureLoopbackTcpRoundTripNs(rounds = 7, roundTrips = 200): Promise<number> {
  const server = net.createServer((socket) => {
    socket.setNoDelay(true);
    socket.on('data', (chunk) => socket.write(chunk));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;
  const client = net.connect(port, '127.0.0.1');
  client.setNoDelay(true);
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('error', reject);
  });
  const pingPong = (count: number) =>
    new Promise<void>((resolve, reject) => {
      let left = count;
      const onData = () => {
        left -= 1;
        if (left === 0) {
          client.off('data', onData);
          resolve();
        } else client.write('x');
      };
      client.on('data', onData);
      client.once('error', reject);
      client.write('x');
    });
  try {
    await pingPong(20);
    const perOp: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const start = nowNs();
      await pingPong(roundTrips);
      perOp.push(Number(nowNs() - start) / roundTrips);
    }
    return median(perOp);
  } finally {
    client.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/**
 * Measure this machine for real: a function call, a memory access, a file read and a
 * loopback TCP round trip. Takes about a second. Pass the result to
 * `latencyNumbersChart({ measured })` to draw it beside the course's numbers.
 *
 *     const measured = await dl.measureThisMachine();
 */
export async function measureThisMachine(options: MeasureOptions = {}): Promise<MeasuredLatency[]> {
  const { rounds, tcpRoundTrips } = MEASURE_OPTIONS.parse(options);
  return [
    { operation: 'Function call (this machine)', latencyNs: measureFunctionCallNs(rounds), operationsPerRound: 2_000_000, rounds, note: 'JavaScript call through an array of closures' },
    { operation: 'Memory access (this machine)', latencyNs: measureMemoryAccessNs(rounds), operationsPerRound: 1_000_000, rounds, note: 'dependent random reads over 64 MiB (cache misses)' },
    { operation: 'File read 4 KiB (this machine)', latencyNs: measureFileReadNs(rounds), operationsPerRound: 2000, rounds, note: 'readFileSync of a cached 4 KiB file (open+read+close)' },
    {
      operation: 'Loopback TCP round trip (this machine)',
      latencyNs: await measureLoopbackTcpRoundTripNs(rounds, tcpRoundTrips),
      operationsPerRound: tcpRoundTrips,
      rounds,
      note: '1-byte ping-pong on 127.0.0.1 (no wire, no switch)'
    }
  ];
}
