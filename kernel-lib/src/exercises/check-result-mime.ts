/**
 * The output of an exercise check, as the kernel sends it and the JupyterLab extension
 * renders and records it. Types only: the extension imports this file with `import type`,
 * so no runtime code crosses from the kernel library into the lab.
 */
export type CheckMimeType = 'application/vnd.distlab.check.v1+json';

/** Why a check failed. */
export type CheckFailureKind = 'wrong' | 'threw' | 'timeout' | 'invalid';

export interface CheckCounterexample {
  /** One-line story of the failing run. */
  description: string;
  /** Nodes drawn in the space-time diagram (top to bottom). */
  nodes: string[];
  /** Events in the counterexample trace. */
  events: number;
}

export interface CheckResultV1 {
  version: 1;
  /** Exercise id, e.g. "g-counter-merge". */
  exercise: string;
  /** Human title of the exercise. */
  title: string;
  passed: boolean;
  /**
   * The function failed exactly as the notebook's deliberately wrong starter code does: shown,
   * but not an attempt (progress records nothing). Absent in results from before this field.
   */
  starter?: boolean;
  /** Seed of the first failing run (replays it), or null when every run passed. */
  seed: number | null;
  /** Runs checked (seeds tried, including the failing one). */
  runs: number;
  /** What happened, in one or two sentences. */
  message: string;
  failure: CheckFailureKind | null;
  counterexample: CheckCounterexample | null;
  /** A call that replays the failing run, e.g. `dl.gradeExercise('quorum-size', quorumSize, { seed: 7 })`. */
  replay: string | null;
}
