export * from './stream-position';
export * from './stream-source';
export * from './indicator.stream-source';
export * from './advisory.stream-source';
export * from './stream-sources';
