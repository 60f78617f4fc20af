// Errors of the real etcd layer that a learner reads: the message and their own cell's lines.
import { captureFrames, cellReport, setLearnerFrames } from '../../core/cell-frames';

/** A real cluster did not do what an experiment needs (settle, accept a write): says what it saw. */
export class EtcdExperimentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EtcdExperimentError';
    setLearnerFrames(this, captureFrames(new.target));
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return cellReport(this);
  }
}
