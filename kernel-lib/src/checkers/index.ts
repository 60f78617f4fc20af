// Checkers layer: invariants over what a simulation did.
export * from './checkers';
export * from './linearizability';
