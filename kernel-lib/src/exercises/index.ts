/**
 * Code exercises: `dl.gradeExercise(id, yourFunction)` runs your function inside the simulator over many seeds and adversarial schedules and
 * shows pass/fail, the failing seed and a space-time diagram of the counterexample.
 */
import { DistlabInputError } from '../core/options';
import { GradeOptions, ExerciseResult, ExerciseDefinition, runCheck } from './exercise';
import { GCounterMerge, gCounterMergeExercise } from './g-counter-merge';
import { idempotentTransferExercise, TransferHandler } from './idempotent-transfer';
import { LamportReceive, lamportReceiveExercise } from './lamport-receive';
import { QuorumSize, quorumSizeExercise } from './quorum-size';

export type { CheckMimeType, CheckResultV1, CheckCounterexample, CheckFailureKind } from './check-result-mime';
export { MIME_CHECK, ExerciseResult } from './exercise';
export type { GradeOptions } from './exercise';
export type { LamportReceive } from './lamport-receive';
export type { GCounterMerge, GCounterState } from './g-counter-merge';
export type { TransferHandler, TransferRequest, BankState } from './idempotent-transfer';
export type { QuorumSize } from './quorum-size';

/** Exercise id → the function it checks. */
export interface ExerciseFunctions {
  'lamport-receive': LamportReceive;
  'g-counter-merge': GCounterMerge;
  'idempotent-transfer': TransferHandler;
  'quorum-size': QuorumSize;
}
export type ExerciseId = keyof ExerciseFunctions;

const EXERCISES: { [K in ExerciseId]: ExerciseDefinition<ExerciseFunctions[K]> } = {
  'lamport-receive': lamportReceiveExercise,
  'g-counter-merge': gCounterMergeExercise,
  'idempotent-transfer': idempotentTransferExercise,
  'quorum-size': quorumSizeExercise
};

/** Ids of every exercise the course uses. */
export const EXERCISE_IDS = Object.keys(EXERCISES) as ExerciseId[];

/**
 * Grade your function for an exercise: `dl.gradeExercise('lamport-receive', receive)` runs it
 * over seeds 1..200 (by default) and shows pass, or the first failing seed with its diagram.
 */
export function gradeExercise<K extends ExerciseId>(id: K, fn: ExerciseFunctions[K], options?: GradeOptions): ExerciseResult {
  const definition = EXERCISES[id] as ExerciseDefinition<ExerciseFunctions[K]> | undefined;
  if (definition === undefined) throw new DistlabInputError(`unknown exercise: ${JSON.stringify(id)} (expected one of ${EXERCISE_IDS.join(', ')})`);
  return runCheck(definition, fn, options);
}
