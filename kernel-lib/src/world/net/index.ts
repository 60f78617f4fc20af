// The network of the simulated world.
export * from './latency';
export * from './network';
export * from './partition';
