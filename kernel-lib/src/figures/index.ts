// Figures layer: generic figures over plain data.
export * from './figure';
export * from './theme';
export * from './units';
export * from './vega-svg';
export * from './latency-numbers-chart';
export type { TraceInput } from './common';
export * from './table';
export * from './latency-distribution';
export * from './call-chain-timeline';
export * from './fanout-tail-chart';
export * from './space-time-diagram';
export * from './clock-figures';
export * from './availability-figures';
export * from './timelines';
export * from './experiment-charts';
export * from './console-output';
export * from './distribution-comparison';
