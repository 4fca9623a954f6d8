import { CodedError, codedErrorGuard } from '@leaf/contracts';

export const packetSourceErrorCodes = ['unauthorized', 'throttled', 'unavailable', 'not-found', 'invalid-response'] as const;
export type PacketSourceErrorCode = (typeof packetSourceErrorCodes)[number];

/**
 * A source failure. Its message names the operation and the HTTP status only: never a URL (a
 * download URL is a bearer credential), a token or a local path.
 */
export class PacketSourceError extends CodedError<PacketSourceErrorCode> {
  override readonly name = 'PacketSourceError';
}

export const isPacketSourceError = codedErrorGuard(PacketSourceError);
