export * from './azurite/azurite';
export * from './service-bus-broker';
export * from './graph';
export * from './service-process/service-process';
export * from './fake-salesforce';
export * from './fake-kubernetes';
export * from './fake-azure-search';
export * from './service-app/service-under-test';
