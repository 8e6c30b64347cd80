export * from './flow-matcher';
