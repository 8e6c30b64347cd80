export * from './collection-authorisation.lookup';
export * from './oversight-request.projection';
export * from './oversight-request.read-model';
export * from './oversight.queries';
export * from './supervision.read-model';
export * from './supervision.projection';
export * from './supervision.queries';
