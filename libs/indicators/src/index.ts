export * from './domain';
export * from './read';
export * from './indicators.config';
export * from './indicator.schemas';
