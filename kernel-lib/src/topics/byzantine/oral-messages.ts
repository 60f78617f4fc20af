// Byzantine generals: Lamport, Shostak and Pease's oral-messages algorithm, and 3f + 1.
import { simulation } from '../../simulation/simulation';
import { parseInteger, choiceOption, customOption, declareOptions, integerOption, invalid, numberListOption, seedOption, type OptionsOf } from '../../core/options';
import type { Trace } from '../../trace/recorder';

export type Order = 'attack' | 'retreat';
const ORDERS: readonly Order[] = ['attack', 'retreat'];

export const ORAL_MESSAGES_OPTIONS = declareOptions('oralMessages', {
  n: integerOption({ doc: 'Generals in all: the commander plus n − 1 lieutenants', min: 3, max: 10, default: 4 }),
  m: integerOption({ doc: 'Rounds of relaying, OM(m), at most min(4, n − 2)', min: 0, max: 4, defaultText: 'the number of traitors' }),
  traitors: customOption<readonly string[]>({
    doc: "Traitors by name: 'C' (the commander) or 'L1'…'L(n−1)'",
    expected: 'an array of general names',
    default: ['L2'],
    parse: (name, value) => {
      if (!Array.isArray(value)) invalid(name, value, 'an array of general names');
      return value as readonly string[];
    }
  }),
  order: choiceOption(ORDERS, { doc: 'What a loyal commander orders', default: 'attack' }),
  strategy: choiceOption(['flip', 'random'] as const, { doc: "How traitors lie: 'flip' every relayed value, or 'random' per message (equivocation)", default: 'flip' }),
  seed: seedOption({ doc: 'Seed (draws the random lies)' })
});
export type OralMessagesOptions = OptionsOf<typeof ORAL_MESSAGES_OPTIONS>;

export interface OralMessagesResult {
  seed: number;
  n: number;
  m: number;
  traitors: string[];
  /** Decision of every loyal lieutenant. */
  decisions: Record<string, Order>;
  /** IC1: all loyal lieutenants decide the same. */
  agreement: boolean;
  /** IC2: if the commander is loyal, every loyal lieutenant follows its order. */
  validity: boolean;
  /** Both conditions: the run succeeded. */
  ok: boolean;
  messages: number;
  trace: Trace;
}

const flip = (v: Order): Order => (v === 'attack' ? 'retreat' : 'attack');

/**
 * Lamport, Shostak and Pease's oral-messages algorithm OM(m), as message passing: the
 * commander sends its order, every lieutenant relays what it heard for m rounds, and each
 * decides by recursive majority (ties and missing values: retreat). Traitors lie through a
 * byzantine hook. With n > 3m it tolerates m traitors; n = 3 with one traitor fails.
 */
export function oralMessages(options: OralMessagesOptions = {}): OralMessagesResult {
  const parsed = ORAL_MESSAGES_OPTIONS.parse(options);
  const { n, order, strategy, seed } = parsed;
  const traitors = [...parsed.traitors];
  const names = ['C', ...Array.from({ length: n - 1 }, (_, i) => `L${i + 1}`)];
  traitors.forEach((t, i) => { if (!names.includes(t)) invalid(`traitors[${i}]`, t, `one of ${names.join(', ')}`); });
  const m = parseInteger('m', parsed.m ?? traitors.length, 0, Math.min(4, n - 2));
  const lieutenants = names.slice(1);
  const sim = simulation({ seed, network: { latency: 1 }, trace: true });
  sim.node('C', {
    start(ctx) {
      for (const l of lieutenants) ctx.send(l, order, { path: ['C'], v: order });
    }
  });
  sim.nodesOf(lieutenants, {
    state: () => ({ val: new Map<string, Order>() }),
    onMessage(ctx, msg) {
      const path = msg.body.path as string[];
      ctx.state.val.set(path.join('>'), msg.body.v);
      if (path.length <= m) {
        const next = [...path, ctx.node];
        for (const l of lieutenants) if (!next.includes(l)) ctx.send(l, `${ctx.node}: "${path.join('>')} said ${msg.body.v}"`, { path: next, v: msg.body.v });
      }
    }
  });
  for (const t of traitors) {
    let k = 0;
    sim.byzantine(t, (msg, random) => {
      // The commander equivocates between halves; lieutenants flip or lie at random.
      const lie: Order = t === 'C' ? (k++ % 2 === 0 ? 'attack' : 'retreat') : strategy === 'flip' ? flip(msg.body.v) : random < 0.5 ? 'attack' : 'retreat';
      const label = t === 'C' ? lie : `${t}: "${(msg.body.path as string[]).slice(0, -1).join('>')} said ${lie}"`;
      return [{ to: msg.to, type: label, body: { ...msg.body, v: lie } }];
    });
  }
  sim.run({ untilMs: 100, eventsMax: 1_000_000 });
  const majority = (values: Order[]): Order => {
    const a = values.filter((v) => v === 'attack').length;
    return a > values.length - a ? 'attack' : 'retreat';
  };
  const decisions: Record<string, Order> = {};
  for (const me of lieutenants) {
    if (traitors.includes(me)) continue;
    const val: Map<string, Order> = sim.stateOf(me).val;
    const resolve = (path: string[]): Order => {
      const own = val.get(path.join('>')) ?? 'retreat';
      if (path.length === m + 1) return own;
      const children = lieutenants.filter((j) => !path.includes(j) && j !== me).map((j) => resolve([...path, j]));
      return majority([own, ...children]);
    };
    decisions[me] = resolve(['C']);
  }
  const loyal = Object.values(decisions);
  const agreement = new Set(loyal).size <= 1;
  const validity = traitors.includes('C') || loyal.every((d) => d === order);
  return { seed, n, m, traitors, decisions, agreement, validity, ok: agreement && validity, messages: sim.stats.sent, trace: sim.trace };
}

export interface ByzantineSweepRow {
  n: number;
  traitor: string;
  runs: number;
  failures: number;
}

export const BYZANTINE_SWEEP_OPTIONS = declareOptions('byzantineSweep', {
  nList: numberListOption({ doc: 'Numbers of generals to try', min: 3, max: 10, integer: true, lengthMax: 8, default: [3, 4] }),
  seeds: integerOption({ doc: 'Random lying strategies per traitor placement', min: 1, max: 10_000, default: 20 })
});
export type ByzantineSweepOptions = OptionsOf<typeof BYZANTINE_SWEEP_OPTIONS>;

/** Every placement of one traitor, several random lying strategies each: how often OM(1) fails for n generals. */
export function byzantineSweep(options: ByzantineSweepOptions = {}): { seeds: number; rows: ByzantineSweepRow[] } {
  const { nList, seeds } = BYZANTINE_SWEEP_OPTIONS.parse(options);
  const rows: ByzantineSweepRow[] = [];
  for (const n of nList) {
    parseInteger('n', n, 3, 10);
    const names = ['C', ...Array.from({ length: n - 1 }, (_, i) => `L${i + 1}`)];
    for (const traitor of names) {
      let failures = 0;
      let runs = 0;
      for (const strategy of ['flip', 'random'] as const) {
        for (const order of ['attack', 'retreat'] as const) {
          for (let seed = 1; seed <= (strategy === 'flip' ? 1 : seeds); seed++) {
            runs++;
            if (!oralMessages({ n, m: 1, traitors: [traitor], order, strategy, seed }).ok) failures++;
          }
        }
      }
      rows.push({ n, traitor, runs, failures });
    }
  }
  return { seeds, rows };
}

/** Generals needed to tolerate f traitors: 3f + 1 (Lamport, Shostak and Pease, 1982). */
export function generalsNeeded(traitors: number): number {
  return 3 * parseInteger('traitors', traitors, 0, 1000) + 1;
}
