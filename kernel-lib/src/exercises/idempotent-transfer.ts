// Exercise: a bank transfer applied exactly once despite retries and duplicates.
import { simulation } from '../simulation/simulation';
import { callBounded } from './bounded-call';
import { ExerciseDefinition, RunFailure } from './exercise';

export interface TransferRequest {
  /** Chosen by the client once per transfer; a retry sends the same id. */
  requestId: string;
  from: string;
  to: string;
  amount: number;
}

export interface BankState {
  balances: Record<string, number>;
  /** Free for your bookkeeping, e.g. the request ids already applied. Starts empty. */
  processed: Record<string, boolean>;
}

/** Apply one transfer request to the bank's state; return the new state. */
export type TransferHandler = (state: BankState, request: TransferRequest) => BankState;

const START: Record<string, number> = { alice: 100, bob: 100 };

/**
 * A client sends transfers to a bank over a network that loses and duplicates messages;
 * it retries (same request id) until it gets an ack. Invariant: each transfer that reached
 * the bank is applied exactly once, whatever the number of copies that arrived.
 */
export const idempotentTransferExercise: ExerciseDefinition<TransferHandler> = {
  id: 'idempotent-transfer',
  title: 'Idempotent transfer with request IDs',
  signature: '(state: { balances, processed }, request: { requestId, from, to, amount }) => state',
  // The notebook's first try applies every copy it receives.
  starter: (state, req) => {
    const balances = { ...state.balances, [req.from]: (state.balances[req.from] ?? 0) - req.amount, [req.to]: (state.balances[req.to] ?? 0) + req.amount };
    return { balances, processed: { ...state.processed, [req.requestId]: true } };
  },
  run(handle, { seed, callTimeoutMs }): RunFailure | null {
    const sim = simulation({ seed, network: { latency: 1, dropProbability: 0.25, duplicateProbability: 0.25 } });
    const transfers: TransferRequest[] = Array.from({ length: 1 + (seed % 3) }, (_, i) => ({ requestId: `t${i + 1}`, from: 'alice', to: 'bob', amount: 10 * (i + 1) }));
    const arrivals: Record<string, number> = {};
    let bad: RunFailure | null = null;
    sim.node('client', {
      state: () => ({ acked: {} as Record<string, boolean>, tries: {} as Record<string, number> }),
      start: (ctx) => transfers.forEach((t, i) => ctx.setTimer('send', 1 + i, t.requestId)),
      onTimer: (ctx, _name, requestId: string) => {
        if (ctx.state.acked[requestId] || (ctx.state.tries[requestId] ?? 0) >= 6) return;
        ctx.state.tries[requestId] = (ctx.state.tries[requestId] ?? 0) + 1;
        const transfer = transfers.find((t) => t.requestId === requestId) as TransferRequest;
        ctx.send('bank', 'transfer', { ...transfer });
        ctx.setTimer('send', 5, requestId);
      },
      onMessage: (ctx, msg) => {
        ctx.state.acked[msg.body.requestId] = true;
      }
    });
    sim.node('bank', {
      state: () => ({ bank: { balances: { ...START }, processed: {} } as BankState }),
      onMessage: (ctx, msg) => {
        if (bad !== null) return;
        const request = msg.body as TransferRequest;
        arrivals[request.requestId] = (arrivals[request.requestId] ?? 0) + 1;
        const input: BankState = { balances: { ...ctx.state.bank.balances }, processed: { ...ctx.state.bank.processed } };
        const output = callBounded(handle, [input, { ...request }], callTimeoutMs, `handle(state, ${request.requestId})`);
        if (typeof output !== 'object' || output === null || typeof output.balances !== 'object' || output.balances === null) {
          bad = { message: `handle(state, ${JSON.stringify(request)}) returned ${JSON.stringify(output)}; expected the new state { balances, processed }.`, events: [], kind: 'invalid' };
          return;
        }
        ctx.state.bank = { balances: { ...output.balances }, processed: { ...(output.processed ?? {}) } };
        ctx.send('client', 'ack', { requestId: request.requestId });
      }
    });
    sim.run({ untilMs: 100, eventsMax: 10_000 });
    if (bad !== null) return { ...(bad as RunFailure), events: sim.trace.events() };
    const expected = { ...START };
    for (const t of transfers) {
      if (!arrivals[t.requestId]) continue;
      expected[t.from] -= t.amount;
      expected[t.to] += t.amount;
    }
    const actual = (sim.stateOf('bank').bank as BankState).balances;
    for (const account of Object.keys(START)) {
      if (actual[account] !== expected[account]) {
        const copies = transfers.filter((t) => arrivals[t.requestId]).map((t) => `${t.requestId} (${t.amount}) arrived ${arrivals[t.requestId]}×`).join(', ');
        return {
          message: `${copies}; each transfer must be applied once, so ${account} should have ${expected[account]}, but has ${actual[account]}. A retry or a network duplicate was applied again: remember request ids already applied.`,
          description: `${copies}; ${account} ends with ${actual[account]} instead of ${expected[account]}`,
          events: sim.trace.events(),
          nodes: ['client', 'bank']
        };
      }
    }
    return null;
  }
};
