import { neutraliseUnsafeText, type ReceivedMessage } from '@leaf/messaging';
import { scrubObject, scrubSecrets } from '@leaf/platform';

/** How much of a body an operator sees in a listing: enough to recognise it, never enough to act on. */
export const deadLetterPreviewChars = 400;
/** How much of an undecodable body is read to build its preview (scrubbed whole before it is cut). */
const rawPreviewBytes = 16 * 1024;

// A key that names a credential, wherever in its name (accessToken, sasUrl, clientSecret, x-api-key…).
const credentialKey = /token|secret|passw|pwd|authori[sz]ation|cookie|signature|\bsas|sas[A-Z_]|api[-_]?key|credential|assertion|connection_?string/i;
// Every URL goes whole: a pre-signed one carries its signature in a form no pattern can promise to
// know, and any URL names hosts or local paths an operator does not need from a preview.
const anyUrl = /\b[a-z][a-z0-9+.-]*:\/\/[^\s'"<>\\]+/gi;
// SAS and pre-signed query pieces that travel without their URL.
const signatureParams =
  /\b(sig|se|skoid|sktid|sks|skv|tempauth|x-amz-signature|x-amz-credential|x-amz-security-token|x-goog-signature|x-goog-credential)=[^&\s"']+/gi;

const scrubText = (text: string): string => scrubSecrets(text.replace(anyUrl, '<url>').replace(signatureParams, '$1=[REDACTED]'));

function scrubValue(value: unknown): unknown {
  if (typeof value === 'string') return scrubText(value);
  if (Array.isArray(value)) return value.map(scrubValue);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, credentialKey.test(key) ? '[REDACTED]' : scrubValue(v)]));
  }
  return value;
}

export interface DeadLetterPreview {
  text: string;
  truncated: boolean;
}

/**
 * The start of a dead letter's body for a listing, scrubbed BEFORE it is cut (a token cut in half
 * would slip past every pattern): credential-named fields replaced, bearer tokens, JWTs, SAS and
 * pre-signed query pieces and every URL removed. A body that could not be decoded is shown as
 * lossy text, its controls replaced, under the same scrubbing.
 */
export function deadLetterPreview(message: Pick<ReceivedMessage, 'body' | 'rawBody'>): DeadLetterPreview {
  let text: string;
  let cut = false;
  if (message.rawBody) {
    const raw = message.rawBody;
    text = scrubText(neutraliseUnsafeText(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).subarray(0, rawPreviewBytes).toString('utf8')));
    cut = raw.byteLength > rawPreviewBytes;
  } else {
    // scrubObject first: the platform's key list and value patterns (logs use the same), then ours on top.
    text = JSON.stringify(scrubValue(scrubObject(message.body ?? null))) ?? 'null';
  }
  const chars = Array.from(text);
  return chars.length > deadLetterPreviewChars ? { text: chars.slice(0, deadLetterPreviewChars).join(''), truncated: true } : { text, truncated: cut };
}
