// Calls a learner function with a wall-clock budget, so an endless loop fails the check instead of hanging.
import * as vm from 'vm';

/** The learner's function ran past its time budget (or the kernel was interrupted). */
export class LearnerTimeoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LearnerTimeoutError';
  }
}

/** The learner's function threw. */
export class LearnerThrewError extends Error {
  constructor(readonly original: unknown) {
    super(original instanceof Error ? `${original.name}: ${original.message}` : String(original));
    this.name = 'LearnerThrewError';
  }
}

const CALL = new vm.Script('__fn.apply(undefined, __args)', { filename: 'distlab-exercise-call.js' });

/**
 * Call a learner's function with a wall-clock budget. vm's `timeout` terminates the
 * running JavaScript even inside a function defined in the cell's own context, so an
 * infinite loop comes back as an error instead of a hung kernel; `breakOnSigint` lets
 * the lab's "interrupt kernel" stop it too.
 */
export function callBounded<T>(fn: (...args: any[]) => T, args: unknown[], timeoutMs: number, what: string): T {
  const context = vm.createContext({ __fn: fn, __args: args });
  try {
    return CALL.runInContext(context, { timeout: timeoutMs, breakOnSigint: true }) as T;
  } catch (error) {
    const code = (error as { code?: string } | null)?.code;
    if (code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') throw new LearnerTimeoutError(`${what} did not return within ${timeoutMs} ms (an endless loop?)`);
    if (code === 'ERR_SCRIPT_EXECUTION_INTERRUPTED') throw new LearnerTimeoutError(`${what} was interrupted`);
    throw new LearnerThrewError(error);
  }
}
