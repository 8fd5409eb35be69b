import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageNewEventSchema } from '../../shared/schemas/conversations.js';
import { createConversation, createTeam, type SignedIn } from '../support/factories.js';
import { connectSocket, emitAck, EventLog, type ClientSocket } from '../support/sockets.js';
import { startTestServer, type TestServer } from '../support/server.js';

let t: TestServer;
let people: SignedIn[];
const sockets: ClientSocket[] = [];

beforeAll(async () => {
  t = await startTestServer();
  ({ people } = await createTeam(t.url, 20));
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await t.stop();
});

describe('ordering under load', () => {
  it('numbers 1,000 concurrent messages from 20 clients exactly 1..1000, each stored once', async () => {
    const [creator, ...others] = people;
    const conv = await createConversation(creator!, 'group', others, '一斉送信');
    for (const p of people) sockets.push(await connectSocket(t.url, p.token));
    const watcher = new EventLog(sockets[0]!, 'message:new', messageNewEventSchema);

    const acks = await Promise.all(
      sockets.flatMap((s, client) =>
        Array.from({ length: 50 }, (_, i) =>
          emitAck(s, 'message:send', { conversationId: conv.id, clientMsgId: `load-${client}-${i}`, body: `送信者${client} の ${i} 番目` }),
        ),
      ),
    );
    expect(acks.every((a) => a.ok)).toBe(true);
    const ackedSeqs = acks.map((a) => a.message.seq).sort((a, b) => a - b);
    expect(ackedSeqs).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));

    const stored: { seq: number; clientMsgId: string }[] = [];
    let after = 0;
    for (;;) {
      const page = await people[0]!.api.get(`/api/conversations/${conv.id}/messages?after=${after}&limit=200`);
      stored.push(...page.body.messages);
      if (!page.body.hasMore) break;
      after = stored[stored.length - 1]!.seq;
    }
    expect(stored.map((m) => m.seq)).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
    expect(new Set(stored.map((m) => m.clientMsgId)).size).toBe(1000);

    // A watching member received every message once, in seq order.
    const events = await watcher.until((e) => e.length >= 1000);
    expect(events.map((e) => e.message.seq)).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
  });
});
