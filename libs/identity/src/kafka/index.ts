export * from './identity-admin';
export * from './kafka-access';
export * from './member-token-records';
