export * from './service-kit.module';
export * from './define-service';
