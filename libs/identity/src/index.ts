export * from './domain';
export * from './read';
export * from './kafka';
export * from './schema-primitives';
