export * from './latency';
export * from './network';
export * from './partition';
