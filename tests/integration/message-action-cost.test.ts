import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageSchema, type Message } from '../../shared/schemas/conversations.js';
import { acksAnswerSchema, messageUpdatedEventSchema } from '../../shared/schemas/message-actions.js';
import { createTeam, type SignedIn } from '../support/factories.js';
import { countCommands, seedGroups, seedPeople } from '../support/seed.js';
import { emitAck, EventLog, settle, type ClientSocket } from '../support/sockets.js';
import { startTestServer, type TestServer } from '../support/server.js';

// Message actions on a 500-member group cost a fixed number of database commands (one round trip
// per collection, never one per member), and a confirmation is not broadcast to all 500.

let t: TestServer;
let alice: SignedIn;
let bob: SignedIn;
let carol: SignedIn;
let aliceS: ClientSocket;
let bobS: ClientSocket;
let carolS: ClientSocket;
let groupId!: string;

beforeAll(async () => {
  // Conversation activity is written a moment after each send (CONVERSATION_ACTIVITY_FLUSH_MS); held
  // back here so that write never lands inside the window where an action's commands are counted.
  t = await startTestServer({ config: { CONVERSATION_ACTIVITY_FLUSH_MS: 60_000 } });
  const team = await createTeam(t.url, 3);
  [alice, bob, carol] = team.people as [SignedIn, SignedIn, SignedIn];
  const crowd = await seedPeople(t, team.department.id, 497);
  // Written straight into the database (creating a 500-member group is conversation-cost.test.ts's subject).
  [groupId] = await seedGroups(t, alice.user.id, [bob.user.id, carol.user.id, ...crowd], 1, () => '全庁連絡');
  expect((await alice.api.get(`/api/conversations/${groupId}`)).body.memberIds).toHaveLength(500);
  [aliceS, bobS, carolS] = await Promise.all([alice, bob, carol].map((p) => t.connect(p)));
});
afterAll(() => t.stop());

let n = 0;
async function send(extra: Record<string, unknown> = {}): Promise<Message> {
  n += 1;
  const ack = await emitAck(aliceS, 'message:send', { conversationId: groupId, clientMsgId: `cost-message-${n}`, body: `全員へ ${n}`, ...extra });
  expect(ack.ok, JSON.stringify(ack)).toBe(true);
  return messageSchema.parse(ack.message);
}

describe('message actions on a 500-member group', () => {
  it('a reaction is one command on messagechanges and one on messages', async () => {
    const message = await send();
    // Warm: this process has seen the membership (the send) and the message (its facts).
    const { result, commands } = await countCommands(t, () => emitAck(bobS, 'message:react', { messageId: message.id, reaction: 'stamp:ryokai', on: true }));
    expect(result.ok).toBe(true);
    expect(commands).toEqual(['findAndModify messagechanges', 'findAndModify messages']);
    const off = await countCommands(t, () => emitAck(bobS, 'message:react', { messageId: message.id, reaction: 'stamp:ryokai', on: false }));
    expect(off.commands).toEqual(['findAndModify messagechanges', 'findAndModify messages']);
  });

  it('a confirmation is one command per collection, goes to the sender and the confirmer only, and the list of who confirmed is one read', async () => {
    const ask = await send({ ackRequested: true });
    const aliceLog = new EventLog(aliceS, 'message:updated', messageUpdatedEventSchema);
    const carolLog = new EventLog(carolS, 'message:updated', messageUpdatedEventSchema);

    const { result, commands } = await countCommands(t, () => emitAck(bobS, 'message:ack', { messageId: ask.id }));
    expect(result.ok).toBe(true);
    expect(commands).toEqual(['insert messageacks', 'findAndModify messagechanges', 'findAndModify messages']);
    const again = await countCommands(t, () => emitAck(bobS, 'message:ack', { messageId: ask.id }));
    expect(again.commands).toEqual(['insert messageacks']); // refused by the unique index: nothing else

    await aliceLog.until((e) => e.some((x) => x.message.id === ask.id && x.message.ackCount === 1));
    await settle(carolS);
    expect(carolLog.events).toEqual([]);

    await alice.api.get('/api/me');
    const list = await countCommands(t, () => alice.api.get(`/api/messages/${ask.id}/acks`));
    const acks = acksAnswerSchema.parse(list.result.body);
    expect(acks.acked).toEqual([bob.user.id]);
    expect(acks.pending).toHaveLength(498);
    expect(list.commands).toEqual(['find messageacks']);

    const remind = await countCommands(t, () => emitAck(aliceS, 'message:remind', { messageId: ask.id }));
    expect(remind.result).toEqual({ ok: true, reminded: 498 });
    expect(remind.commands).toEqual(['find messageacks', 'findAndModify messages']);
  });
});
