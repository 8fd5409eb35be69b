import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { presenceSchema, type PresenceEvent } from '../../shared/schemas/presence.js';
import { createTeam, type SignedIn } from '../support/factories.js';
import { PresenceLog, watch } from '../support/presence.js';
import { connectSocket, emitAck, type ClientSocket } from '../support/sockets.js';
import { startTestServer, type TestServer } from '../support/server.js';

// Short grace, idle and coalescing periods so the test runs in seconds.
const config = { PRESENCE_GRACE_S: 1, IDLE_AWAY_S: 1, PRESENCE_COALESCE_MS: 100 };
let t: TestServer;
let watcher: SignedIn;
let watcherSocket: ClientSocket;
let log: PresenceLog;
const sockets: ClientSocket[] = [];
/** The watcher shows every person these tests create (PROTOCOL.md `presence:watch`). */
const watched: string[] = [];

beforeAll(async () => {
  t = await startTestServer({ config });
  ({ people: [watcher] } = await createTeam(t.url, 1));
  watcherSocket = await connectSocket(t.url, watcher.token);
  log = new PresenceLog(watcherSocket);
});
afterAll(async () => {
  for (const s of [watcherSocket, ...sockets]) s.close();
  await t.stop();
});

async function person() {
  const { people: [p] } = await createTeam(t.url, 1);
  watched.push(p!.user.id);
  await watch(watcherSocket, watched);
  return p!;
}
async function open(who: SignedIn) {
  const s = await connectSocket(t.url, who.token);
  sockets.push(s);
  return s;
}
const of = (userId: string) => (events: PresenceEvent[]) => events.filter((e) => e.userId === userId);
const last = (userId: string) => log.last(userId);
async function presenceViaApi(who: SignedIn) {
  const users = (await watcher.api.get(`/api/users?q=${who.user.loginId}`)).body;
  return presenceSchema.parse(users[0].presence);
}

describe('presence follows telework and connections', () => {
  it('telework start makes a colleague see "teleworking"; end gives "in_office" while connected', async () => {
    const p = await person();
    await open(p);
    await log.until((e) => of(p.user.id)(e).some((x) => x.presence.state === 'in_office'));
    const session = (await p.api.post('/api/telework/sessions', {})).body;
    await log.until(() => last(p.user.id)?.state === 'teleworking');
    expect(last(p.user.id)!.teleworkSince).toBe(session.startedAt);
    await p.api.post(`/api/telework/sessions/${session.id}/end`);
    await log.until(() => last(p.user.id)?.state === 'in_office');
    expect(last(p.user.id)!.teleworkSince).toBeUndefined();
  });

  it('telework end without a connection gives "offline"; teleworking holds without a chat connection', async () => {
    const p = await person();
    const session = (await p.api.post('/api/telework/sessions', {})).body;
    await log.until(() => last(p.user.id)?.state === 'teleworking');
    expect((await presenceViaApi(p)).state).toBe('teleworking');
    await p.api.post(`/api/telework/sessions/${session.id}/end`);
    await log.until(() => last(p.user.id)?.state === 'offline');
  });

  it('two tabs, one closes: still in_office; the last one closes: offline after the grace period', async () => {
    const p = await person();
    const [tab1, tab2] = [await open(p), await open(p)];
    await log.until(() => last(p.user.id)?.state === 'in_office');
    tab1.close();
    // Once the grace period has passed for tab1, a round trip through the server and a fresh read.
    await new Promise((r) => setTimeout(r, 1500));
    expect((await presenceViaApi(p)).state).toBe('in_office');
    expect(of(p.user.id)(log.events).map((e) => e.presence.state)).not.toContain('offline');
    tab2.close();
    await log.until(() => last(p.user.id)?.state === 'offline');
  });

  it('a disconnect and reconnect within the grace period sends no offline event', async () => {
    const p = await person();
    const s = await open(p);
    await log.until(() => last(p.user.id)?.state === 'in_office');
    s.close();
    await open(p);
    await new Promise((r) => setTimeout(r, 1500));
    expect((await presenceViaApi(p)).state).toBe('in_office');
    // (An automatic away may arrive meanwhile: IDLE_AWAY_S is 1 s here. Never offline.)
    expect(of(p.user.id)(log.events).map((e) => e.presence.state)).not.toContain('offline');
  });
});

describe('availability', () => {
  it('turns away after idling and back to available on activity', async () => {
    const p = await person();
    const s = await open(p);
    await log.until(() => last(p.user.id)?.availability === 'away');
    s.emit('presence:active');
    await log.until(() => last(p.user.id)?.availability === 'available');
  });

  it('keeps a hand-set busy through activity and idling, and shows the status text', async () => {
    const p = await person();
    const s = await open(p);
    const ack = await emitAck(s, 'presence:set', { availability: 'busy', statusText: '資料作成中' });
    expect(ack.ok).toBe(true);
    expect(presenceSchema.parse(ack.presence)).toMatchObject({ availability: 'busy', statusText: '資料作成中', state: 'in_office' });
    s.emit('presence:active');
    await new Promise((r) => setTimeout(r, 1500)); // past IDLE_AWAY_S
    s.emit('presence:active');
    expect(await presenceViaApi(p)).toMatchObject({ availability: 'busy', statusText: '資料作成中' });
    expect(of(p.user.id)(log.events).map((e) => e.presence.availability)).not.toContain('available');
    await emitAck(s, 'presence:set', { availability: 'available' });
    await log.until(() => last(p.user.id)?.availability === 'available');
  });

  it('refuses bad presence:set payloads and changes nothing', async () => {
    const p = await person();
    const s = await open(p);
    await emitAck(s, 'presence:set', { statusText: '在席' });
    for (const payload of [{ availability: 'sleeping' }, { statusText: 'あ'.repeat(101) }, { availability: 'busy', mood: 'ok' }, {}, 'busy']) {
      const ack = await emitAck(s, 'presence:set', payload);
      expect(ack.ok).toBe(false);
      expect(ack.error.code).toBe('bad_request');
    }
    expect(await presenceViaApi(p)).toMatchObject({ availability: 'available', statusText: '在席' });
  });
});

describe('the directory with presence', () => {
  it('filters people by presence', async () => {
    const { department, people: [teleworker, inOffice, away] } = await createTeam(t.url, 3);
    await teleworker!.api.post('/api/telework/sessions', {});
    await open(inOffice!);
    void away;
    const ids = async (presence: string) =>
      (await watcher.api.get(`/api/users?departmentId=${department.id}&presence=${presence}`)).body.map((u: { id: string }) => u.id);
    expect(await ids('teleworking')).toEqual([teleworker!.user.id]);
    expect(await ids('in_office')).toEqual([inOffice!.user.id]);
    expect(await ids('offline')).toEqual([away!.user.id]);
    expect((await watcher.api.get('/api/users?presence=sleeping')).status).toBe(400);
  });
});
