export * from './domain';
export * from './read';
export * from './kafka';
export * from './traffic.config';
export * from './geo/ip-country';
export * from './traffic.schemas';
