export * from './salesforce-mirror.service';
export * from './config/salesforce-mirror.config';
