import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConversation, createTeam, type SignedIn } from '../support/factories.js';
import { connectSocket, emitAck, type ClientSocket } from '../support/sockets.js';
import { startTestServer, type TestServer } from '../support/server.js';

// A lone surrogate cannot be stored as UTF-8: MongoDB would keep U+FFFD instead, so the
// acknowledgement would not equal what is stored and a retry would then conflict.
const LONE_HIGH = '\uD800';
const LONE_LOW = '\uDC00';

let t: TestServer;
let admin: SignedIn;
let alice: SignedIn;
let bob: SignedIn;
let departmentId: string;
let conv: { id: string };
let socket: ClientSocket;

beforeAll(async () => {
  t = await startTestServer();
  const team = await createTeam(t.url, 2);
  ({ admin, people: [alice, bob] } = team as typeof team & { people: [SignedIn, SignedIn] });
  departmentId = team.department.id;
  conv = await createConversation(alice, 'dm', [bob]);
  socket = await connectSocket(t.url, alice.token);
});
afterAll(async () => {
  socket.close();
  await t.stop();
});

const history = async () => (await alice.api.get(`/api/conversations/${conv.id}/messages`)).body.messages as { body: string; clientMsgId: string }[];

describe('text that is not well-formed Unicode is refused at the boundary', () => {
  it('refuses a message body with a lone surrogate, stores nothing, and lets the same clientMsgId be used for the corrected text', async () => {
    const clientMsgId = 'surrogate-retry-1';
    const bad = await emitAck(socket, 'message:send', { conversationId: conv.id, clientMsgId, body: `資料${LONE_HIGH}です` });
    expect(bad).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(await history()).toEqual([]);

    const good = await emitAck(socket, 'message:send', { conversationId: conv.id, clientMsgId, body: '資料です' });
    expect(good.ok).toBe(true);
    const again = await emitAck(socket, 'message:send', { conversationId: conv.id, clientMsgId, body: '資料です' });
    expect(again.message.id).toBe(good.message.id);
    expect((await history()).map((m) => m.body)).toEqual(['資料です']);
  });

  it('stores emoji and other astral characters (valid surrogate pairs) exactly as acknowledged', async () => {
    const body = '了解です👍🙇‍♀️𠮷野家';
    const ack = await emitAck(socket, 'message:send', { conversationId: conv.id, clientMsgId: 'astral-ok-1', body });
    expect(ack.ok).toBe(true);
    expect(ack.message.body).toBe(body);
    expect((await history()).at(-1)!.body).toBe(body);
  });

  it('refuses a lone surrogate in a status text', async () => {
    const ack = await emitAck(socket, 'presence:set', { statusText: `外出中${LONE_LOW}` });
    expect(ack).toMatchObject({ ok: false, error: { code: 'bad_request' } });
  });

  it('refuses a lone surrogate in a conversation title and creates nothing', async () => {
    const before = (await alice.api.get('/api/conversations')).body.length;
    const res = await alice.api.post('/api/conversations', { kind: 'group', memberIds: [bob.user.id], title: `会議${LONE_HIGH}` });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('bad_request');
    expect((await alice.api.get('/api/conversations')).body.length).toBe(before);
  });

  it('refuses a lone surrogate in a person\'s name and creates no account', async () => {
    const res = await admin.api.post('/api/admin/users', {
      loginId: 'surrogate-name',
      password: 'a-long-enough-passphrase',
      staffNo: 'S-SURR-1',
      name: `山田${LONE_LOW}`,
      nameKana: 'やまだ',
      departmentId,
      role: 'staff',
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('bad_request');
    expect((await admin.api.get('/api/users?q=surrogate-name')).body).toEqual([]);
  });
});
