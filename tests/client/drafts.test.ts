// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { clearDraft, clearDrafts, flushDraft, loadDraft, peekDraft, saveDraft } from '../../client/src/composer/drafts';

// Drafts live on the server (issue 9): typing is saved after a pause, sending clears it at once,
// and nothing is ever written to the browser's storage.

interface Call {
  method: string;
  url: string;
  body?: string;
}
let calls: Call[];
let stored: Record<string, string>;

beforeEach(() => {
  vi.useFakeTimers();
  calls = [];
  stored = {};
  vi.stubGlobal('fetch', async (url: string, init: RequestInit = {}) => {
    const method = init.method ?? 'GET';
    calls.push({ method, url, ...(init.body ? { body: String(init.body) } : {}) });
    const id = url.split('/')[3]!;
    if (method === 'PUT') {
      stored[id] = JSON.parse(String(init.body)).body;
      return new Response(null, { status: 204 });
    }
    return new Response(JSON.stringify({ body: stored[id] ?? '' }), { status: 200, headers: { 'Content-Type': 'application/json' } });
  });
  localStorage.clear();
  sessionStorage.clear();
});
afterEach(() => {
  clearDrafts();
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

const puts = () => calls.filter((c) => c.method === 'PUT');

describe('drafts', () => {
  test('typing is saved once the person pauses, with the last text only', async () => {
    saveDraft('aaaaaaaaaaaaaaaaaaaaaaaa', '明');
    saveDraft('aaaaaaaaaaaaaaaaaaaaaaaa', '明日');
    saveDraft('aaaaaaaaaaaaaaaaaaaaaaaa', '明日の会議');
    expect(puts()).toEqual([]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(puts()).toEqual([{ method: 'PUT', url: '/api/conversations/aaaaaaaaaaaaaaaaaaaaaaaa/draft', body: JSON.stringify({ body: '明日の会議' }) }]);
    expect(peekDraft('aaaaaaaaaaaaaaaaaaaaaaaa')).toBe('明日の会議');
  });

  test('sending clears the draft on the server at once, and a pending save does not bring it back', async () => {
    saveDraft('bbbbbbbbbbbbbbbbbbbbbbbb', '送る文');
    clearDraft('bbbbbbbbbbbbbbbbbbbbbbbb');
    await vi.advanceTimersByTimeAsync(2000);
    expect(puts().map((c) => c.body)).toEqual([JSON.stringify({ body: '' })]);
    expect(stored.bbbbbbbbbbbbbbbbbbbbbbbb).toBe('');
  });

  test('a stored draft is loaded from the server; text typed here and not yet saved wins', async () => {
    stored.cccccccccccccccccccccccc = '別の端末で書いた';
    expect(await loadDraft('cccccccccccccccccccccccc')).toBe('別の端末で書いた');
    saveDraft('cccccccccccccccccccccccc', 'ここで書き直し');
    expect(await loadDraft('cccccccccccccccccccccccc')).toBe('ここで書き直し');
    await flushDraft('cccccccccccccccccccccccc');
    expect(stored.cccccccccccccccccccccccc).toBe('ここで書き直し');
  });

  test('nothing is kept in the browser: no storage, and sign-out forgets what this tab held', async () => {
    saveDraft('dddddddddddddddddddddddd', '秘密の下書き');
    await vi.advanceTimersByTimeAsync(1000);
    expect(localStorage.length).toBe(0);
    expect(sessionStorage.length).toBe(0);
    clearDrafts();
    expect(peekDraft('dddddddddddddddddddddddd')).toBeUndefined();
  });
});
