import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRESENCE_WATCH_MAX, presenceSchema, type PresenceEvent } from '../../shared/schemas/presence.js';
import { createDepartment, createUser, loginAdmin, type SignedIn } from '../support/factories.js';
import { PresenceLog, watch } from '../support/presence.js';
import { connectSocket, emitAck, settle, type ClientSocket } from '../support/sockets.js';
import { startTestServer, type TestServer } from '../support/server.js';

// Presence by subscription (PROTOCOL.md `presence:watch`): a socket hears of the people it watches
// and of its own person, nobody else. No grace period, so a closed socket is offline at once.
let t: TestServer;
const sockets: ClientSocket[] = [];

beforeAll(async () => {
  t = await startTestServer({ config: { PRESENCE_COALESCE_MS: 50, PRESENCE_GRACE_S: 0 } });
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await t.stop();
});

/** `count` new staff, signed in (a few at a time: sign-in hashes are deliberately slow). */
async function people(count: number): Promise<SignedIn[]> {
  const admin = await loginAdmin(t.url);
  const department = await createDepartment(admin, `課 ${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`);
  const out: SignedIn[] = [];
  while (out.length < count) {
    const batch = Math.min(8, count - out.length);
    out.push(...(await Promise.all(Array.from({ length: batch }, () => createUser(admin, department.id)))));
  }
  return out;
}
async function open(who: SignedIn): Promise<ClientSocket> {
  const s = await connectSocket(t.url, who.token);
  sockets.push(s);
  return s;
}
const ids = (list: SignedIn[]) => list.map((p) => p.user.id);
/** Everyone in `list` has been pushed as in_office to `log`. */
const allInOffice = (log: PresenceLog, list: SignedIn[]) => () => list.every((p) => log.last(p.user.id)?.state === 'in_office');
const userIdsOf = (events: PresenceEvent[]) => new Set(events.map((e) => e.userId));

describe('who receives presence', () => {
  // The crowds are made before the tests: signing in this many people takes a while on a busy machine.
  let crowd56: SignedIn[] = [];
  let crowd21: SignedIn[] = [];
  let controls: SignedIn[] = [];
  beforeAll(async () => {
    crowd56 = await people(56);
    crowd21 = await people(21);
    controls = await people(2);
  }, 300_000);

  it('a client watching 5 people receives presence for those 5 only while 50 others change', async () => {
    const [me, ...rest] = crowd56;
    const five = rest.slice(0, 5);
    const others = rest.slice(5);
    const mine = await open(me!);
    const log = new PresenceLog(mine);
    await watch(mine, ids(five));
    // A second client watches the 50 others: once it has heard them all, their changes were pushed.
    const control = controls[0];
    const controlSocket = await open(control!);
    const controlLog = new PresenceLog(controlSocket);
    await watch(controlSocket, ids(others));

    await Promise.all(rest.map(open));
    await log.until(allInOffice(log, five));
    await controlLog.until(allInOffice(controlLog, others));
    await settle(mine);

    expect([...userIdsOf(log.events)].sort()).toEqual([...ids(five), me!.user.id].sort());
  });

  it('N connecting people watched by nobody cause no presence frame to a socket watching 2 of them, except those 2\'s changes', async () => {
    const [me, ...crowd] = crowd21;
    const two = crowd.slice(0, 2);
    const mine = await open(me!);
    const log = new PresenceLog(mine);
    await log.until((e) => e.some((x) => x.userId === me!.user.id)); // my own connection, pushed to me
    const framesBefore = log.frames.length;
    await watch(mine, ids(two));
    const control = controls[1];
    const controlSocket = await open(control!);
    const controlLog = new PresenceLog(controlSocket);
    await watch(controlSocket, ids(crowd));

    await Promise.all(crowd.map(open));
    await controlLog.until(allInOffice(controlLog, crowd));
    await settle(mine);

    const frames = log.frames.slice(framesBefore);
    // Every frame since carries only the two watched people, and each of them exactly once.
    expect(frames.length).toBeGreaterThan(0);
    for (const frame of frames) expect(frame.every((e) => ids(two).includes(e.userId))).toBe(true);
    expect(frames.flat().map((e) => e.userId).sort()).toEqual(ids(two).sort());
  });

  it('its own person\'s changes reach it without watching anyone', async () => {
    const [me] = await people(1);
    const mine = await open(me!);
    const log = new PresenceLog(mine);
    await watch(mine, []);
    const otherTab = await open(me!);
    await emitAck(otherTab, 'presence:set', { availability: 'busy', statusText: '窓口対応' });
    await log.until(() => log.last(me!.user.id)?.availability === 'busy');
    expect(log.last(me!.user.id)).toMatchObject({ state: 'in_office', statusText: '窓口対応' });
  });

  it('re-watching replaces the set: the old ones stop, the new ones start, the ack carries current presences', async () => {
    const [me, a, b, c] = await people(4);
    const mine = await open(me!);
    const log = new PresenceLog(mine);
    const [socketA, , socketC] = [await open(a!), await open(b!), await open(c!)];
    await emitAck(socketC!, 'presence:set', { availability: 'in_meeting' });

    const first = await watch(mine, ids([a!, b!]));
    expect([...first.keys()].sort()).toEqual(ids([a!, b!]).sort());
    for (const p of first.values()) presenceSchema.parse(p);

    const second = await watch(mine, ids([b!, c!]));
    expect([...second.keys()].sort()).toEqual(ids([b!, c!]).sort());
    expect(second.get(c!.user.id)).toMatchObject({ state: 'in_office', availability: 'in_meeting' });
    expect(second.get(b!.user.id)).toMatchObject({ state: 'in_office', availability: 'available' });

    const seen = log.events.length;
    await emitAck(socketA!, 'presence:set', { availability: 'busy' });
    await emitAck(socketC!, 'presence:set', { availability: 'busy' });
    await log.until(() => log.last(c!.user.id)?.availability === 'busy');
    await settle(mine);
    expect(log.events.slice(seen).map((e) => e.userId)).not.toContain(a!.user.id);
  });

  it('closing a watching socket stops its pushes and leaves the person\'s other tab watching its own set', async () => {
    const [me, a] = await people(2);
    const tab1 = await open(me!);
    const tab2 = await open(me!);
    const log2 = new PresenceLog(tab2);
    await watch(tab1, ids([a!]));
    await watch(tab2, ids([a!]));
    tab1.close();
    const socketA = await open(a!);
    await emitAck(socketA, 'presence:set', { statusText: '在席' });
    await log2.until(() => log2.last(a!.user.id)?.statusText === '在席');
  });
});

describe('coalescing per recipient', () => {
  let slow: TestServer;
  beforeAll(async () => {
    // A long window, so that the burst below falls inside one.
    slow = await startTestServer({ dbUri: t.dbUri, config: { PRESENCE_COALESCE_MS: 3000 } });
  });
  afterAll(async () => {
    await slow.stop();
  });

  it('a burst of changes by several watched people within one window arrives as one event per socket', async () => {
    const [w1, w2, p1, p2, p3] = await people(5);
    const watchedPeople = [p1!, p2!, p3!];
    const recipients = [await connectSocket(slow.url, w1!.token), await connectSocket(slow.url, w2!.token)];
    sockets.push(...recipients);
    const logs = recipients.map((s) => new PresenceLog(s));
    // Their own connections are pushed to them first: wait for those before counting.
    await Promise.all(logs.map((log, i) => log.until((e) => e.some((x) => x.userId === [w1!, w2!][i]!.user.id))));
    for (const s of recipients) await watch(s, ids(watchedPeople));
    const before = logs.map((log) => log.frames.length);

    const tabs = await Promise.all(watchedPeople.map((p) => connectSocket(slow.url, p.token)));
    sockets.push(...tabs);
    await Promise.all(tabs.map((tab) => emitAck(tab, 'presence:set', { availability: 'busy' })));

    for (const [i, log] of logs.entries()) {
      await log.until(() => watchedPeople.every((p) => log.last(p.user.id)?.availability === 'busy'));
      await settle(recipients[i]!);
      const frames = log.frames.slice(before[i]);
      expect(frames).toHaveLength(1);
      expect(frames[0]!.map((e) => e.userId).sort()).toEqual(ids(watchedPeople).sort());
    }
  });
});

describe('refusals', () => {
  it(`a watch of ${PRESENCE_WATCH_MAX + 1} ids is bad_request and changes nothing`, async () => {
    const [me, a] = await people(2);
    const mine = await open(me!);
    const log = new PresenceLog(mine);
    await watch(mine, ids([a!]));
    const tooMany = Array.from({ length: PRESENCE_WATCH_MAX + 1 }, (_, i) => i.toString(16).padStart(24, '0'));
    const ack = await emitAck(mine, 'presence:watch', { userIds: tooMany });
    expect(ack).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    // Still watching a.
    const socketA = await open(a!);
    await log.until(() => log.last(a!.user.id)?.state === 'in_office');
    void socketA;
  });

  it('a watch of exactly the maximum is accepted', async () => {
    const [me] = await people(1);
    const mine = await open(me!);
    const max = Array.from({ length: PRESENCE_WATCH_MAX }, (_, i) => i.toString(16).padStart(24, 'f'));
    const ack = await emitAck(mine, 'presence:watch', { userIds: max });
    expect(ack).toMatchObject({ ok: true, presences: [] });
  });

  it('malformed payloads are bad_request and change nothing; ids of no one are left out of the watch and the ack', async () => {
    const [me, a] = await people(2);
    const mine = await open(me!);
    const log = new PresenceLog(mine);
    await watch(mine, ids([a!]));
    for (const payload of [
      { userIds: ['not-an-id'] },
      { userIds: [a!.user.id.toUpperCase()] },
      { userIds: a!.user.id },
      { userIds: [42] },
      { userIds: [], extra: true },
      {},
      null,
      'everyone',
    ]) {
      const ack = await emitAck(mine, 'presence:watch', payload);
      expect(ack, JSON.stringify(payload)).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    }
    const socketA = await open(a!);
    await log.until(() => log.last(a!.user.id)?.state === 'in_office');

    const nobody = 'e'.repeat(24);
    const ack = await emitAck(mine, 'presence:watch', { userIds: [nobody, a!.user.id, a!.user.id] });
    expect(ack.ok).toBe(true);
    expect(ack.presences.map((p: PresenceEvent) => p.userId)).toEqual([a!.user.id]);
    socketA.close();
    await log.until(() => log.last(a!.user.id)?.state === 'offline');
  });
});
