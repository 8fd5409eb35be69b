import { parse as parseCookie } from 'cookie';

export const SESSION_COOKIE = 'sid';

/** The session token of a request or handshake: the cookie, or `Authorization: Bearer <token>`. */
export function tokenFrom(headers: { cookie?: string; authorization?: string }, explicit?: unknown): string | undefined {
  if (typeof explicit === 'string' && explicit) return explicit;
  const auth = headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice('Bearer '.length).trim() || undefined;
  if (headers.cookie) return parseCookie(headers.cookie)[SESSION_COOKIE] || undefined;
  return undefined;
}
