import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversationNewEventSchema } from '../../shared/schemas/conversations.js';
import { createTeam, type SignedIn } from '../support/factories.js';
import { EventLog, settle } from '../support/sockets.js';
import { startTestServer, type TestServer } from '../support/server.js';

// Issue 8 item 8 (a): one person cannot flood colleagues with conversations.

let t: TestServer;
let spammer: SignedIn;
let victim: SignedIn;
let other: SignedIn;

beforeAll(async () => {
  t = await startTestServer({ config: { CONVERSATION_CREATE_LIMIT: 3, CONVERSATION_CREATE_WINDOW_S: 600 } });
  ({ people: [spammer, victim, other] } = await createTeam(t.url, 3));
});
afterAll(async () => {
  await t.stop();
});

describe('creating conversations', () => {
  it('past CONVERSATION_CREATE_LIMIT is rate_limited and creates nothing; an existing dm still comes back', async () => {
    const socket = await t.connect(victim);
    const announced = new EventLog(socket, 'conversation:new', conversationNewEventSchema);
    const group = (n: number) => spammer.api.post('/api/conversations', { kind: 'group', memberIds: [victim.user.id], title: `会議 ${n}` });

    expect((await spammer.api.post('/api/conversations', { kind: 'dm', memberIds: [victim.user.id] })).status).toBe(201);
    expect((await group(1)).status).toBe(201);
    expect((await group(2)).status).toBe(201);

    // Asking again for an existing dm creates nothing, so it does not count and is not refused.
    const dmAgain = await spammer.api.post('/api/conversations', { kind: 'dm', memberIds: [victim.user.id] });
    expect(dmAgain.status).toBe(200);

    const refused = await group(3);
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('rate_limited');
    const refusedDm = await spammer.api.post('/api/conversations', { kind: 'dm', memberIds: [other.user.id] });
    expect(refusedDm.status).toBe(429);

    await settle(socket);
    expect(announced.events).toHaveLength(3);
    expect((await victim.api.get('/api/conversations')).body).toHaveLength(3);
    expect(await t.server.services.conn.collection('conversations').countDocuments({})).toBe(3);

    // The limit is the creator's own: the victim can still create.
    expect((await victim.api.post('/api/conversations', { kind: 'group', memberIds: [other.user.id], title: '本物' })).status).toBe(201);
  });
});
