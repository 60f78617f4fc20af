// Invariant checkers over traces and runs: happened-before, one leader per term, convergence, many seeds.
import type { Simulation } from '../simulation/simulation';
import { parseArray, parseInteger, parseString, customOption, declareOptions, integerOption, invalid, type OptionsOf } from '../core/options';
import { causalLinks, compareVectorStamps } from '../trace/causality';
import { TraceEvent } from '../trace/event';
import { Trace } from '../trace/recorder';

/** Why a check failed: a sentence and the events (or values) that show it. */
export interface Counterexample {
  /** What went wrong, in one sentence. */
  message: string;
  /** The events that show it, in trace order (draw them as a space-time diagram). */
  events: TraceEvent[];
  /** For state checks: the differing values, by node. */
  values?: Record<string, unknown>;
}

/** Outcome of a checker. */
export interface CheckResult {
  /** Which invariant. */
  name: string;
  ok: boolean;
  /** Seed of the run checked: replay it with `simulation({ seed })`. */
  seed: number;
  /** Set when `ok` is false. */
  counterexample?: Counterexample;
  /** One line: `ok` or the failure, with the seed. */
  summary: string;
}

/** A check's result: ok or its counterexample, with the seed that replays it. */
export function result(name: string, seed: number, counterexample?: Counterexample): CheckResult {
  return {
    name,
    ok: counterexample === undefined,
    seed,
    counterexample,
    summary: counterexample === undefined ? `ok: ${name} (seed=${seed})` : `FAILED ${name}: ${counterexample.message} (seed=${seed})`
  };
}

function eventsOf(trace: Trace | TraceEvent[], seed: number | undefined): { events: TraceEvent[]; seed: number } {
  if (trace instanceof Trace) return { events: trace.events(), seed: seed ?? trace.seed };
  if (!Array.isArray(trace)) invalid('trace', trace, 'a Trace or an array of trace events');
  return { events: trace, seed: seed ?? 0 };
}

const REPORTED_SEED = integerOption({ doc: "Seed to report for a plain event array", min: 0, max: Number.MAX_SAFE_INTEGER, defaultText: "the trace's seed (0 for plain values)" });

export const HAPPENED_BEFORE_OPTIONS = declareOptions('checkHappenedBefore', { seed: REPORTED_SEED });
export type HappenedBeforeOptions = OptionsOf<typeof HAPPENED_BEFORE_OPTIONS>;

/**
 * The stamps of a trace respect happened-before: every deliver or drop follows its send
 * (in order and in time), each node's events have strictly growing Lamport and vector stamps
 * with its own entry counting its events, and a deliver's stamps exceed its send's.
 * Works on hand-made event arrays too (e.g. stamps a learner computed).
 */
export function checkHappenedBefore(trace: Trace | TraceEvent[], options?: HappenedBeforeOptions): CheckResult {
  const { events, seed } = eventsOf(trace, HAPPENED_BEFORE_OPTIONS.parse(options).seed);
  const name = 'happened-before';
  // Program order and message pairs come from the trace's nodes and ids; the stamps are what is checked.
  const links = causalLinks(events);
  let previous: TraceEvent | undefined;
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    if (previous && e.timeMs < previous.timeMs) {
      return result(name, seed, { message: `event ${e.seq} at t=${e.timeMs} ms comes after one at t=${previous.timeMs} ms`, events: [previous, e] });
    }
    previous = e;
    const count = links.countOnNode[i];
    const last = links.previousOnNode[i] >= 0 ? events[links.previousOnNode[i]] : undefined;
    if ((e.vector[e.node] ?? 0) !== count) {
      return result(name, seed, { message: `event ${e.seq} is the ${count}th on ${e.node} but its vector entry is ${e.vector[e.node] ?? 0}`, events: last ? [last, e] : [e] });
    }
    if (last) {
      if (e.lamport <= last.lamport) {
        return result(name, seed, { message: `Lamport stamp does not grow on ${e.node}: ${last.lamport} then ${e.lamport}`, events: [last, e] });
      }
      if (compareVectorStamps(last.vector, e.vector) !== 'before') {
        return result(name, seed, { message: `vector stamp does not grow on ${e.node}`, events: [last, e] });
      }
    }
    if (e.msgId === undefined || (e.type !== 'deliver' && e.type !== 'drop')) continue;
    const send = links.sendOf[i] >= 0 ? events[links.sendOf[i]] : undefined;
    if (send === undefined) {
      return result(name, seed, { message: `${e.type} of message #${e.msgId} at ${e.node} without an earlier send`, events: [e] });
    }
    if (send.node !== e.peer || send.peer !== e.node) {
      return result(name, seed, { message: `message #${e.msgId} sent ${send.node}→${send.peer} but ${e.type} at ${e.node} from ${e.peer}`, events: [send, e] });
    }
    if (e.timeMs < send.timeMs) {
      return result(name, seed, { message: `message #${e.msgId} delivered at t=${e.timeMs} ms before its send at t=${send.timeMs} ms`, events: [send, e] });
    }
    if (e.type === 'deliver') {
      if (e.lamport <= send.lamport) {
        return result(name, seed, { message: `deliver of #${e.msgId} has Lamport ${e.lamport}, not above its send's ${send.lamport}`, events: [send, e] });
      }
      if (compareVectorStamps(send.vector, e.vector) !== 'before') {
        return result(name, seed, { message: `deliver of #${e.msgId} does not follow its send in vector time`, events: [send, e] });
      }
    }
  }
  return result(name, seed);
}

export const LEADER_CHECK_OPTIONS = declareOptions('checkOneLeaderPerTerm', {
  label: customOption<string>({ doc: "Label of the local event a node logs when it becomes leader (`ctx.log('leader', { term })`)", expected: 'a non-empty string', default: 'leader', parse: parseString }),
  termOf: customOption<(event: TraceEvent) => number>({
    doc: 'Reads the term from such an event',
    expected: 'a function (event) => number',
    defaultText: '`event.data.term`',
    parse: (name, value) => (typeof value === 'function' ? (value as (event: TraceEvent) => number) : invalid(name, value, 'a function (event) => number'))
  }),
  seed: REPORTED_SEED
});
export type LeaderCheckOptions = OptionsOf<typeof LEADER_CHECK_OPTIONS>;

/** At most one leader per term: no two different nodes log `leader` with the same term. */
export function checkOneLeaderPerTerm(trace: Trace | TraceEvent[], options?: LeaderCheckOptions): CheckResult {
  const parsed = LEADER_CHECK_OPTIONS.parse(options);
  const label = parsed.label;
  const termOf = parsed.termOf ?? ((e: TraceEvent) => (e.data as { term: number } | undefined)?.term as number);
  const { events, seed } = eventsOf(trace, parsed.seed);
  const leaders = new Map<number, TraceEvent>();
  for (const e of events) {
    if (e.type !== 'local' || e.label !== label) continue;
    const term = termOf(e);
    if (typeof term !== 'number') invalid(`term of event ${e.seq}`, term, 'a number (log leaders as ctx.log("leader", { term }))');
    const first = leaders.get(term);
    if (first === undefined) leaders.set(term, e);
    else if (first.node !== e.node) {
      return result('one leader per term', seed, { message: `${first.node} and ${e.node} are both leader in term ${term}`, events: [first, e] });
    }
  }
  return result('one leader per term', seed);
}

/** Stable JSON: object keys sorted, so equal states print equal. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v) => {
    if (v instanceof Map) return { map: [...v.entries()].sort() };
    if (v instanceof Set) return { set: [...v].sort() };
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const sorted: Record<string, unknown> = {};
      for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k];
      return sorted;
    }
    return v;
  });
}

export const CONVERGENCE_OPTIONS = declareOptions('checkConvergence', {
  valueOf: customOption<(state: any, node: string) => unknown>({
    doc: "Which part of a node's state must agree",
    expected: 'a function (state, node) => value',
    defaultText: 'the whole volatile state',
    parse: (name, value) => (typeof value === 'function' ? (value as (state: any, node: string) => unknown) : invalid(name, value, 'a function (state, node) => value'))
  }),
  nodes: customOption<readonly string[]>({
    doc: 'Nodes to compare',
    expected: 'a non-empty array of node names',
    defaultText: 'every node that is up',
    parse: (name, value) => parseArray<string>(name, value, 'a non-empty array of node names')
  }),
  seed: integerOption({ doc: 'Seed to report when given plain values', min: 0, max: Number.MAX_SAFE_INTEGER, defaultText: "the simulation's seed (0 for plain values)" })
});
export type ConvergenceOptions = OptionsOf<typeof CONVERGENCE_OPTIONS>;

/**
 * Replica convergence: every replica holds the same value (compared as JSON with sorted keys).
 * Pass the simulation after its run, or a record of values by node.
 */
export function checkConvergence(replicas: Simulation | Record<string, unknown>, options?: ConvergenceOptions): CheckResult {
  const parsed = CONVERGENCE_OPTIONS.parse(options);
  const valueOf = parsed.valueOf ?? ((state: unknown) => state);
  const values: Record<string, unknown> = {};
  let seed = parsed.seed ?? 0;
  let sim: Simulation | undefined;
  if (replicas !== null && typeof replicas === 'object' && 'nodeNames' in replicas && 'stateOf' in replicas) {
    sim = replicas as Simulation;
    seed = parsed.seed ?? sim.seed;
    const nodes = parsed.nodes ?? sim.nodeNames.filter((n) => sim!.isUp(n));
    for (const node of nodes) values[node] = valueOf(sim.stateOf(node), node);
  } else {
    if (replicas === null || typeof replicas !== 'object') invalid('replicas', replicas, 'a simulation or a record of values by node');
    for (const node of parsed.nodes ?? Object.keys(replicas)) values[node] = valueOf((replicas as Record<string, unknown>)[node], node);
  }
  const nodes = Object.keys(values);
  for (let i = 1; i < nodes.length; i++) {
    const a = canonicalJson(values[nodes[0]]);
    const b = canonicalJson(values[nodes[i]]);
    if (a !== b) {
      const lastEvents = sim && sim.tracing ? [nodes[0], nodes[i]].map((n) => sim!.trace.byNode(n).pop()).filter((e): e is TraceEvent => e !== undefined) : [];
      return result('replica convergence', seed, {
        message: `${nodes[0]} holds ${a} but ${nodes[i]} holds ${b}`,
        events: lastEvents.sort((x, y) => x.seq - y.seq),
        values: { [nodes[0]]: values[nodes[0]], [nodes[i]]: values[nodes[i]] }
      });
    }
  }
  return result('replica convergence', seed);
}

export const CHECK_SEEDS_OPTIONS = declareOptions('checkSeeds', {
  seeds: integerOption({ doc: 'How many seeds to try', min: 1, max: 10_000_000, default: 100 }),
  firstSeed: integerOption({ doc: 'First seed; the others follow', min: 0, max: Number.MAX_SAFE_INTEGER, default: 1 })
});
export type CheckSeedsOptions = OptionsOf<typeof CHECK_SEEDS_OPTIONS>;

/**
 * Run `check(seed)` over many seeds and return the first failure (its seed replays it), or an
 * ok result naming how many seeds passed.
 */
export function checkSeeds(options: CheckSeedsOptions, check: (seed: number) => CheckResult): CheckResult {
  const { seeds, firstSeed } = CHECK_SEEDS_OPTIONS.parse(options);
  if (typeof check !== 'function') invalid('check', check, 'a function (seed) => CheckResult');
  let last: CheckResult | undefined;
  for (let seed = firstSeed; seed < firstSeed + seeds; seed++) {
    last = check(seed);
    if (!last.ok) return { ...last, seed, summary: last.summary.replace(/\(seed=\d+\)$/, `(seed=${seed})`) };
  }
  return { name: last!.name, ok: true, seed: firstSeed, summary: `ok: ${last!.name} on ${seeds} seeds (${firstSeed}..${firstSeed + seeds - 1})` };
}
