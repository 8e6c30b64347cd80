export * from './domain';
export * from './read';
export * from './kafka';
