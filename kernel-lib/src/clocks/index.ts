export * from './physical';
export * from './logical';
