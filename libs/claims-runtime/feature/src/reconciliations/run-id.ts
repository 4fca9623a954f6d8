import { randomBytes } from 'node:crypto';

const alphabet = '0123456789abcdefghjkmnpqrstvwxyz';

/** `rec_` + a ULID in lowercase Crockford base32: sortable by creation time, unguessable after it. */
export function newRunId(now = Date.now()): string {
  let time = '';
  for (let t = now, i = 0; i < 10; i++, t = Math.floor(t / 32)) time = alphabet[t % 32] + time;
  const random = [...randomBytes(16)]
    .slice(0, 16)
    .map((b) => alphabet[b % 32])
    .join('');
  return `rec_${time}${random}`;
}
