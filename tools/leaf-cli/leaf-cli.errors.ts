/**
 * Exit codes are the CLI's contract with scripts (documented in the README's CLI section): a
 * script branches on them, so a code never changes meaning.
 */
export const exitCodes = {
  ok: 0,
  /** The API refused the operation (400, 409, 5xx …), or the operation itself failed (a failed run or task, a sha256 mismatch). */
  failed: 1,
  usage: 2,
  /** 401 or 403: no token, a bad or expired one, or a role too small. */
  auth: 3,
  notFound: 4,
  /** The gateway did not answer: refused, unknown host, reset, timed out. */
  network: 5,
} as const;
export type ExitCode = (typeof exitCodes)[keyof typeof exitCodes];

/** Every error the CLI reports: one line on stderr (`error …`) and an exit code, never a stack. */
export class CliError extends Error {
  constructor(
    readonly exitCode: ExitCode,
    /** The whole line as printed, without the leading `error `. */
    readonly line: string,
    options?: { cause?: unknown },
  ) {
    super(line, options);
    this.name = new.target.name;
  }
}

/** Bad arguments; nothing was sent. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(exitCodes.usage, `usage: ${message}`);
  }
}

/** A problem+json answer (or any other error status) from the API. */
export class ApiError extends CliError {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
  ) {
    super(exitCodeOfStatus(status), `${status} ${code}: ${detail}`);
  }
}

/** The gateway could not be reached or did not answer in time. */
export class NetworkError extends CliError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(exitCodes.network, `network: ${message}`, options);
  }
}

/** The API answered, but what it reported is a failure: a failed run or task, a bad download, an answer off contract. */
export class OperationError extends CliError {
  constructor(
    readonly code: string,
    detail: string,
  ) {
    super(exitCodes.failed, `${code}: ${detail}`);
  }
}

export function exitCodeOfStatus(status: number): ExitCode {
  if (status === 401 || status === 403) return exitCodes.auth;
  if (status === 404) return exitCodes.notFound;
  return exitCodes.failed;
}

export const isCliError = (e: unknown): e is CliError => e instanceof CliError;
