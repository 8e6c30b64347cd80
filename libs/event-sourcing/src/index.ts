export * from './decider';
export * from './envelope';
export * from './aggregate';
export * from './event-id';
