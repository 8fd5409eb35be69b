import { beforeEach, describe, expect, test, vi } from 'vitest';
import type { Message } from '../../shared/schemas/conversations.js';

// The socket is replaced: each test decides whether it is connected and what the server answers.
const net = vi.hoisted(() => ({
  connected: true,
  answers: [] as Array<(payload: { clientMsgId: string; body: string; conversationId: string }) => unknown>,
  sent: [] as Array<{ clientMsgId: string; body: string }>,
}));
vi.mock('../../client/src/net/socket', () => ({
  isConnected: () => net.connected,
  emitSend: async (payload: { clientMsgId: string; body: string; conversationId: string }) => {
    net.sent.push({ clientMsgId: payload.clientMsgId, body: payload.body });
    const answer = net.answers.shift();
    return answer ? answer(payload) : { ok: false, error: { code: 'timeout', message: 'no answer' } };
  },
}));

const { appStore, initialState } = await import('../../client/src/app/state');
const { sendMessage, retryMessage, flushOutbox } = await import('../../client/src/composer/outbox');

const ME = 'a'.repeat(24);
const CONV = 'c'.repeat(24);
const stored = (payload: { clientMsgId: string; body: string }, seq = 1): Message => ({
  id: 'f'.repeat(24),
  conversationId: CONV,
  seq,
  senderId: ME,
  body: payload.body,
  clientMsgId: payload.clientMsgId,
  createdAt: '2025-04-01T00:00:00.000Z',
  mentions: [],
});
const tick = () => new Promise((r) => setTimeout(r, 0));

beforeEach(() => {
  net.connected = true;
  net.answers = [];
  net.sent = [];
  appStore.set(() => ({
    ...initialState(),
    me: { id: ME, loginId: 'me', staffNo: '1', name: '自分', nameKana: 'じぶん', departmentId: 'd'.repeat(24), role: 'staff' },
    threads: { [CONV]: { messages: [], hasMoreBefore: false, loadingOlder: false } },
  }));
});

describe('outgoing messages', () => {
  test('show at once as pending, then become the stored message', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    net.answers.push(async (p) => (await gate, { ok: true, message: stored(p) }));
    const id = sendMessage(CONV, 'こんにちは');
    expect(appStore.get().outbox[id]!.status).toBe('pending');
    release();
    await tick();
    await tick();
    expect(appStore.get().outbox[id]).toBeUndefined();
    expect(appStore.get().threads[CONV]!.messages.map((m) => m.body)).toEqual(['こんにちは']);
  });

  test('a refused send fails with the error; retry sends the same clientMsgId', async () => {
    net.answers.push(() => ({ ok: false, error: { code: 'rate_limited', message: 'slow down' } }));
    const id = sendMessage(CONV, '再送テスト');
    await tick();
    expect(appStore.get().outbox[id]!.status).toBe('failed');
    expect(appStore.get().outbox[id]!.error!.code).toBe('rate_limited');

    net.answers.push((p) => ({ ok: true, message: stored(p) }));
    retryMessage(id);
    await tick();
    expect(net.sent.map((s) => s.clientMsgId)).toEqual([id, id]);
    expect(appStore.get().outbox[id]).toBeUndefined();
  });

  test('while disconnected it stays pending, and the reconnect sends it with the same clientMsgId', async () => {
    net.connected = false;
    const id = sendMessage(CONV, 'オフライン中');
    await tick();
    expect(net.sent).toEqual([]);
    expect(appStore.get().outbox[id]!.status).toBe('pending');

    net.connected = true;
    net.answers.push((p) => ({ ok: true, message: stored(p) }));
    await flushOutbox();
    expect(net.sent).toEqual([{ clientMsgId: id, body: 'オフライン中' }]);
    expect(appStore.get().outbox[id]).toBeUndefined();
  });

  test('no answer because the connection dropped: still pending, not failed', async () => {
    net.answers.push(() => {
      net.connected = false;
      return { ok: false, error: { code: 'timeout', message: 'no acknowledgement' } };
    });
    const id = sendMessage(CONV, '途中で切断');
    await tick();
    expect(appStore.get().outbox[id]!.status).toBe('pending');
  });

  test('a late answer to an earlier attempt is ignored', async () => {
    let late!: () => void;
    const gate = new Promise<void>((r) => (late = r));
    net.answers.push(async () => (await gate, { ok: false, error: { code: 'timeout', message: 'late' } }));
    const id = sendMessage(CONV, '二度目で成功');
    await tick();
    net.answers.push((p) => ({ ok: true, message: stored(p) }));
    retryMessage(id);
    await tick();
    late();
    await tick();
    expect(appStore.get().outbox[id]).toBeUndefined();
    expect(appStore.get().threads[CONV]!.messages).toHaveLength(1);
  });
});
