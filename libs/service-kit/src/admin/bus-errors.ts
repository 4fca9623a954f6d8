import { isMessagingError } from '@leaf/messaging';
import { AppError } from '@leaf/platform';

/** The bus's typed errors as problem+json: an entity the bus does not serve is a 404, a bus that is down a 502. */
export async function mapBusErrors<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (isMessagingError(error, 'MESSAGING_ENTITY_UNKNOWN')) throw new AppError('NOT_FOUND', 'the bus does not serve that entity', { cause: error });
    if (isMessagingError(error, 'MESSAGING_UNAVAILABLE')) throw new AppError('UPSTREAM_UNAVAILABLE', 'the message bus is unavailable', { cause: error });
    throw error;
  }
}
