export * from './local-stack';
export * from './test-env';
