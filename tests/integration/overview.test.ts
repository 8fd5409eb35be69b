import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { overviewSchema, type Overview } from '../../shared/schemas/telework.js';
import type { OverviewMemberEvent } from '../../shared/events.js';
import { createDepartment, createUser, loginAdmin, type SignedIn } from '../support/factories.js';
import { connectSocket, emitAck, type ClientSocket } from '../support/sockets.js';
import { startTestServer, type TestServer } from '../support/server.js';

// The server's clock is set by the test, so a session can cross midnight (Asia/Tokyo).
let now = new Date('2026-11-24T14:30:00Z'); // 23:30 on 24 Nov in Tokyo
let t: TestServer;
let admin: SignedIn;
let bureau: { id: string };
let sectionA: { id: string };
let unitA1: { id: string };
let sectionB: { id: string };
let bureauChief: SignedIn;
let chiefA: SignedIn;
let chiefB: SignedIn;
let staffA: SignedIn;
let staffA1: SignedIn;
let staffB: SignedIn;
const sockets: ClientSocket[] = [];

beforeAll(async () => {
  t = await startTestServer({ clock: () => new Date(now), config: { TELEWORK_HEARTBEAT_TIMEOUT_S: 86_400, PRESENCE_COALESCE_MS: 50 } });
  admin = await loginAdmin(t.url);
  bureau = await createDepartment(admin, '市民局');
  sectionA = await createDepartment(admin, '市民課', bureau.id);
  unitA1 = await createDepartment(admin, '窓口係', sectionA.id);
  sectionB = await createDepartment(admin, '戸籍課', bureau.id);
  bureauChief = await createUser(admin, bureau.id, { role: 'supervisor', name: '局長', nameKana: 'きょくちょう' });
  chiefA = await createUser(admin, sectionA.id, { role: 'supervisor', name: '市民課長', nameKana: 'しみんかちょう' });
  chiefB = await createUser(admin, sectionB.id, { role: 'supervisor', name: '戸籍課長', nameKana: 'こせきかちょう' });
  staffA = await createUser(admin, sectionA.id, { name: '青木', nameKana: 'あおき' });
  staffA1 = await createUser(admin, unitA1.id, { name: '石井', nameKana: 'いしい' });
  staffB = await createUser(admin, sectionB.id, { name: '上田', nameKana: 'うえだ' });
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await t.stop();
});

describe('the supervisor overview', () => {
  it('covers the department and everything below it, with counts per state', async () => {
    const s = (await staffA1.api.post('/api/telework/sessions', {})).body;
    const conn = await connectSocket(t.url, staffA.token);
    sockets.push(conn);
    const res = await chiefA.api.get(`/api/presence/overview?departmentId=${sectionA.id}`);
    expect(res.status).toBe(200);
    const overview = overviewSchema.parse(res.body);
    expect(overview.department.id).toBe(sectionA.id);
    expect(overview.members.map((m) => m.user.id).sort()).toEqual([chiefA.user.id, staffA.user.id, staffA1.user.id].sort());
    expect(overview.counts).toEqual({ teleworking: 1, in_office: 1, offline: 1 });
    const row = overview.members.find((m) => m.user.id === staffA1.user.id)!;
    expect(row.presence).toMatchObject({ state: 'teleworking', teleworkSince: s.startedAt });

    const whole = overviewSchema.parse((await bureauChief.api.get(`/api/presence/overview?departmentId=${bureau.id}`)).body);
    expect(whole.members).toHaveLength(6);
    expect(whole.counts).toEqual({ teleworking: 1, in_office: 1, offline: 4 });
    await staffA1.api.post(`/api/telework/sessions/${s.id}/end`);
  });

  it('counts only today\'s part (Asia/Tokyo) of a session that crossed midnight', async () => {
    now = new Date('2026-11-24T14:30:00Z'); // 23:30 JST
    const s = (await staffB.api.post('/api/telework/sessions', {})).body;
    now = new Date('2026-11-24T15:45:00Z'); // 00:45 JST on the 25th
    const minutes = async () =>
      overviewSchema.parse((await chiefB.api.get(`/api/presence/overview?departmentId=${sectionB.id}`)).body)
        .members.find((m) => m.user.id === staffB.user.id)!.teleworkMinutesToday;
    expect(await minutes()).toBe(45);
    now = new Date('2026-11-24T16:00:00Z'); // 01:00 JST
    await staffB.api.post(`/api/telework/sessions/${s.id}/end`);
    now = new Date('2026-11-24T23:00:00Z'); // 08:00 JST: a second session today
    const s2 = (await staffB.api.post('/api/telework/sessions', {})).body;
    now = new Date('2026-11-24T23:30:00Z'); // 08:30 JST
    expect(await minutes()).toBe(60 + 30);
    await staffB.api.post(`/api/telework/sessions/${s2.id}/end`);
    now = new Date('2026-11-25T16:00:00Z'); // 01:00 JST on the 26th: yesterday's sessions no longer count
    expect(await minutes()).toBe(0);
  });

  it('refuses staff and a supervisor of a sibling department (403), allows admins', async () => {
    for (const who of [staffA, staffA1, chiefB]) {
      const res = await who.api.get(`/api/presence/overview?departmentId=${sectionA.id}`);
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
    }
    // A supervisor of a department below cannot see the one above.
    expect((await chiefA.api.get(`/api/presence/overview?departmentId=${bureau.id}`)).status).toBe(403);
    expect((await admin.api.get(`/api/presence/overview?departmentId=${sectionA.id}`)).status).toBe(200);
    expect((await admin.api.get('/api/presence/overview?departmentId=eeeeeeeeeeeeeeeeeeeeeeee')).status).toBe(404);
    expect((await admin.api.get('/api/presence/overview')).status).toBe(400);
  });

  it('streams changes to a watching supervisor\'s socket, and refuses a watch by a sibling supervisor', async () => {
    const sup = await connectSocket(t.url, bureauChief.token);
    sockets.push(sup);
    const watch = await emitAck(sup, 'overview:watch', { departmentId: bureau.id });
    expect(watch.ok).toBe(true);
    overviewSchema.parse(watch.overview);
    const events: OverviewMemberEvent[] = [];
    sup.on('overview:member', (e) => events.push(e));

    const sibling = await connectSocket(t.url, chiefB.token);
    sockets.push(sibling);
    const refused = await emitAck(sibling, 'overview:watch', { departmentId: sectionA.id });
    expect(refused.ok).toBe(false);
    expect(refused.error.code).toBe('forbidden');
    const siblingEvents: OverviewMemberEvent[] = [];
    sibling.on('overview:member', (e) => siblingEvents.push(e));

    const s = (await staffA1.api.post('/api/telework/sessions', {})).body;
    const deadline = Date.now() + 10_000;
    while (!events.some((e) => e.member.user.id === staffA1.user.id && e.member.presence.state === 'teleworking')) {
      if (Date.now() > deadline) throw new Error('no overview:member event');
      await new Promise((r) => setTimeout(r, 50));
    }
    const event = events.find((e) => e.member.user.id === staffA1.user.id)!;
    expect(event.departmentId).toBe(bureau.id);
    expect(event.member.presence.teleworkSince).toBe(s.startedAt);
    expect(event.counts.teleworking).toBe(1);
    expect(siblingEvents).toEqual([]);
  });
});

describe('live overview pushes', () => {
  /** The supervisor's board as a client keeps it: the watch snapshot with each pushed row applied. */
  function follow(socket: ClientSocket, snapshot: Overview) {
    const board = { counts: { ...snapshot.counts }, rows: new Map(snapshot.members.map((m) => [m.user.id, m])) };
    const events: OverviewMemberEvent[] = [];
    socket.on('overview:member', (e) => {
      events.push(e);
      if (e.departmentId !== snapshot.department.id) return;
      board.rows.set(e.member.user.id, e.member);
      board.counts = e.counts;
    });
    return { board, events };
  }
  async function waitFor(check: () => boolean) {
    const deadline = Date.now() + 10_000;
    while (!check()) {
      if (Date.now() > deadline) throw new Error('condition not reached');
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  const view = (o: { counts: Overview['counts']; members: Iterable<Overview['members'][number]> }) => ({
    counts: o.counts,
    states: Object.fromEntries([...o.members].map((m) => [m.user.id, `${m.presence.state}/${m.presence.availability}`])),
  });

  it('a board kept from pushed rows equals a fresh overview, change after change (counts included)', async () => {
    now = new Date('2026-11-26T01:00:00Z');
    const sup = await connectSocket(t.url, bureauChief.token);
    sockets.push(sup);
    const ack = await emitAck(sup, 'overview:watch', { departmentId: bureau.id });
    const { board } = follow(sup, overviewSchema.parse(ack.overview));
    const fresh = async () => overviewSchema.parse((await bureauChief.api.get(`/api/presence/overview?departmentId=${bureau.id}`)).body);
    const same = async () => {
      const f = view(await fresh());
      return JSON.stringify(view({ counts: board.counts, members: board.rows.values() })) === JSON.stringify({ counts: f.counts, states: f.states });
    };

    const s1 = (await staffA.api.post('/api/telework/sessions', {})).body;
    const s2 = (await staffB.api.post('/api/telework/sessions', {})).body;
    const state = (who: SignedIn) => board.rows.get(who.user.id)?.presence.state;
    await waitFor(() => state(staffA) === 'teleworking' && state(staffB) === 'teleworking');
    expect(await same()).toBe(true);
    const tab = await connectSocket(t.url, chiefB.token);
    sockets.push(tab);
    await emitAck(tab, 'presence:set', { availability: 'busy' });
    await waitFor(() => board.rows.get(chiefB.user.id)?.presence.availability === 'busy');
    expect(await same()).toBe(true);
    await staffA.api.post(`/api/telework/sessions/${s1.id}/end`);
    await staffB.api.post(`/api/telework/sessions/${s2.id}/end`);
    await emitAck(tab, 'presence:set', { availability: 'available' });
    await waitFor(() => state(staffA) !== 'teleworking' && state(staffB) !== 'teleworking' && board.rows.get(chiefB.user.id)?.presence.availability === 'available');
    expect(await same()).toBe(true);
    expect(board.counts.teleworking).toBe((ack.overview as Overview).counts.teleworking);
  });

  it('a push reads only the changed person, never the whole department', async () => {
    const sup = await connectSocket(t.url, bureauChief.token);
    sockets.push(sup);
    await emitAck(sup, 'overview:watch', { departmentId: bureau.id });
    const events: OverviewMemberEvent[] = [];
    sup.on('overview:member', (e) => events.push(e));
    const reads: { collection: string; filter: unknown }[] = [];
    const conn = t.server.services.conn;
    conn.set('debug', (collection: string, method: string, filter: unknown) => {
      if (method.startsWith('find')) reads.push({ collection, filter });
    });
    try {
      const tab = await connectSocket(t.url, staffA1.token);
      sockets.push(tab);
      await emitAck(tab, 'presence:set', { statusText: '窓口応援' });
      const deadline = Date.now() + 10_000;
      while (!events.some((e) => e.member.user.id === staffA1.user.id && e.member.presence.statusText === '窓口応援')) {
        if (Date.now() > deadline) throw new Error('no overview:member event');
        await new Promise((r) => setTimeout(r, 50));
      }
    } finally {
      conn.set('debug', false);
    }
    // Every read of people, settings or sessions names people, and only the one who changed.
    const others = [bureauChief, chiefA, chiefB, staffA, staffB].map((p) => p.user.id);
    const personal = reads.filter((r) => ['users', 'presence_settings'].includes(r.collection));
    expect(personal.length).toBeGreaterThan(0);
    for (const r of reads.filter((r) => ['users', 'presence_settings', 'telework_sessions'].includes(r.collection))) {
      const text = JSON.stringify(r.filter);
      if (r.collection === 'telework_sessions' && !text.includes('userId')) continue; // the timeout sweep
      expect(text, `${r.collection} ${text}`).toContain(staffA1.user.id);
      for (const id of others) expect(text, `${r.collection} ${text}`).not.toContain(id);
    }
  });
});
