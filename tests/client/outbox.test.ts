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

  test('a late answer from before a reconnect is ignored: the resend owns the message', async () => {
    let late!: () => void;
    const gate = new Promise<void>((r) => (late = r));
    net.answers.push(async () => (await gate, { ok: false, error: { code: 'timeout', message: 'late' } }));
    const id = sendMessage(CONV, '二度目で成功');
    await tick();
    // The connection is replaced while the first attempt still waits for its answer.
    net.answers.push((p) => ({ ok: true, message: stored(p) }));
    await flushOutbox();
    late();
    await tick();
    expect(net.sent.map((s) => s.clientMsgId)).toEqual([id, id]);
    expect(appStore.get().outbox[id]).toBeUndefined();
    expect(appStore.get().threads[CONV]!.messages).toHaveLength(1);
  });
});

describe('the order of outgoing messages', () => {
  const answerInOrder = () => {
    let seq = 0;
    return (p: { clientMsgId: string; body: string }) => ({ ok: true, message: stored(p, ++seq) });
  };

  test('what was written offline goes out on reconnect in the order written, before anything typed after it', async () => {
    net.connected = false;
    sendMessage(CONV, 'オフライン中 1');
    sendMessage(CONV, 'オフライン中 2');
    await tick();
    expect(net.sent).toEqual([]);

    net.connected = true;
    const answer = answerInOrder();
    for (let i = 0; i < 3; i++) net.answers.push(answer);
    const flushed = flushOutbox();
    sendMessage(CONV, '再接続直後に入力');
    await flushed;
    await tick();
    expect(net.sent.map((s) => s.body)).toEqual(['オフライン中 1', 'オフライン中 2', '再接続直後に入力']);
    expect(appStore.get().outbox).toEqual({});
    expect(appStore.get().threads[CONV]!.messages.map((m) => m.body)).toEqual(['オフライン中 1', 'オフライン中 2', '再接続直後に入力']);
  });

  test('one message is on the wire at a time: the next waits for the answer to the one before', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    net.answers.push(async (p) => (await gate, { ok: true, message: stored(p, 1) }));
    net.answers.push((p) => ({ ok: true, message: stored(p, 2) }));
    sendMessage(CONV, '一通目');
    const second = sendMessage(CONV, '二通目');
    await tick();
    expect(net.sent.map((s) => s.body)).toEqual(['一通目']);
    expect(appStore.get().outbox[second]!.status).toBe('pending');
    release();
    await tick();
    await tick();
    expect(net.sent.map((s) => s.body)).toEqual(['一通目', '二通目']);
    expect(appStore.get().outbox).toEqual({});
  });

  test('a reconnect with nothing to send leaves the queue ready for the next message', async () => {
    await flushOutbox();
    net.answers.push((p) => ({ ok: true, message: stored(p, 1) }));
    const id = sendMessage(CONV, '次の一通');
    await tick();
    expect(net.sent.map((s) => s.body)).toEqual(['次の一通']);
    expect(appStore.get().outbox[id]).toBeUndefined();
  });

  test('a failed message does not hold up the ones after it, and its retry goes out once', async () => {
    net.answers.push(() => ({ ok: false, error: { code: 'rate_limited', message: 'slow down' } }));
    net.answers.push((p) => ({ ok: true, message: stored(p, 1) }));
    const failed = sendMessage(CONV, '失敗する');
    sendMessage(CONV, '届く');
    await tick();
    await tick();
    expect(appStore.get().outbox[failed]!.status).toBe('failed');
    expect(Object.keys(appStore.get().outbox)).toEqual([failed]);

    net.answers.push((p) => ({ ok: true, message: stored(p, 2) }));
    retryMessage(failed);
    await tick();
    expect(net.sent.map((s) => s.body)).toEqual(['失敗する', '届く', '失敗する']);
    expect(appStore.get().outbox).toEqual({});
  });
});
