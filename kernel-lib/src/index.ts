/**
 * distlab: a deterministic simulator of machines, networks, clocks and faults,
 * and the figures that show what happened. Everything public is exported here.
 */
export * from './options';
export * from './display';
export * from './figures';
export * from './trace/event';
export * from './scenarios/latency/latency-numbers';
