// Scenarios of module 5.1, one folder per topic.
export * from './scalability/scalability';
export * from './scalability/why-distribute';
export * from './failure/failure-modes';
export * from './clocks/clocks';
export * from './latency/db-loop';
export * from './cap/replicated-register';
export * from './pacelc/replication';
export * from './generals/two-generals';
export * from './byzantine/oral-messages';
export * from './idempotency/idempotency';
export * from './kube/cluster';
export * from './kube/experiments';
export * from './mistakes/mistakes';
export * from './didyouknow/did-you-know';
