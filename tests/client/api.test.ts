import { afterEach, describe, expect, test, vi } from 'vitest';
import { api } from '../../client/src/net/api';

afterEach(() => {
  vi.unstubAllGlobals();
});

function recordFetch(): RequestInit[] {
  const calls: RequestInit[] = [];
  vi.stubGlobal('fetch', async (_url: string, init: RequestInit) => {
    calls.push(init);
    return new Response(JSON.stringify({ messages: [], hasMore: false }), { status: 200, headers: { 'Content-Type': 'application/json' } });
  });
  return calls;
}

describe('requests to the API', () => {
  test('ask the browser never to store the answer (message text) in its cache, whatever the server sends', async () => {
    const calls = recordFetch();
    await api.get('/api/conversations/c1/messages', { limit: 50 });
    await api.post('/api/telework/sessions', {});
    expect(calls.map((init) => init.cache)).toEqual(['no-store', 'no-store']);
  });
});
