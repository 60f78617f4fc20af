// Measure layer: real measurements of this machine.
export * from './machine-latency';
