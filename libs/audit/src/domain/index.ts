export * from './merkle';
export * from './compact-range';
export * from './canonical-json';
export * from './tree-head';
export * from './audit-entry';
export * from './log-appender';
export * from './log-verifier';
export * from './read-proof';
