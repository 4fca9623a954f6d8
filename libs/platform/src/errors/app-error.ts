import { errorCodes, type ErrorCode } from '@leaf/contracts';

export interface FieldError {
  path: string;
  message: string;
}

/**
 * An error a service means to show its caller: a stable `code` from the contracts catalogue, a
 * detail safe to return, optional field errors, and the original `cause` kept for the logs.
 */
export class AppError extends Error {
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    readonly detail: string,
    options: { cause?: unknown; errors?: FieldError[] } = {},
  ) {
    super(detail, { cause: options.cause });
    this.name = 'AppError';
    this.status = errorCodes[code].status;
    this.errors = options.errors;
  }

  readonly errors?: FieldError[];
}

export const isAppError = (e: unknown): e is AppError => e instanceof AppError;
