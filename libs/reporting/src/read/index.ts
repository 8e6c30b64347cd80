export * from './asset.projection';
export * from './asset.read-model';
export * from './incident.projection';
export * from './incident.read-model';
export * from './reporting-file.projection';
export * from './reporting-file.read-model';
export * from './reporting.queries';
