export * from './mime';
export * from './show';
