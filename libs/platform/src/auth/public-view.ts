import type { Identity } from '@leaf/contracts';
import { hasRole } from './client-scope';

/**
 * What a caller below operator may not learn about the platform's insides from an answer: the
 * services' internal URLs and addresses, host or pod names, process ids, file system paths, SQL
 * text and stack traces. Those end up in data through error messages (a task's failure reason, a
 * run's error) that are written for operators. Each pattern stands for a whole class; a string
 * matched is replaced by a marker saying what was withheld, so the rest of the message survives.
 */
const withheld: Array<[RegExp, string]> = [
  // Stack frames: "at fn (/srv/app/main.js:12:3)", "at node:internal/process/task_queues:95:5".
  [/\n?\s*at (?:[^\s()]+ )?\(?(?:file:\/\/)?(?:[A-Za-z]:)?(?:[^\s()]*\.(?:js|mjs|cjs|ts)|node:[\w/]+)(?::\d+){1,2}\)?/g, ' [stack withheld]'],
  // Pre-signed / SAS URLs: withheld whatever their host.
  [/\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>]*[?&](?:sig|signature|x-amz-signature|x-goog-signature|se|token|code)=[^\s"'<>]*[^\s"'<>.,:;)]/gi, '[url withheld]'],
  // URLs of internal hosts: loopback, IP literals, single-label service names, cluster and private DNS suffixes.
  [
    /\b[a-z][a-z0-9+.-]*:\/\/(?:[^\s/"'<>@]*@)?(?:[a-z0-9.-]+\.(?:svc|cluster\.local|internal|local|lan|corp)|localhost|\[[0-9a-f:]+\]|\d{1,3}(?:\.\d{1,3}){3}|[a-z0-9-]+(?=[:/?#\s"'<>]|$))(?::\d+)?(?:[/?#][^\s"'<>]*[^\s"'<>.,:;)])?/gi,
    '[internal url withheld]',
  ],
  // host:port of internal names, and IPv4 addresses with or without a port.
  [/\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:svc|cluster\.local|internal)(?::\d+)?\b/gi, '[address withheld]'],
  [/\b(?:\d{1,3}\.){3}\d{1,3}(?::\d{1,5})?\b/g, '[address withheld]'],
  // Kubernetes pod names: <deployment>-<replicaset hash>-<suffix>, both drawn from an alphabet without vowels.
  [/\b[a-z0-9]+(?:-[a-z0-9]+)*-[bcdfghjklmnpqrstvwxz2-9]{8,10}-[bcdfghjklmnpqrstvwxz2-9]{5}\b/g, '[host withheld]'],
  // Process ids.
  [/\bpid[ =:]+\d+\b/gi, '[pid withheld]'],
  // Absolute file system paths (POSIX roots a deployment uses, and Windows drives).
  [/(?<![\w.:/-])\/(?:home|root|tmp|srv|var|usr|opt|app|work|etc|proc|mnt|data|workspace|Users|private)(?:\/[^\s"'<>:,;)]*)*/g, '[path withheld]'],
  [/\b[A-Za-z]:\\[^\s"'<>]*/g, '[path withheld]'],
];

/**
 * SQL is withheld as a whole: a fragment of a statement says as much about the schema as all of
 * it. Keywords in capitals, as code writes statements, so prose ("select a period from…") passes.
 */
const sqlText =
  /\b(?:SELECT\b[\s\S]{1,400}?\bFROM|INSERT\s+INTO|UPDATE\s+[\w".]+\s+SET|DELETE\s+FROM|CREATE\s+(?:UNIQUE\s+)?(?:TABLE|INDEX)|ALTER\s+TABLE|DROP\s+TABLE)\b/;

/** The text with everything internal replaced by markers. */
export function withholdInternals(text: string): string {
  if (sqlText.test(text)) return '[internal detail withheld]';
  let out = text;
  for (const [pattern, marker] of withheld) out = out.replace(pattern, marker);
  return out;
}

/** A deep copy of a JSON value with every string passed through withholdInternals (keys are kept). */
export function redactInternals<T>(value: T): T {
  if (typeof value === 'string') return withholdInternals(value) as T;
  if (Array.isArray(value)) return value.map((v) => redactInternals(v)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, redactInternals(v)])) as T;
  }
  return value;
}

/** Operators see answers as they are; everyone else the same answer with internals withheld. */
export const viewFor = <T>(identity: Identity | undefined, value: T): T => (identity && hasRole(identity, 'operator') ? value : redactInternals(value));

/** The same patterns without the global flag, for a yes/no test that keeps no lastIndex between calls. */
const detectors = [sqlText, ...withheld.map(([pattern]) => new RegExp(pattern.source, pattern.flags.replace('g', '')))];

/** Verdicts for JSON texts seen recently: the reads that dominate answer the same text again and again. */
const verdicts = new Map<string, boolean>();
const maxVerdicts = 256;
const maxVerdictTextLength = 16 * 1024;

/**
 * Whether redactInternals could change the value of this JSON text. It cannot when the text has
 * no escape sequence (so every string in it appears in it verbatim) and no pattern matches
 * anywhere in it: a match inside a string would be a match in the whole text, as each boundary a
 * pattern tests (\b, a look-behind, an end) treats the string's quote as it treats the string's
 * end. Keys, numbers and punctuation can only make it answer yes more often. One scan of the text
 * costs a fraction of a walk through the parsed value with every pattern per string, and a text
 * seen recently costs a lookup.
 */
export function jsonMayHoldInternals(json: string): boolean {
  if (json.includes('\\')) return true;
  const cacheable = json.length <= maxVerdictTextLength;
  const known = cacheable ? verdicts.get(json) : undefined;
  if (known !== undefined) return known;
  const verdict = detectors.some((pattern) => pattern.test(json));
  if (cacheable) {
    if (verdicts.size >= maxVerdicts) verdicts.clear();
    verdicts.set(json, verdict);
  }
  return verdict;
}

/**
 * viewFor of the value of a JSON text (which must parse): the parsed value itself for operators
 * and for texts that hold nothing to withhold, a copy with internals withheld otherwise.
 */
export function viewOfJson(identity: Identity | undefined, json: string): unknown {
  const value: unknown = JSON.parse(json);
  return (identity && hasRole(identity, 'operator')) || !jsonMayHoldInternals(json) ? value : redactInternals(value);
}
