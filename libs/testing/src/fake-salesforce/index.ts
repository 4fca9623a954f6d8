export * from './fake-salesforce.server';
export * from './synthetic-org';
export * from './soql';
