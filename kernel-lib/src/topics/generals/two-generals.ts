// The Two Generals: no number of messengers makes the attack certain.
import { simulation } from '../../simulation/simulation';
import { monteCarlo } from '../../experiments/montecarlo';
import { parseInteger, declareOptions, integerOption, numberListOption, probabilityOption, seedOption, type OptionsOf } from '../../core/options';
import { maxOf } from '../../core/numbers';
import type { Trace } from '../../trace/recorder';
import type { XyPoint } from '../../experiments/points';

export const TWO_GENERALS_OPTIONS = declareOptions('twoGeneralsRun', {
  messengers: integerOption({ doc: 'Messengers A sends with the same plan, each captured independently', min: 1, max: 1000, default: 3 }),
  dropProbability: probabilityOption({ doc: 'Probability that one messenger is captured', default: 0.5 }),
  seed: seedOption()
});
export type TwoGeneralsOptions = OptionsOf<typeof TWO_GENERALS_OPTIONS>;

/**
 * General A commits to attack and sends `messengers` copies of "attack at dawn" through the
 * valley; B attacks if any copy arrives. They agree iff at least one gets through:
 * P(agreement) = 1 − loss^messengers. High, never 1.
 */
export function twoGeneralsRun(options: TwoGeneralsOptions = {}): { seed: number; agreed: boolean; delivered: number; trace: Trace } {
  const { messengers, dropProbability, seed } = TWO_GENERALS_OPTIONS.parse(options);
  return runTwoGenerals(messengers, dropProbability, seed, true);
}

function runTwoGenerals(messengers: number, loss: number, seed: number, trace: boolean) {
  const sim = simulation({ seed, trace, network: { latency: 10, dropProbability: loss } });
  sim.node('General A', {
    start(ctx) {
      ctx.log('decides: attack');
      for (let i = 0; i < messengers; i++) ctx.setTimer('messenger', i * 2, i);
    },
    onTimer(ctx, _n, i) { ctx.send('General B', `attack at dawn #${i + 1}`); }
  });
  sim.node('General B', {
    state: () => ({ heard: 0 }),
    onMessage(ctx) {
      if (ctx.state.heard++ === 0) ctx.log('decides: attack');
    }
  });
  sim.run({ untilMs: 1000 });
  const delivered = sim.stateOf('General B').heard as number;
  return { seed, agreed: delivered > 0, delivered, trace: sim.trace };
}

export const TWO_GENERALS_AGREEMENT_OPTIONS = declareOptions('twoGeneralsAgreement', {
  messengersList: numberListOption({ doc: 'Numbers of messengers to try', min: 1, max: 1000, integer: true, lengthMax: 100, default: [1, 2, 3, 4, 5, 6, 8, 10] }),
  dropProbabilities: numberListOption({ doc: 'Capture probabilities to try, one line each', min: 0, max: 1, lengthMax: 20, default: [0.3, 0.5, 0.7] }),
  seeds: integerOption({ doc: 'Runs per point', min: 10, max: 100_000, default: 1000 })
});
export type TwoGeneralsAgreementOptions = OptionsOf<typeof TWO_GENERALS_AGREEMENT_OPTIONS>;

/** P(agreement) against messengers: simulated points with 95% intervals, and the formula 1 − loss^k as lines. */
export function twoGeneralsAgreement(options: TwoGeneralsAgreementOptions = {}): { points: XyPoint[]; lines: XyPoint[]; seeds: number } {
  const { messengersList: ks, dropProbabilities: losses, seeds } = TWO_GENERALS_AGREEMENT_OPTIONS.parse(options);
  const result = monteCarlo({ seeds, grid: { k: [...ks], loss: [...losses] }, run: ({ seed, params }) => runTwoGenerals(params.k, params.loss, seed, false).agreed });
  const points = result.rows.map((r) => ({ series: `loss ${r.params.loss}`, x: r.params.k, y: r.mean, low: r.ciLow, high: r.ciHigh }));
  const lines: XyPoint[] = [];
  for (const loss of losses) for (let k = 1; k <= maxOf(ks); k++) lines.push({ series: `loss ${loss}`, x: k, y: 1 - Math.pow(loss, k) });
  return { points, lines, seeds };
}

export const TWO_GENERALS_REGRESS_OPTIONS = declareOptions('twoGeneralsRegress', {
  messagesMax: integerOption({ doc: 'Longest protocol to run: plan, ack, ack of the ack, …', min: 1, max: 50, default: 6 })
});
export type TwoGeneralsRegressOptions = OptionsOf<typeof TWO_GENERALS_REGRESS_OPTIONS>;

export interface RegressRow {
  /** Messages in the protocol: plan, ack, ack of ack, ... */
  messages: number;
  /** Who sends the last message. */
  lastSender: string;
  /** The last sender's view is the same whether its message arrived or not. */
  senderCannotTell: boolean;
  /** Decisions when every message arrives. */
  allDelivered: string;
  /** Decisions when only the last message is lost. */
  lastLost: string;
  agreementInBothRuns: boolean;
}

/**
 * The infinite regress, run: a protocol of `messages` messages (plan, ack, ack of the ack, …),
 * where a general attacks only once it has received every message meant for it. Run each
 * protocol twice: all delivered, and only the last message lost. The last sender cannot tell
 * the two runs apart, so it decides the same in both, and the two runs cannot both end in
 * agreement. Adding one more acknowledgement only moves the problem to a new last message.
 */
export function twoGeneralsRegress(options: TwoGeneralsRegressOptions = {}): { rows: RegressRow[]; traceLastLost: (messages: number) => Trace } {
  const { messagesMax } = TWO_GENERALS_REGRESS_OPTIONS.parse(options);
  const run = (messages: number, loseLast: boolean) => {
    const sim = simulation({ seed: 1, network: { latency: 10 } });
    const gens = ['General A', 'General B'];
    const spec = (me: number) => ({
      state: () => ({ received: 0, views: [] as string[] }),
      start(ctx: any) { if (me === 0) ctx.send(gens[1], 'attack at dawn', 1); },
      onMessage(ctx: any, msg: any) {
        ctx.state.received++;
        ctx.state.views.push(msg.type);
        const k = msg.body + 1;
        if (k <= messages) ctx.send(gens[me ^ 1], k === 2 ? 'got it' : `got your #${k - 1}`, k);
      }
    });
    sim.node(gens[0], spec(0));
    sim.node(gens[1], spec(1));
    if (loseLast) {
      // The valley eats the last messenger: message k leaves at 10·(k − 1) ms, so the sender's way
      // to the other hill turns lossy just before the last one leaves (after the earlier ones went
      // that way). The loss is the network's, so the space-time diagram shows it as a drop.
      const sender = gens[(messages - 1) % 2];
      const loseFromNowOn = (s: typeof sim) => s.link(sender, gens[messages % 2], { latency: 10, dropProbability: 1, oneWay: true });
      if (messages === 1) loseFromNowOn(sim);
      else sim.at(10 * (messages - 1) - 5, loseFromNowOn);
    }
    sim.run({ untilMs: 10 * messages + 100 });
    // Messages meant for A: the even-numbered ones; for B: the odd-numbered ones.
    const expected = [Math.floor(messages / 2), Math.ceil(messages / 2)];
    const decide = (g: number) => (sim.stateOf(gens[g]).received === expected[g] ? 'attack' : 'hold');
    const views = gens.map((g) => (sim.stateOf(g).views as string[]).join('|'));
    return { decisions: [decide(0), decide(1)], views, trace: sim.trace };
  };
  const rows: RegressRow[] = [];
  for (let m = 1; m <= messagesMax; m++) {
    const full = run(m, false);
    const lost = run(m, true);
    const sender = (m - 1) % 2;
    rows.push({
      messages: m,
      lastSender: ['General A', 'General B'][sender],
      senderCannotTell: full.views[sender] === lost.views[sender],
      allDelivered: `A ${full.decisions[0]}, B ${full.decisions[1]}`,
      lastLost: `A ${lost.decisions[0]}, B ${lost.decisions[1]}`,
      agreementInBothRuns: full.decisions[0] === full.decisions[1] && lost.decisions[0] === lost.decisions[1]
    });
  }
  return { rows, traceLastLost: (messages: number) => run(parseInteger('messages', messages, 1, 50), true).trace };
}
