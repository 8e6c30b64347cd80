export * from './audit.store';
