import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTeam, type SignedIn } from '../support/factories.js';
import { PresenceLog, watch } from '../support/presence.js';
import { connectSocket, emitAck, type ClientSocket } from '../support/sockets.js';
import { startTestServer, type TestServer } from '../support/server.js';

// A long window, so that everything below happens inside one.
let t: TestServer;
const sockets: ClientSocket[] = [];

beforeAll(async () => {
  t = await startTestServer({ config: { PRESENCE_COALESCE_MS: 3000 } });
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await t.stop();
});

describe('coalescing', () => {
  it('turns a burst of changes by one person into one event with the final presence', async () => {
    const { people: [watcher, p] } = (await createTeam(t.url, 2)) as { people: SignedIn[] };
    const w = await connectSocket(t.url, watcher!.token);
    sockets.push(w);
    const log = new PresenceLog(w);
    await log.until((e) => e.some((x) => x.userId === watcher!.user.id));
    await watch(w, [p!.user.id]);

    const tabs = [await connectSocket(t.url, p!.token), await connectSocket(t.url, p!.token)];
    sockets.push(...tabs);
    await emitAck(tabs[0]!, 'presence:set', { availability: 'in_meeting' });
    await emitAck(tabs[1]!, 'presence:set', { statusText: '会議中 (15時まで)' });
    await p!.api.post('/api/telework/sessions', {});

    const events = await log.until((e) => e.some((x) => x.userId === p!.user.id));
    // A round trip of the whole window later, still exactly one event for p.
    await new Promise((r) => setTimeout(r, 3500));
    const mine = log.events.filter((e) => e.userId === p!.user.id);
    expect(mine).toHaveLength(1);
    expect(mine[0]!.presence).toMatchObject({ state: 'teleworking', availability: 'in_meeting', statusText: '会議中 (15時まで)' });
    expect(events.length).toBeGreaterThan(0);
  });
});
