// Faults of the simulated world: their options and what they do.
export * from './faults';
export * from './behaviour';
