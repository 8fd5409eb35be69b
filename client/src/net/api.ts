import { isErrorCode, type ErrorBody, type ErrorCode } from '../../../shared/errors.js';

/** A failed request: the server's error code (PROTOCOL.md), or `unavailable` for network failures. */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly status: number;

  constructor(code: ErrorCode, status: number, message: string) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.status = status;
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
      headers: body === undefined ? { Accept: 'application/json' } : { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError('unavailable', 0, 'network error');
  }
  if (response.status === 204) return undefined as T;
  const data: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    const error = (data as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
    const code: ErrorCode = isErrorCode(error?.code) ? error.code : response.status >= 500 ? 'internal' : 'bad_request';
    if (response.status === 401 && path !== '/api/auth/login') onUnauthenticated();
    throw new ApiError(code, response.status, typeof error?.message === 'string' ? error.message : response.statusText);
  }
  return data as T;
}

export const api = {
  get: <T>(path: string, query?: Query) => request<T>('GET', path, undefined, query),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, body ?? {}),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, body),
  delete: <T>(path: string) => request<T>('DELETE', path),
};
