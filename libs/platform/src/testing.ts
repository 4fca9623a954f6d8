export * from './testing/capture-logger';
