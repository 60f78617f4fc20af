export * from './rng';
export * from './queue';
export * from './errors';
export * from './simulation';
