// Faults of the simulated world.
export * from './faults';
