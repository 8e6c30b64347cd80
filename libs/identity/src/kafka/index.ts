export * from './identity-admin';
export * from './kafka-access';
