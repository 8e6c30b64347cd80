export * from './ip-address';
export * from './flow';
export * from './flow-batch';
export * from './prefix-trie';
export * from './indicator-index';
export * from './traffic.events';
export * from './flow-matching';
