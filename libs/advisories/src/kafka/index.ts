export * from './advisory-fanout';
