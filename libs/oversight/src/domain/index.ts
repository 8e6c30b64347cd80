export * from './oversight.events';
export * from './oversight.commands';
export * from './oversight.state';
export * from './oversight.decider';
export * from './target';
export * from './emergency-book';
