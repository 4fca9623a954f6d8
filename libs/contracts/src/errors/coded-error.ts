/**
 * The base of every library's typed error: a stable string `code` callers branch on, a message
 * for humans, and the original `cause` kept. Each library declares its codes and a subclass.
 */
export abstract class CodedError<Code extends string> extends Error {
  constructor(
    readonly code: Code,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** `isXError(value, code?)` for a CodedError subclass. */
export function codedErrorGuard<E extends CodedError<string>>(type: abstract new (...args: never[]) => E) {
  return (value: unknown, code?: E['code']): value is E => value instanceof type && (code === undefined || value.code === code);
}
