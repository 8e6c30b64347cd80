export * from './parsed';
export * from './organisation';
export * from './tlp';
export * from './audience';
export * from './entitlement.policy';
export * from './report.policy';
export * from './token';
export * from './demo-organisations';
