export { startServiceBusBroker, type ServiceBusBroker, type StartServiceBusBrokerOptions } from './service-bus-broker';
export { topologyFromContracts, type BrokerQueue, type BrokerSubscription, type BrokerTopic, type BrokerTopology } from './broker-topology';
export { ServiceBusBrokerError, type ServiceBusBrokerErrorCode } from './service-bus-broker.error';
