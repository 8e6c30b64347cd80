export * from './organisation.projection';
