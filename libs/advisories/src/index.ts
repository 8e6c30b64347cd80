export * from './domain';
export * from './read';
export * from './kafka';
export * from './advisory.schemas';
