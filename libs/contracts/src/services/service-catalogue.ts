/**
 * The eight services and their default HTTP ports in the local stack. Services reach each
 * other only through these HTTP APIs and the bus, never by importing each other's code.
 */
export const serviceNames = [
  'gateway',
  'claims-runtime',
  'domo-takeover',
  'contract-packets',
  'salesforce-mirror',
  'retrieval',
  'agent-dispatcher',
  'lane-worker',
] as const;
export type ServiceName = (typeof serviceNames)[number];

export const defaultServicePorts: Record<ServiceName, number> = {
  gateway: 3000,
  'claims-runtime': 3101,
  'domo-takeover': 3102,
  'contract-packets': 3103,
  'salesforce-mirror': 3104,
  retrieval: 3105,
  'agent-dispatcher': 3106,
  'lane-worker': 3107,
};
