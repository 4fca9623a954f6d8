export * from './service-kit.module';
export * from './define-service';
export * from './auth.providers';
export * from './outbox-relay.host';
export * from './admin/bus-errors';
