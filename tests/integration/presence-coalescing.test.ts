import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTeam, type SignedIn } from '../support/factories.js';
import { PresenceLog, watch } from '../support/presence.js';
import { connectSocket, emitAck, settle, type ClientSocket } from '../support/sockets.js';
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

  it('does not push a change to a socket whose watch answer already showed it, and pushes the next one', async () => {
    const { people: [early, late, p] } = (await createTeam(t.url, 3)) as { people: SignedIn[] };
    // `early` watches p before p comes online; `late` watches p after, inside the same window.
    const e = await connectSocket(t.url, early!.token);
    sockets.push(e);
    const earlyLog = new PresenceLog(e);
    await watch(e, [p!.user.id]);
    const pSocket = await connectSocket(t.url, p!.token);
    sockets.push(pSocket);
    const l = await connectSocket(t.url, late!.token);
    sockets.push(l);
    const lateLog = new PresenceLog(l);
    const answered = await watch(l, [p!.user.id]);
    expect(answered.get(p!.user.id)).toMatchObject({ state: 'in_office' });
    // Still inside the window (else this test would show nothing about skipping).
    expect(earlyLog.of(p!.user.id)).toEqual([]);

    // The window's push reaches `early`, who had read p as offline…
    await earlyLog.until((ev) => ev.some((x) => x.userId === p!.user.id));
    expect(earlyLog.last(p!.user.id)).toMatchObject({ state: 'in_office' });
    await settle(l);
    // …but not `late`, whose answer already showed it. Its own person still reaches it (not asked for).
    expect(lateLog.of(p!.user.id)).toEqual([]);
    await lateLog.until((ev) => ev.some((x) => x.userId === late!.user.id));

    // A change after its watch does reach it.
    await emitAck(pSocket, 'presence:set', { availability: 'busy' });
    await lateLog.until(() => lateLog.last(p!.user.id)?.availability === 'busy');
    expect(lateLog.of(p!.user.id)).toHaveLength(1);
  });
});
