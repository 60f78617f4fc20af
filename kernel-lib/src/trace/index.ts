// Trace layer: what happened in a run.
export * from './event';
export * from './recorder';
export * from './state-intervals';
export * from './causality';
