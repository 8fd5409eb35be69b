import { afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import { signInErrorText } from '../../client/src/auth/SignIn';
import { loadDictionary, translate } from '../../client/src/i18n/i18n';
import { api, ApiError, setUnauthenticatedHandler } from '../../client/src/net/api';
import { hasServerTrouble } from '../../client/src/net/server-trouble';

// English is loaded on demand in the app; these checks read both dictionaries.
beforeAll(() => loadDictionary('en'));

afterEach(() => {
  vi.unstubAllGlobals();
  setUnauthenticatedHandler(() => {});
});

function answer(status: number, body?: unknown, headers: Record<string, string> = {}) {
  vi.stubGlobal('fetch', async () => new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } }));
}

describe('the web client when the server cannot serve', () => {
  test('a 503 keeps the person signed in and raises the server-trouble banner; the next good answer clears it', async () => {
    const signedOut = vi.fn();
    setUnauthenticatedHandler(signedOut);
    answer(503, { error: { code: 'unavailable', message: 'the database is not answering' } });
    await expect(api.get('/api/me')).rejects.toMatchObject({ code: 'unavailable', status: 503 });
    expect(signedOut).not.toHaveBeenCalled();
    expect(hasServerTrouble()).toBe(true);

    answer(200, { user: {} });
    await api.get('/api/me');
    expect(hasServerTrouble()).toBe(false);
  });

  test('only a 401 ends the session', async () => {
    const signedOut = vi.fn();
    setUnauthenticatedHandler(signedOut);
    answer(401, { error: { code: 'unauthenticated', message: 'session expired or signed out' } });
    await expect(api.get('/api/me')).rejects.toMatchObject({ code: 'unauthenticated' });
    expect(signedOut).toHaveBeenCalledTimes(1);
  });

  test('a refused sign-in says how many minutes to wait, in Japanese and English', async () => {
    answer(429, { error: { code: 'rate_limited', message: 'too many failed sign-ins', retryAfterS: 600 } }, { 'Retry-After': '600' });
    const err = await api.post('/api/auth/login', { loginId: 'x', password: 'y' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).retryAfterS).toBe(600);
    expect(signInErrorText(err, (key, params) => translate('ja', key, params))).toContain('あと10分で再試行できます');
    expect(signInErrorText(err, (key, params) => translate('en', key, params))).toContain('Try again in 10 min');
    const soon = new ApiError('rate_limited', 429, 'x', 5);
    expect(signInErrorText(soon, (key, params) => translate('ja', key, params))).toContain('あと1分で');
  });
});
