/**
 * The one error model of PROTOCOL.md: every failure carries one of these codes.
 * Server code throws `AppError`; one function maps it to an HTTP response, one to a socket
 * acknowledgement. The client reads the same codes.
 */
export const ERROR_STATUS = {
  bad_request: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  license_exhausted: 409,
  payload_too_large: 413,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  /** With `rate_limited` (and the HTTP `Retry-After` header): seconds to wait before trying again. */
  retryAfterS?: number;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly retryAfterS?: number;

  constructor(code: ErrorCode, message: string, details: { retryAfterS?: number } = {}) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.status = ERROR_STATUS[code];
    if (details.retryAfterS !== undefined) this.retryAfterS = details.retryAfterS;
  }

  toJSON(): ErrorBody {
    return {
      code: this.code,
      message: this.message,
      ...(this.retryAfterS !== undefined ? { retryAfterS: this.retryAfterS } : {}),
    };
  }
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(ERROR_STATUS, value);
}
