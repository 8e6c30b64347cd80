export * from './domain';
export * from './read';
export * from './reporting.config';
export * from './reporting.schemas';
