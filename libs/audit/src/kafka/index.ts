export * from './audit-appender';
export * from './audit-log-record';
export * from './audit-log-verification';
export * from './audit-store.projector';
