export * from './reporting.events';
export * from './reporting.commands';
export * from './reporting.state';
export * from './reporting.decider';
export * from './duration';
export * from './profiles';
export * from './deadline-book';
export * from './jst';
