export * from './mime';
export * from './show';
export * from './progress';
