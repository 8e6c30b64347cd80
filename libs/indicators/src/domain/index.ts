export * from './indicator.events';
export * from './indicator.commands';
export * from './indicator.state';
export * from './indicator.decider';
export * from './indicator-id';
export * from './indicator-value';
export * from './indicator.stix';
export * from './indicator.stix-import';
