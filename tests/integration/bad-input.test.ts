import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConversation, createTeam, type SignedIn } from '../support/factories.js';
import { connectSocket, emitAck, type ClientSocket } from '../support/sockets.js';
import { startTestServer, type TestServer } from '../support/server.js';

let t: TestServer;
let alice: SignedIn;
let bob: SignedIn;
let conv: { id: string };
let socket: ClientSocket;

beforeAll(async () => {
  t = await startTestServer({ config: { MESSAGE_RATE_LIMIT: 30, MESSAGE_RATE_WINDOW_S: 600 } });
  ({ people: [alice, bob] } = await createTeam(t.url, 2));
  conv = await createConversation(alice, 'dm', [bob]);
  socket = await connectSocket(t.url, alice.token);
});
afterAll(async () => {
  socket.close();
  await t.stop();
});

async function history() {
  return (await alice.api.get(`/api/conversations/${conv.id}/messages`)).body.messages as { body: string }[];
}

describe('bad socket payloads', () => {
  const valid = () => ({ conversationId: conv.id, clientMsgId: `ok-${Math.random().toString(36).slice(2)}`, body: 'ok' });
  const cases: [string, () => unknown][] = [
    ['no payload', () => undefined],
    ['a string', () => 'hello'],
    ['missing body', () => ({ ...valid(), body: undefined })],
    ['numeric body', () => ({ ...valid(), body: 42 })],
    ['empty body after trimming', () => ({ ...valid(), body: '   \n ' })],
    ['10,001-character body', () => ({ ...valid(), body: 'あ'.repeat(10_001) })],
    ['bad conversation id', () => ({ ...valid(), conversationId: { $gt: '' } })],
    ['missing clientMsgId', () => ({ ...valid(), clientMsgId: undefined })],
    ['clientMsgId with odd characters', () => ({ ...valid(), clientMsgId: '$where:1==1' })],
  ];
  for (const [name, payload] of cases) {
    it(`answers bad_request for ${name} and stores nothing`, async () => {
      const ack = await emitAck(socket, 'message:send', payload());
      expect(ack.ok).toBe(false);
      expect(ack.error.code).toBe('bad_request');
      expect(await history()).toEqual([]);
    });
  }

  it('accepts exactly 10,000 characters', async () => {
    const ack = await emitAck(socket, 'message:send', { ...valid(), body: '漢'.repeat(10_000) });
    expect(ack.ok).toBe(true);
    expect([...ack.message.body].length).toBe(10_000);
  });

  it('answers bad_request for a wrongly typed read mark and keeps the mark', async () => {
    for (const payload of [{ conversationId: conv.id, seq: '5' }, { conversationId: conv.id, seq: -1 }, { conversationId: conv.id }]) {
      const ack = await emitAck(socket, 'conversation:read', payload);
      expect(ack.error.code).toBe('bad_request');
    }
    expect((await alice.api.get(`/api/conversations/${conv.id}`)).body.myLastReadSeq).toBe(0);
  });

  it('limits how fast one person can send (rate_limited), and the server keeps serving others', async () => {
    const { people: [fast, other] } = await createTeam(t.url, 2);
    const c = await createConversation(fast!, 'dm', [other!]);
    const s = await connectSocket(t.url, fast!.token);
    const acks = await Promise.all(
      Array.from({ length: 35 }, (_, i) => emitAck(s, 'message:send', { conversationId: c.id, clientMsgId: `burst-${i}-xx`, body: `${i}` })),
    );
    expect(acks.filter((a) => a.ok)).toHaveLength(30);
    expect(acks.filter((a) => !a.ok).every((a) => a.error.code === 'rate_limited')).toBe(true);
    const stored = (await fast!.api.get(`/api/conversations/${c.id}/messages?limit=200`)).body.messages;
    expect(stored.map((m: { seq: number }) => m.seq)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    const o = await connectSocket(t.url, other!.token);
    expect((await emitAck(o, 'message:send', { conversationId: c.id, clientMsgId: 'other-ok-1', body: '大丈夫' })).ok).toBe(true);
    s.close();
    o.close();
  });
});

describe('bad HTTP requests', () => {
  it('answers malformed JSON with bad_request', async () => {
    const res = await alice.api.request('POST', '/api/conversations', '{"kind": "dm",', { 'content-type': 'application/json' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('bad_request');
  });

  it('answers an oversized body with payload_too_large', async () => {
    const res = await alice.api.post('/api/conversations', { kind: 'group', memberIds: [bob.user.id], title: 'x'.repeat(100_000) });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('payload_too_large');
  });

  it('refuses wrong kinds, unknown fields and unknown members, creating nothing', async () => {
    const bodies = [
      { kind: 'meeting', memberIds: [bob.user.id] },
      { kind: 'dm', memberIds: [bob.user.id, alice.user.id] },
      { kind: 'group', memberIds: 'everyone' },
      { kind: 'group', memberIds: [bob.user.id], admin: true },
      { kind: 'channel', memberIds: [bob.user.id] },
    ];
    for (const body of bodies) {
      const res = await alice.api.post('/api/conversations', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('bad_request');
    }
    const unknown = await alice.api.post('/api/conversations', { kind: 'group', memberIds: ['bbbbbbbbbbbbbbbbbbbbbbbb'] });
    expect(unknown.status).toBe(404);
    expect((await alice.api.get('/api/conversations')).body).toHaveLength(1);
  });

  it('keeps serving after all of that', async () => {
    expect((await alice.api.get('/api/health')).status).toBe(200);
    expect((await emitAck(socket, 'message:send', { conversationId: conv.id, clientMsgId: 'still-alive', body: 'まだ動いています' })).ok).toBe(true);
  });
});
