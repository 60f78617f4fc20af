// Errors a run raises: a bound passed, learner code that threw; each with the seed that replays it.
import { captureFrames, cellReport, framesOfThrown, setLearnerFrames } from './cell-frames';

/** A run went past one of its bounds (`eventsMax`, `inFlightMax`). Carries the seed that replays it. */
export class DistlabLimitError extends Error {
  constructor(message: string, readonly seed: number) {
    super(`${message} (seed=${seed})`);
    this.name = 'DistlabLimitError';
    setLearnerFrames(this, captureFrames(new.target));
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return cellReport(this);
  }
}

/**
 * Learner code called by a run (a node's handler, a `sim.at` action, `stopWhen`) threw. Says
 * where (node and event), when (virtual time) and the seed that replays it; the thrown value is
 * `cause`, and the stack is the cause's own, so its first frame is the line that threw.
 */
export class DistlabHandlerError extends Error {
  /** What the learner's code threw. */
  readonly cause: unknown;

  constructor(
    /** Node whose handler threw; undefined for a `sim.at` action or `stopWhen`. */
    readonly node: string | undefined,
    /** The event being handled, e.g. `onMessage(ping from b)`, `onTimer(tick)`, `start`. */
    readonly event: string,
    /** Virtual time of the event, in ms. */
    readonly timeMs: number,
    /** Seed of the run. */
    readonly seed: number,
    cause: unknown
  ) {
    const where = node === undefined ? event : `node ${node} in ${event}`;
    super(`${where} threw at t=${timeMs} ms: ${describeThrown(cause)} (seed=${seed})`);
    this.name = 'DistlabHandlerError';
    this.cause = cause;
    // The frames of the learner's code that threw, without the engine's below them (`cause` has all).
    const frames = cause instanceof Error ? framesOfThrown(cause) : [];
    if (frames.length > 0) setLearnerFrames(this, frames);
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return cellReport(this);
  }
}

/** `TypeError: x is undefined` for an error, the value itself for anything else thrown. */
export function describeThrown(thrown: unknown): string {
  if (thrown instanceof Error) return `${thrown.name}: ${thrown.message}`;
  try {
    return typeof thrown === 'string' ? thrown : String(JSON.stringify(thrown) ?? thrown);
  } catch {
    return String(thrown);
  }
}
