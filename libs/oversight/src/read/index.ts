export * from './collection-authorisation.lookup';
export * from './oversight-request.projection';
export * from './oversight-request.read-model';
export * from './oversight.queries';
