import { isErrorCode, type ErrorBody, type ErrorCode } from '../../../shared/errors.js';
import { reportServerFine, reportServerTrouble } from './server-trouble';

/** A failed request: the server's error code (PROTOCOL.md), or `unavailable` for network failures. */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  /** With `rate_limited`: how many seconds the server asks us to wait. */
  readonly retryAfterS?: number;

  constructor(code: ErrorCode, status: number, message: string, retryAfterS?: number) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.status = status;
    if (retryAfterS !== undefined) this.retryAfterS = retryAfterS;
  }

  toBody(): ErrorBody {
    return { code: this.code, message: this.message };
  }
}

/** Called when any request answers 401: the session has ended (logout elsewhere, expiry). */
let onUnauthenticated: () => void = () => {};
export function setUnauthenticatedHandler(handler: () => void): void {
  onUnauthenticated = handler;
}

type Query = Record<string, string | number | undefined>;

function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

async function request<T>(method: string, path: string, body?: unknown, query?: Query): Promise<T> {
  let response: Response;
  try {
    response = await fetch(withQuery(path, query), {
      method,
      // The session is an HttpOnly cookie: nothing about it is kept by the client.
      credentials: 'same-origin',
      // Answers carry message text: never let the browser keep them in its disk cache, whatever
      // headers arrive (the terminal is shared).
      cache: 'no-store',
      // A file (a Blob) goes as it is, with its own type; anything else as JSON.
      headers:
        body === undefined
          ? { Accept: 'application/json' }
          : { 'Content-Type': body instanceof Blob ? body.type || 'application/octet-stream' : 'application/json', Accept: 'application/json' },
      body: body === undefined ? undefined : body instanceof Blob ? body : JSON.stringify(body),
    });
  } catch {
    throw new ApiError('unavailable', 0, 'network error');
  }
  // 503: the server is up but cannot serve now (its database is down): say so, keep the session.
  if (response.status === 503) reportServerTrouble();
  else if (response.ok) reportServerFine();
  if (response.status === 204) return undefined as T;
  const data: unknown = await response.json().catch(() => undefined);
  if (!response.ok) throw failedAnswer(path, response.status, response.statusText, data, response.headers.get('Retry-After'));
  return data as T;
}

/**
 * The error of an answer that is not ok (also for requests made without fetch: file uploads go
 * through XMLHttpRequest for their progress). A 401 ends the session here as everywhere.
 */
export function failedAnswer(path: string, status: number, statusText: string, data: unknown, retryAfter: string | null): ApiError {
  const error = (data as { error?: { code?: unknown; message?: unknown; retryAfterS?: unknown } } | undefined)?.error;
  const code: ErrorCode = isErrorCode(error?.code) ? error.code : status === 413 ? 'payload_too_large' : status >= 500 ? 'internal' : 'bad_request';
  // Only a real 401 ends the session; 503 (`unavailable`) never does.
  if (status === 401 && path !== '/api/auth/login') onUnauthenticated();
  const retryAfterS = typeof error?.retryAfterS === 'number' ? error.retryAfterS : Number(retryAfter) || undefined;
  return new ApiError(code, status, typeof error?.message === 'string' ? error.message : statusText, retryAfterS);
}

export const api = {
  get: <T>(path: string, query?: Query) => request<T>('GET', path, undefined, query),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, body ?? {}),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, body),
  delete: <T>(path: string) => request<T>('DELETE', path),
  put: <T>(path: string, body: unknown) => request<T>('PUT', path, body),
  /** POST a file as the whole body (e.g. a CSV), with query parameters. */
  upload: <T>(path: string, file: Blob, query?: Query) => request<T>('POST', path, file, query),
};
