import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { typingEventSchema } from '../../shared/schemas/conversations.js';
import { createConversation, createTeam, type SignedIn } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { EventLog, emitAck, settle, type ClientSocket } from '../support/sockets.js';
import { startStandinProcess, type StandinProcess } from './standin-process.js';

let standin: StandinProcess;
let t: TestServer;
let alice: SignedIn;
let bob: SignedIn;
let carol: SignedIn;

beforeAll(async () => {
  standin = await startStandinProcess();
  t = await startTestServer({ dbUri: standin.uri('typing') });
  const team = await createTeam(t.url, 3);
  [alice, bob, carol] = [team.people[0]!, team.people[1]!, team.people[2]!];
});
afterAll(async () => {
  await t?.stop();
  await standin?.stop();
});

describe('a typing flood', () => {
  it('relays a handful of 5,000 typing events to the other member, and another person’s send is still acknowledged', async () => {
    const dm = await createConversation(alice, 'dm', [bob]);
    const other = await createConversation(carol, 'dm', [bob]);
    const [a, b, c]: ClientSocket[] = [await t.connect(alice), await t.connect(bob), await t.connect(carol)];
    const seen = new EventLog(b, 'typing', typingEventSchema);

    for (let i = 0; i < 5_000; i++) a.emit('typing', { conversationId: dm.id, typing: true });
    const ack = await emitAck(c, 'message:send', { conversationId: other.id, clientMsgId: 'during-the-flood', body: '嵐の中の連絡' });
    expect(ack.ok).toBe(true);

    // The flood's first signal is relayed; then everything alice sent has been handled.
    await seen.until((events) => events.length >= 1);
    await settle(a);
    await settle(a);
    const relayed = seen.events.filter((e) => e.conversationId === dm.id);
    expect(relayed.length).toBeGreaterThanOrEqual(1);
    expect(relayed.length).toBeLessThanOrEqual(5);
    expect(relayed.every((e) => e.userId === alice.user.id && e.typing)).toBe(true);
  });

  it('lets "stopped typing" through after "typing", so the indicator clears', async () => {
    const group = await createConversation(alice, 'group', [bob, carol], '入力中の表示');
    const [a, b] = [await t.connect(alice), await t.connect(bob)];
    const seen = new EventLog(b, 'typing', typingEventSchema);
    a.emit('typing', { conversationId: group.id, typing: true });
    a.emit('typing', { conversationId: group.id, typing: false });
    const events = await seen.until((es) => es.length >= 2);
    expect(events.map((e) => e.typing)).toEqual([true, false]);
  });
});
