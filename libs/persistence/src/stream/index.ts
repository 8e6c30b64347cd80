export * from './stream-position';
export * from './stream-source';
