import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { startChildServer, type ChildServer } from '../support/child-server.js';
import { testDbUri } from '../support/database.js';
import { createConversation, createTeam, login } from '../support/factories.js';
import { connectSocket, emitAck, type ClientSocket } from '../support/sockets.js';
import { startTestServer } from '../support/server.js';

const cleanup: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const fn of cleanup.reverse()) await fn();
});

async function allMessages(api: { get(path: string): Promise<{ body: any }> }, conversationId: string) {
  const out: { id: string; seq: number; clientMsgId: string }[] = [];
  for (let after = 0; ; ) {
    const page = await api.get(`/api/conversations/${conversationId}/messages?after=${after}&limit=200`);
    out.push(...page.body.messages);
    if (!page.body.hasMore) return out;
    after = out[out.length - 1]!.seq;
  }
}

describe('durability', () => {
  it('keeps users, sessions, conversations and messages across a restart of the server', async () => {
    const first = await startTestServer();
    const { people: [alice, bob] } = await createTeam(first.url, 2);
    const conv = await createConversation(alice!, 'dm', [bob!]);
    const s = await connectSocket(first.url, alice!.token);
    await emitAck(s, 'message:send', { conversationId: conv.id, clientMsgId: 'before-restart', body: '再起動の前' });
    s.close();
    await first.stop();

    const second = await startTestServer({ dbUri: first.dbUri });
    cleanup.push(() => second.stop());
    const again = await login(second.url, bob!.user.loginId, bob!.password);
    const list = await again.api.get('/api/conversations');
    expect(list.body.map((c: { id: string }) => c.id)).toEqual([conv.id]);
    expect(list.body[0].unreadCount).toBe(1);
    const history = await again.api.get(`/api/conversations/${conv.id}/messages`);
    expect(history.body.messages.map((m: { body: string }) => m.body)).toEqual(['再起動の前']);
    // The old session token still works: sessions live in the database.
    const viaNew = await fetch(`${second.url}/api/me`, { headers: { authorization: `Bearer ${alice!.token}` } });
    expect(viaNew.status).toBe(200);
  });

  it('starts two server processes at once on an empty database, with one admin', async () => {
    const dbUri = testDbUri(`boot_${randomUUID().slice(0, 8)}`);
    const [x, y] = await Promise.all([startTestServer({ dbUri }), startTestServer({ dbUri })]);
    cleanup.push(() => x.stop(), () => y.stop());
    const admin = await login(x.url, 'admin', 'kanrisha-pw-2026');
    const admins = (await admin.api.get('/api/users?q=admin')).body.filter((u: { role: string }) => u.role === 'admin');
    expect(admins).toHaveLength(1);
  });

  it('leaves no hole and no double in seq when the server process is killed in the middle of sends', async () => {
    const dbUri = testDbUri(`crash_${randomUUID().slice(0, 8)}`);
    const a: ChildServer = await startChildServer(dbUri);
    const { people } = await createTeam(a.url, 3);
    const conv = await createConversation(people[0]!, 'group', people.slice(1), '障害試験');
    const sockets: ClientSocket[] = [];
    for (const p of people) sockets.push(await connectSocket(a.url, p.token));

    const payloads = sockets.flatMap((s, client) =>
      Array.from({ length: 100 }, (_, i) => ({ s, client, payload: { conversationId: conv.id, clientMsgId: `crash-${client}-${i}`, body: `障害 ${client}-${i}` } })),
    );
    const acked = new Map<string, { id: string; seq: number }>();
    let killed: Promise<void> | undefined;
    await Promise.all(
      payloads.map(({ s, payload }) =>
        new Promise<void>((resolve) => {
          s.once('disconnect', () => resolve());
          s.emit('message:send', payload, (ack: any) => {
            if (ack.ok) acked.set(payload.clientMsgId, ack.message);
            if (acked.size >= 60 && !killed) killed = a.kill();
            resolve();
          });
        }),
      ),
    );
    await killed;
    expect(acked.size).toBeGreaterThanOrEqual(60);
    expect(acked.size).toBeLessThan(300);

    const b = await startChildServer(dbUri);
    cleanup.push(() => b.stop());
    const reader = await login(b.url, people[0]!.user.loginId, people[0]!.password);
    const afterCrash = await allMessages(reader.api, conv.id);
    expect(afterCrash.map((m) => m.seq)).toEqual(afterCrash.map((_, i) => i + 1));
    for (const [clientMsgId, message] of acked) {
      expect(afterCrash.find((m) => m.clientMsgId === clientMsgId)).toMatchObject({ id: message.id, seq: message.seq });
    }

    // Every client retries what it never saw acknowledged, with the same clientMsgId.
    const retrySockets = await Promise.all(people.map((p) => connectSocket(b.url, p.token)));
    cleanup.push(() => retrySockets.forEach((s) => s.close()));
    for (const { client, payload } of payloads) {
      if (acked.has(payload.clientMsgId)) continue;
      const ack = await emitAck(retrySockets[client]!, 'message:send', payload);
      expect(ack.ok).toBe(true);
    }
    const final = await allMessages(reader.api, conv.id);
    expect(final.map((m) => m.seq)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
    expect(new Set(final.map((m) => m.clientMsgId)).size).toBe(300);
  });
});
