export * from './indicator.projection';
export * from './indicator.queries';
export * from './indicator.read-model';
export * from './indicator.stream-source';
