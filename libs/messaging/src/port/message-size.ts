/**
 * Largest message a Service Bus namespace accepts, per tier: 256 KB on Standard, up to 100 MB on
 * Premium (a per-entity setting there). A bus is configured with its namespace's limit
 * (`BusTopology.maxMessageSizeBytes`); Standard is the default.
 */
export const serviceBusTierMaxMessageBytes = {
  standard: 256 * 1024,
  premium: 100 * 1024 * 1024,
} as const;

export const defaultMaxMessageSizeBytes = serviceBusTierMaxMessageBytes.standard;
