export * from './testing/capture-logger';
export * from './testing/identity-headers';
