export * from './domain';
export * from './read';
export * from './oversight.config';
export * from './oversight.schemas';
