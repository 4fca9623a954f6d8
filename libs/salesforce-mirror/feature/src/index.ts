export * from './salesforce-mirror.service';
