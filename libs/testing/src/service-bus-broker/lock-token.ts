import { randomBytes } from 'node:crypto';

/*
 * The SDK turns a delivery tag into a lock token by reading the 16 bytes as a .NET Guid: the
 * first three groups are little-endian. Management requests send the token back in that (already
 * reordered) byte order, so the broker keys locks by the string the SDK shows the user.
 */
const DOTNET_ORDER = [3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15];

export function reorderGuidBytes(bytes: Buffer): Buffer {
  return Buffer.from(DOTNET_ORDER.map((i) => bytes[i] ?? 0));
}

export function uuidBytesToString(bytes: Buffer): string {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function uuidStringToBytes(uuid: string): Buffer {
  return Buffer.from(uuid.replace(/-/g, ''), 'hex');
}

export interface LockToken {
  /** The delivery tag sent on the wire. */
  readonly tag: Buffer;
  /** What the SDK reports as `message.lockToken` and sends back in management requests. */
  readonly token: string;
}

export function newLockToken(): LockToken {
  const tag = randomBytes(16);
  return { tag, token: uuidBytesToString(reorderGuidBytes(tag)) };
}

/** .NET ticks (100 ns since 0001-01-01) as an AMQP long, the way Service Bus sends session lock expiry. */
export function dateToTicksBuffer(ms: number): Buffer {
  const buf = Buffer.alloc(8);
  buf.writeBigInt64BE(BigInt(ms) * 10_000n + 621_355_968_000_000_000n);
  return buf;
}
