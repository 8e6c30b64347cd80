export * from './indicator.projection';
export * from './indicator.queries';
export * from './indicator.read-model';
export * from './indicator.stream-source';
export * from './indicator-stix.projection';
export * from './indicator-stix.queries';
export * from './indicator.counters';
export * from './indicator.aggregates';
