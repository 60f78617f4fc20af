export * from './checkers';
