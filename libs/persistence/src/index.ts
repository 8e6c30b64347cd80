export * from './mongo';
export * from './checkpoints';
export * from './projection';
export * from './apply-events';
export * from './projection-runner';
export * from './indicators/indicator.read-model';
export * from './indicators/indicator.projection';
export * from './indicators/indicator.queries';
