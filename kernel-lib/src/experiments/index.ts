// Experiments layer: Monte Carlo over seeds and grids, and its statistics.
export * from './stats';
export * from './montecarlo';
export type { XyPoint } from './points';
