import { CodedError } from '@leaf/contracts';

export type ServiceBusBrokerErrorCode = 'BROKER_LISTEN_FAILED' | 'BROKER_UNKNOWN_ENTITY';

/** Raised by the test broker itself (not sent over the wire: wire errors are AMQP conditions). */
export class ServiceBusBrokerError extends CodedError<ServiceBusBrokerErrorCode> {
  override readonly name = 'ServiceBusBrokerError';
}
