/**
 * distlab: a deterministic simulator of machines, networks, clocks and faults,
 * and the figures that show what happened. Everything public is exported here,
 * layer by layer from the ground up (see ARCHITECTURE.md).
 */
export * from './core/options';
export * from './core/errors';
export * from './core/rng';
export * from './core/mime';
export * from './engine/queue';
export * from './world/net';
export * from './world/clocks';
export * from './world/faults';
export * from './trace';
export * from './simulation/simulation';
export * from './checkers';
export * from './experiments';
export * from './topics';
export * from './measure';
export * from './figures';
export * from './exercises';
export * from './display';
