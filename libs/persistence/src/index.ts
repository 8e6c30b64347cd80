export * from './mongo';
export * from './checkpoints';
export * from './projection';
export * from './apply-events';
export * from './change-feed';
export * from './projection-runner';
export * from './stream';
export * from './version-log';
