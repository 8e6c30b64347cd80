export * from './traffic-retention';
export * from './traffic.projection';
export * from './traffic.queries';
export * from './traffic.read-model';
export * from './traffic.aggregates';
