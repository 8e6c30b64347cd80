export * from './advisory.projection';
export * from './advisory.queries';
export * from './advisory.read-model';
export * from './advisory.stream-source';
