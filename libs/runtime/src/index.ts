export * from './runtime';
export * from './logger';
export * from './command-processor.transport';
