export * from './machine-latency';
