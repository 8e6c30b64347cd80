export * from './advisory.events';
export * from './advisory.commands';
export * from './advisory.state';
export * from './advisory.decider';
export * from './advisory.stix';
