export * from './organisation.projection';
export * from './member-token.projection';
