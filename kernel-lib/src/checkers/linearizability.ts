// Linearizability of a read/write register history: a Wing–Gong/Lowe search over memoised configurations, forward in time, one key at a time.
import { booleanOption, customOption, declareOptions, integerOption, invalid, type OptionsOf } from '../core/options';

/** One client operation on a key, as a client saw it. */
export interface RegisterOperation {
  clientId: string | number;
  kind: 'read' | 'write';
  key: string;
  /** The value written, or the value read (null: the key was absent). */
  value: string | null;
  /** When the client sent it, in ms. */
  invokeMs: number;
  /** When the client got the answer, in ms; absent when it never completed. */
  completeMs?: number;
  /** ok: it happened; fail: it certainly had no effect; unknown: timed out, it may have taken effect. */
  outcome: 'ok' | 'fail' | 'unknown';
}

export const LINEARIZABILITY_OPTIONS = declareOptions('checkLinearizable', {
  initialValue: customOption<string | null>({
    doc: 'Value of every key before the history (null: absent)',
    expected: 'a string or null',
    default: null,
    parse: (name, value) => (value === null || typeof value === 'string' ? value : invalid(name, value, 'a string or null'))
  }),
  stepsMax: integerOption({ doc: 'Most search steps over all keys before the check gives up (then it throws, naming the key)', min: 1, max: 1e9, default: 50_000_000 }),
  minimize: booleanOption({ doc: 'Shrink a failing history to a small window of operations that is itself not linearizable', default: true })
});
export type LinearizabilityOptions = OptionsOf<typeof LINEARIZABILITY_OPTIONS>;

/** Why a history is not linearizable. */
export interface LinearizabilityCounterexample {
  key: string;
  /** A small sub-history that is already not linearizable (each of its reads keeps the writes of its value), in invoke order. */
  operations: RegisterOperation[];
  /** The operation no order can place: every linearization of what precedes it leaves the register at another value. */
  blocked: RegisterOperation;
  /** Values the register could hold when `blocked` had to take effect. */
  possibleValues: (string | null)[];
  /** One sentence. */
  message: string;
}

export interface LinearizabilityResult {
  ok: boolean;
  /** Operations in the history. */
  operationCount: number;
  /** Operations the search had to order (failed operations and reads without an answer constrain nothing). */
  checkedCount: number;
  keyCount: number;
  /** Search steps taken (memoised states visited). */
  steps: number;
  counterexample?: LinearizabilityCounterexample;
  /** One line: ok or the failure. */
  summary: string;
}

interface Op {
  op: RegisterOperation;
  id: number;
  isRead: boolean;
  value: string | null;
}


/** A node of the doubly linked list of call and return events (Lowe's "lift"). */
interface Entry {
  op: Op;
  isCall: boolean;
  match: Entry | undefined; // a call's return (undefined: never returns)
  prev: Entry | undefined;
  next: Entry | undefined;
}

interface SearchOutcome {
  ok: boolean;
  steps: number;
  blocked?: Op;
  possible?: Set<string | null>;
}

/**
 * Whether a register history is linearizable: some total order of the operations respects
 * their real-time order (an operation that completed before another was invoked comes first)
 * and a register's semantics (a read returns the latest write, or the initial value). Keys
 * are independent registers and are checked one by one (linearizability is compositional).
 * A write with outcome `unknown` may take effect at any time after its invoke, or never; a
 * `fail` had no effect. On failure, the counterexample is a small window that fails by itself.
 */
export function checkLinearizable(history: RegisterOperation[], options?: LinearizabilityOptions): LinearizabilityResult {
  const { initialValue, stepsMax, minimize } = LINEARIZABILITY_OPTIONS.parse(options);
  if (!Array.isArray(history)) invalid('history', history, 'an array of register operations');
  const byKey = new Map<string, RegisterOperation[]>();
  history.forEach((o, i) => {
    validate(o, i);
    let list = byKey.get(o.key);
    if (list === undefined) byKey.set(o.key, (list = []));
    list.push(o);
  });
  let steps = 0;
  let checked = 0;
  for (const [key, ops] of byKey) {
    const relevant = ops.filter(constrains);
    checked += relevant.length;
    const r = search(relevant, initialValue, stepsMax - steps, key);
    steps += r.steps;
    if (!r.ok) {
      const blocked = r.blocked!.op;
      const window = minimize ? shrink(relevant, blocked, initialValue) : relevant;
      const possibleValues = [...r.possible!];
      const message = `${describe(blocked)} cannot take effect: every order of the operations before it leaves ${key} at ${possibleValues.map(show).join(' or ')}`;
      return {
        ok: false,
        operationCount: history.length,
        checkedCount: checked,
        keyCount: byKey.size,
        steps,
        counterexample: { key, operations: window, blocked, possibleValues, message },
        summary: `not linearizable: ${message}`
      };
    }
  }
  return { ok: true, operationCount: history.length, checkedCount: checked, keyCount: byKey.size, steps, summary: `linearizable: ${history.length} operations on ${byKey.size} key${byKey.size === 1 ? '' : 's'}` };
}

function validate(o: RegisterOperation, i: number): void {
  const at = `history[${i}]`;
  if (o === null || typeof o !== 'object') invalid(at, o, 'a register operation { clientId, kind, key, value, invokeMs, completeMs?, outcome }');
  if (o.kind !== 'read' && o.kind !== 'write') invalid(`${at}.kind`, o.kind, "'read' or 'write'");
  if (typeof o.key !== 'string') invalid(`${at}.key`, o.key, 'a string');
  if (o.value !== null && typeof o.value !== 'string') invalid(`${at}.value`, o.value, 'a string or null');
  if (typeof o.invokeMs !== 'number' || !Number.isFinite(o.invokeMs)) invalid(`${at}.invokeMs`, o.invokeMs, 'a finite number of ms');
  if (o.completeMs !== undefined && (typeof o.completeMs !== 'number' || !(o.completeMs >= o.invokeMs))) invalid(`${at}.completeMs`, o.completeMs, `a number of ms, at least invokeMs (${o.invokeMs})`);
  if (o.outcome !== 'ok' && o.outcome !== 'fail' && o.outcome !== 'unknown') invalid(`${at}.outcome`, o.outcome, "'ok', 'fail' or 'unknown'");
  if (o.outcome === 'ok' && o.completeMs === undefined) invalid(`${at}.completeMs`, o.completeMs, "a number of ms for an 'ok' operation");
}

/** Failed operations had no effect, and a read without an answer observed nothing. */
function constrains(o: RegisterOperation): boolean {
  return o.outcome === 'ok' || (o.outcome === 'unknown' && o.kind === 'write');
}

/**
 * Depth first for the common case (a linearizable history is ordered in about one step per
 * operation), forward in time when that does not settle it quickly: the forward search proves
 * a failure without exhausting orders, and names the operation that cannot be placed.
 */
function search(ops: RegisterOperation[], initial: string | null, stepsMax: number, key: string): SearchOutcome {
  const quick = Math.min(stepsMax, 20 * ops.length + 10_000);
  const first = depthFirst(ops, initial, quick);
  if (first.ok === true) return { ok: true, steps: first.steps };
  const second = forward(ops, initial, stepsMax - first.steps, key);
  return { ...second, steps: second.steps + first.steps };
}

/**
 * The search of Wing & Gong with Lowe's memoisation, run forward in time (as Knossos's linear
 * checker does): the configurations are the distinct (register value, pending operations
 * already linearized) pairs. At an operation's return, every configuration is closed under
 * linearizing pending operations, and only those in which it took effect survive; none left
 * means no order exists, and that operation is the one that cannot be placed. Memory and time
 * grow with the concurrency, not with the length of the history.
 */
function forward(ops: RegisterOperation[], initial: string | null, stepsMax: number, key: string): SearchOutcome {
  const n = ops.length;
  if (n === 0) return { ok: true, steps: 0 };
  // An unknown write nobody read can always be taken to have had no effect: it only moves the
  // register to a value no read returns. The others stay pending until the last read of their value.
  const lastReadOf = new Map<string | null, number>();
  for (const o of ops) if (o.kind === 'read') lastReadOf.set(o.value, Math.max(lastReadOf.get(o.value) ?? -Infinity, o.completeMs!));
  const items: Op[] = ops.filter((o) => o.outcome === 'ok' || lastReadOf.has(o.value)).map((op, id) => ({ op, id, isRead: op.kind === 'read', value: op.value }));
  const values = new Map<string | null, number>();
  const valueList: (string | null)[] = [];
  const code = (v: string | null) => {
    let c = values.get(v);
    if (c === undefined) {
      values.set(v, (c = valueList.length));
      valueList.push(v);
    }
    return c;
  };
  const valueOf = items.map((it) => code(it.value));
  // Events: calls, returns, and the moment an unknown write stops mattering. Calls first at equal times.
  const events: { t: number; kind: 0 | 1 | 2; it: Op }[] = [];
  for (const it of items) {
    events.push({ t: it.op.invokeMs, kind: 0, it });
    if (it.op.outcome === 'ok') events.push({ t: it.op.completeMs!, kind: 1, it });
    else events.push({ t: Math.max(it.op.invokeMs, lastReadOf.get(it.value)!), kind: 2, it });
  }
  events.sort((a, b) => a.t - b.t || a.kind - b.kind || a.it.id - b.it.id);
  type Config = { state: number; lin: number[] };
  const keyOf = (state: number, lin: number[]) => (lin.length === 0 ? `${state}` : `${state}:${lin.join(',')}`);
  let configs: Config[] = [{ state: code(initial), lin: [] }];
  const pending: Op[] = [];
  let steps = 0;
  for (const e of events) {
    if (e.kind === 0) {
      pending.push(e.it);
      continue;
    }
    const id = e.it.id;
    // Close every configuration under linearizing pending operations (each distinct one once).
    // A read that is legal now is linearized at once: that never loses an order (it changes
    // nothing and only removes a constraint), so only writes branch.
    const absorb = (state: number, lin: number[]) => {
      for (const p of pending) if (p.isRead && valueOf[p.id] === state && !lin.includes(p.id)) lin = insertSorted(lin, p.id);
      return lin;
    };
    const seen = new Set<string>();
    const all: Config[] = [];
    for (const c of configs) {
      const lin = absorb(c.state, c.lin);
      const k = keyOf(c.state, lin);
      if (seen.has(k)) continue;
      seen.add(k);
      all.push({ state: c.state, lin });
    }
    for (let i = 0; i < all.length; i++) {
      const c = all[i];
      for (const p of pending) {
        if (p.isRead || c.lin.includes(p.id)) continue;
        if (++steps > stepsMax) invalid('stepsMax', stepsMax, `more search steps for key ${key} (the history has ${n} operations on it)`);
        const state = valueOf[p.id];
        const lin = absorb(state, insertSorted(c.lin, p.id));
        const k = keyOf(state, lin);
        if (seen.has(k)) continue;
        seen.add(k);
        all.push({ state, lin });
      }
    }
    const next = new Map<string, Config>();
    for (const c of all) {
      const has = c.lin.includes(id);
      // At its return an operation must have taken effect; an unknown write no later read needs is dropped either way.
      if (!has && e.kind === 1) continue;
      const lin = has ? c.lin.filter((x) => x !== id) : c.lin;
      const k = keyOf(c.state, lin);
      if (!next.has(k)) next.set(k, { state: c.state, lin });
    }
    if (next.size === 0) return { ok: false, steps, blocked: e.it, possible: new Set(all.map((c) => valueList[c.state])) };
    pending.splice(pending.indexOf(e.it), 1);
    configs = [...next.values()];
  }
  return { ok: true, steps };
}

function insertSorted(list: number[], x: number): number[] {
  const out: number[] = [];
  let placed = false;
  for (const v of list) {
    if (!placed && x < v) {
      out.push(x);
      placed = true;
    }
    out.push(v);
  }
  if (!placed) out.push(x);
  return out;
}

/**
 * Lowe's variant of Wing & Gong, depth first: walk the list of calls and returns; linearize a
 * call whose step is legal (and whose (set, state) was not seen), backtrack at a return. It
 * finds an order of a linearizable history in about one step per operation; it proves a
 * history wrong only by exhausting the orders, so past `stepsMax` it answers undefined.
 */
function depthFirst(ops: RegisterOperation[], initial: string | null, stepsMax: number): { ok: boolean | undefined; steps: number } {
  const n = ops.length;
  if (n === 0) return { ok: true, steps: 0 };
  const items: Op[] = ops.map((op, id) => ({ op, id, isRead: op.kind === 'read', value: op.value }));
  // Events in time order; at equal times calls come first (touching intervals are concurrent).
  const events: { t: number; call: boolean; op: Op }[] = [];
  for (const it of items) {
    events.push({ t: it.op.invokeMs, call: true, op: it });
    if (it.op.outcome === 'ok') events.push({ t: it.op.completeMs!, call: false, op: it });
  }
  events.sort((a, b) => a.t - b.t || (a.call === b.call ? a.op.id - b.op.id : a.call ? -1 : 1));
  const head: Entry = { op: items[0], isCall: false, match: undefined, prev: undefined, next: undefined };
  let tail = head;
  const callOf: Entry[] = new Array(n);
  for (const e of events) {
    const entry: Entry = { op: e.op, isCall: e.call, match: undefined, prev: tail, next: undefined };
    tail.next = entry;
    tail = entry;
    if (e.call) callOf[e.op.id] = entry;
    else callOf[e.op.id].match = entry;
  }
  let returnsLeft = items.filter((it) => it.op.outcome === 'ok').length;
  const words = (n + 31) >>> 5;
  const bits = new Uint32Array(words);
  const zobrist = new Uint32Array(n);
  for (let i = 0; i < n; i++) zobrist[i] = mix(i + 1);
  let hash = 0;
  const values = new Map<string | null, number>();
  const valueList: (string | null)[] = [];
  const valueCode = (v: string | null) => {
    let c = values.get(v);
    if (c === undefined) {
      values.set(v, (c = values.size));
      valueList.push(v);
    }
    return c;
  };
  const cache = new Map<number, { bits: Uint32Array; state: number }[]>();
  const seen = (h: number, state: number): boolean => {
    const k = (h ^ mix(state + 0x9e3779b9)) >>> 0;
    const bucket = cache.get(k);
    if (bucket !== undefined) {
      for (const c of bucket) if (c.state === state && equalBits(c.bits, bits)) return true;
      bucket.push({ bits: bits.slice(), state });
    } else cache.set(k, [{ bits: bits.slice(), state }]);
    return false;
  };
  const stack: { entry: Entry; state: number }[] = [];
  let state = valueCode(initial);
  let steps = 0;
  let entry = head.next;
  while (entry !== undefined) {
    if (returnsLeft === 0) return { ok: true, steps };
    if (++steps > stepsMax) return { ok: undefined, steps };
    if (entry.isCall) {
      const it = entry.op;
      const legal = it.isRead ? valueCode(it.value) === state : true;
      if (legal) {
        const next = it.isRead ? state : valueCode(it.value);
        bits[it.id >>> 5] |= 1 << (it.id & 31);
        hash = (hash ^ zobrist[it.id]) >>> 0;
        if (!seen(hash, next)) {
          stack.push({ entry, state });
          state = next;
          lift(entry);
          if (entry.match !== undefined) returnsLeft--;
          entry = head.next;
          continue;
        }
        bits[it.id >>> 5] &= ~(1 << (it.id & 31));
        hash = (hash ^ zobrist[it.id]) >>> 0;
      }
      entry = entry.next;
    } else {
      // A return whose call is not linearized yet: this path cannot order it. Backtrack.
      const top = stack.pop();
      if (top === undefined) return { ok: false, steps };
      const it = top.entry.op;
      state = top.state;
      bits[it.id >>> 5] &= ~(1 << (it.id & 31));
      hash = (hash ^ zobrist[it.id]) >>> 0;
      unlift(top.entry);
      if (top.entry.match !== undefined) returnsLeft++;
      entry = top.entry.next;
    }
  }
  return { ok: true, steps };
}

function lift(call: Entry): void {
  call.prev!.next = call.next;
  if (call.next) call.next.prev = call.prev;
  const ret = call.match;
  if (ret !== undefined) {
    ret.prev!.next = ret.next;
    if (ret.next) ret.next.prev = ret.prev;
  }
}

function unlift(call: Entry): void {
  const ret = call.match;
  if (ret !== undefined) {
    ret.prev!.next = ret;
    if (ret.next) ret.next.prev = ret;
  }
  call.prev!.next = call;
  if (call.next) call.next.prev = call;
}

function equalBits(a: Uint32Array, b: Uint32Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A 32-bit integer hash (splitmix-like), deterministic. */
function mix(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d);
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b);
  return (x ^ (x >>> 16)) >>> 0;
}


/**
 * A small failing window. Start from the blocked operation, the operations that overlap it
 * or complete shortly before it, and the writes of every value a kept read returned; then
 * drop operations one by one while the rest still fails. A read keeps the writes of its
 * value, so the window failing implies the whole history fails.
 */
function shrink(ops: RegisterOperation[], blocked: RegisterOperation, initial: string | null): RegisterOperation[] {
  const fails = (sub: RegisterOperation[]) => !search(sub, initial, 2_000_000, blocked.key).ok;
  const end = blocked.completeMs ?? Infinity;
  const before = ops.filter((o) => o.invokeMs <= end);
  const near = new Set<RegisterOperation>();
  // The last few operations completed before the blocked one, and all overlapping it.
  const done = before.filter((o) => o !== blocked && o.completeMs !== undefined && o.completeMs < blocked.invokeMs).sort((a, b) => b.completeMs! - a.completeMs!);
  for (const o of done.slice(0, 4)) near.add(o);
  for (const o of before) if (o.completeMs === undefined || o.completeMs >= blocked.invokeMs) near.add(o);
  near.add(blocked);
  const closed = (set: Set<RegisterOperation>) => {
    for (const o of [...set]) if (o.kind === 'read') for (const w of before) if (w.kind === 'write' && w.value === o.value && w.invokeMs <= (o.completeMs ?? Infinity)) set.add(w);
    return set;
  };
  let window = [...closed(near)];
  if (window.length > 400 || !fails(window)) window = before.length <= 400 && fails(before) ? before : window;
  if (!fails(window)) return before;
  // Greedy deletion: reads first (they only constrain), then writes no kept read depends on.
  const order = [...window].sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'read' ? -1 : 1));
  let kept = new Set(window);
  for (const o of order) {
    if (o === blocked || !kept.has(o)) continue;
    if (o.kind === 'write' && [...kept].some((r) => r.kind === 'read' && r.value === o.value && ![...kept].some((w) => w !== o && w.kind === 'write' && w.value === o.value))) continue;
    const trial = new Set(kept);
    trial.delete(o);
    if (fails([...trial])) kept = trial;
  }
  return [...kept].sort((a, b) => a.invokeMs - b.invokeMs);
}

function show(v: string | null): string {
  return v === null ? 'absent' : JSON.stringify(v);
}

function describe(o: RegisterOperation): string {
  const when = `${o.invokeMs}–${o.completeMs ?? '?'} ms`;
  return o.kind === 'read' ? `client ${o.clientId}'s read of ${o.key} returning ${show(o.value)} (${when})` : `client ${o.clientId}'s write of ${show(o.value)} to ${o.key} (${when})`;
}
