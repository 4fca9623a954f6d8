export * from './port/message';
export * from './port/settlement';
export * from './port/message-bus.port';
export * from './port/messaging.error';
export * from './port/message-size';
export { screenBody, type BodyScreenOptions, type ScreenedBody } from './body/body-screen';
export { contractProblem, describeContractIssues } from './body/contract-issues';
export * from './outbox/outbox-schema';
export * from './outbox/outbox';
export * from './outbox/outbox-relay';
export * from './inbox/idempotent-handler';
export * from './typed/typed-handler';
export { defaultBusTopology, maxMessageSizeBytes, type BusTopology } from './embedded/bus-topology';
export { AzureServiceBus, type AzureServiceBusOptions } from './azure/azure-service-bus';
export {
  createAzureServiceBus,
  createServiceBusClient,
  type AzureServiceBusConnection,
  type CreateAzureServiceBusOptions,
} from './azure/azure-service-bus.factory';
export { toMessagingError } from './azure/azure-error.mapper';
export { createEmbeddedBus, type CreateEmbeddedBusOptions } from './embedded/create-embedded-bus';
export { EmbeddedBus, type EmbeddedBusOptions } from './embedded/embedded-bus';
export { ensureBusSchema, defaultBusSchema } from './embedded/bus-schema';
export { busMigrations, type BusMigration } from './embedded/bus-migrations';
export { receiveSettings, matchesFilter, duplicateDetectionWindowMs } from './embedded/bus-topology';
export * from './nest/bus.context';
export * from './nest/bus.transport';
export * from './nest/bus.client';
export * from './admin/dead-letter-admin';
export * from './admin/bus-metrics';
