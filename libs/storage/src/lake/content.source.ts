import { LakeError } from '../errors/lake.error';
import type { LakeContent } from './lake.port';

export type StreamSource = NodeJS.ReadableStream | AsyncIterable<unknown>;

/** In-memory content is hashed directly; anything else is streamed (and spooled, never buffered). */
export type PreparedContent = { readonly kind: 'bytes'; readonly bytes: Buffer } | { readonly kind: 'stream'; readonly source: StreamSource };

function isStreamSource(value: object): value is StreamSource {
  return Symbol.asyncIterator in value || typeof (value as { pipe?: unknown }).pipe === 'function';
}

export function prepareContent(content: LakeContent): PreparedContent {
  if (typeof content === 'string') return { kind: 'bytes', bytes: Buffer.from(content, 'utf8') };
  if (Buffer.isBuffer(content)) return { kind: 'bytes', bytes: content };
  if (content instanceof Uint8Array) {
    return { kind: 'bytes', bytes: Buffer.from(content.buffer, content.byteOffset, content.byteLength) };
  }
  if (typeof content === 'object' && content !== null && isStreamSource(content)) {
    return { kind: 'stream', source: content };
  }
  throw new LakeError('LAKE_INVALID_INPUT', 'content must be a Buffer, Uint8Array, string, readable stream or async iterable of bytes');
}

/** Streams may hand over strings (an encoding was set) or arbitrary objects (object mode): accept the former only. */
export function chunkToBuffer(chunk: unknown): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  if (typeof chunk === 'string') return Buffer.from(chunk, 'utf8');
  throw new LakeError('LAKE_INVALID_INPUT', 'stream content must yield Uint8Array or string chunks');
}
