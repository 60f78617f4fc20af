// Clocks of the simulated world.
export * from './physical';
export * from './logical';
export * from './syncs';
