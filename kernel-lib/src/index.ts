/**
 * distlab: a deterministic simulator of machines, networks, clocks and faults,
 * and the figures that show what happened. Everything public is exported here.
 */
export * from './options';
export * from './display';
export * from './figures';
export * from './trace/event';
export * from './scenarios/latency/latency-numbers';
export * from './engine';
export * from './net';
export * from './clocks';
export * from './faults';
export * from './trace/recorder';
export * from './check';
export * from './montecarlo';
export * from './scenarios';
export * from './exercises';
