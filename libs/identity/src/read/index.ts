export * from './organisation.projection';
export * from './member-token.projection';
export * from './stale-if-unavailable';
