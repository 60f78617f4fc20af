export * from './figure';
export * from './theme';
export * from './units';
export * from './vega-svg';
export * from './latency-numbers-chart';
