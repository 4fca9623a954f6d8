export * from './errors/persistence.error';
export * from './config/redact-url';
export * from './embedded/embedded-postgres';
export * from './migrations/postgres/1732350000000-foundation-schema';
