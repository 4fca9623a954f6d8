import { readFileSync } from 'node:fs';
import type { TokenSource } from './leaf-cli.args';
import { UsageError } from './leaf-cli.errors';

/**
 * RFC 6750's b64token: what may follow `Bearer `. Checked before the token goes into a header, so
 * a pasted newline or quote is a usage error that names no part of the token (a header API would
 * otherwise quote the bad value in its own error).
 */
const bearerToken = /^[A-Za-z0-9\-._~+/]+=*$/;

/** The token to send, or undefined to send none (the gateway then answers 401, which the CLI reports). */
export function resolveToken(source: TokenSource, readFile: (path: string) => string = (p) => readFileSync(p, 'utf8')): string | undefined {
  if (source.kind === 'none') return undefined;
  let token: string;
  let from: string;
  if (source.kind === 'file') {
    from = `--token-file ${source.path}`;
    try {
      token = readFile(source.path).trim();
    } catch (e) {
      throw new UsageError(`${from} cannot be read (${(e as NodeJS.ErrnoException).code ?? 'unreadable'})`);
    }
  } else {
    from = source.kind === 'flag' ? '--token' : 'LEAF_TOKEN';
    token = source.value.trim();
  }
  if (token === '') throw new UsageError(`${from} is empty`);
  // Tolerate a pasted "Bearer " prefix; it is a common copy from curl commands.
  token = token.replace(/^bearer\s+/i, '');
  if (!bearerToken.test(token)) throw new UsageError(`${from} is not a bearer token (one line of base64url characters)`);
  return token;
}

/** Whatever the API or the runtime put in a message, the token never reaches the terminal. */
export function redact(text: string, token: string | undefined): string {
  return token && token.length >= 8 ? text.split(token).join('[token]') : text;
}
