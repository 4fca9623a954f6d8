export * from './claims-runtime.service';
