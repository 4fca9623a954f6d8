export * from './fake-salesforce.server';
export * from './synthetic-org';
export * from './soql';
export * from './self-signed-tls';
export * from './connected-app-certificate';
