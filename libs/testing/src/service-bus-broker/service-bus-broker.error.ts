export type ServiceBusBrokerErrorCode =
  | 'BROKER_LISTEN_FAILED'
  | 'BROKER_UNKNOWN_ENTITY';

/** Raised by the test broker itself (not sent over the wire: wire errors are AMQP conditions). */
export class ServiceBusBrokerError extends Error {
  constructor(
    readonly code: ServiceBusBrokerErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ServiceBusBrokerError';
  }
}
