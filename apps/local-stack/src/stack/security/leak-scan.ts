import { homedir, tmpdir } from 'node:os';

/** One thing found where it must not be. */
export interface Leak {
  where: string;
  what: string;
  excerpt: string;
}

/**
 * What must never reach a caller or a log line: tokens (any JWT, and each token the suite sent),
 * keys, pre-signed URLs, file system paths of this machine and stack traces. `secrets` are exact
 * strings (the tokens used, the key material) looked for verbatim.
 */
export function scanForLeaks(where: string, text: string, secrets: readonly string[], paths: readonly string[]): Leak[] {
  const leaks: Leak[] = [];
  const found = (what: string, index: number) => leaks.push({ where, what, excerpt: text.slice(Math.max(0, index - 60), index + 60) });
  const patterns: Array<[string, RegExp]> = [
    ['a JWT', /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/],
    ['a private key', /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
    ['a pre-signed URL', /[?&](?:sig|se|sp|sv|X-Amz-Signature|X-Amz-Credential|X-Goog-Signature)=[^&\s"]{4,}/i],
    ['a stack trace', /\bat (?:[\w$.<>]+ )?\(?(?:file:\/\/)?\/[^\s():]+\.(?:js|ts|mjs|cjs):\d+:\d+\)?|\bat (?:async )?[\w$.<>]+ \(node:[\w/]+:\d+:\d+\)/],
  ];
  for (const [what, pattern] of patterns) {
    const match = pattern.exec(text);
    if (match) found(what, match.index);
  }
  for (const secret of secrets) {
    const index = secret ? text.indexOf(secret) : -1;
    if (index >= 0) found('a secret the suite sent or holds', index);
  }
  for (const path of paths) {
    const index = path.length > 4 ? text.indexOf(path) : -1;
    if (index >= 0) found(`a file system path (${path})`, index);
  }
  return leaks;
}

/** Paths of this machine that no answer or log line should name. */
export const machinePaths = (...extra: string[]): string[] => [...extra, process.cwd(), tmpdir(), homedir(), '/node_modules/'].filter((p) => p && p !== '/');
