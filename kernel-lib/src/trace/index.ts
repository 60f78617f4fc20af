export * from './event';
export * from './recorder';
