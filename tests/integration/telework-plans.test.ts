import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { departmentPlansSchema, teleworkPlanEventSchema, teleworkPlanSchema } from '../../shared/schemas/telework-plans.js';
import { createDepartment, createUser, loginAdmin, type SignedIn } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { settle } from '../support/sockets.js';

// The office's clock starts at the real time (sockets end with their sessions, which are timed by it);
// days are counted from today in Tokyo.
const clocks = { now: Date.now() };
const tokyo = (ms: number) => new Date(ms + 9 * 3600_000).toISOString().slice(0, 10);
const day = (n: number) => tokyo(Date.parse(`${tokyo(clocks.now)}T12:00:00+09:00`) + n * 86_400_000);
const D0 = day(0);
const [D1, D2, D3, D4] = [day(1), day(2), day(3), day(4)];
let t: TestServer;
let admin: SignedIn;
let bu: { id: string };
let ka: { id: string };
let other: { id: string };
let staff: SignedIn;
let kacho: SignedIn; // supervisor of 課
let bucho: SignedIn; // supervisor of 部, above it
let outsider: SignedIn; // supervisor elsewhere

beforeAll(async () => {
  t = await startTestServer({ clock: () => new Date(clocks.now) });
  admin = await loginAdmin(t.url);
  bu = await createDepartment(admin, '福祉部');
  ka = await createDepartment(admin, '介護保険課', bu.id);
  other = await createDepartment(admin, '税務課');
  staff = await createUser(admin, ka.id, { name: '予定 一郎' });
  kacho = await createUser(admin, ka.id, { role: 'supervisor' });
  bucho = await createUser(admin, bu.id, { role: 'supervisor' });
  outsider = await createUser(admin, other.id, { role: 'supervisor' });
});
afterAll(() => t.stop());

describe('テレワーク予定', () => {
  it('registers a range of days ahead with a note; registering a day again keeps one plan', async () => {
    const res = await staff.api.post('/api/telework-plans', { from: D2, to: D4, note: '在宅で資料作成' });
    expect(res.status).toBe(201);
    expect(res.body.plans.map((p: unknown) => teleworkPlanSchema.parse(p).date)).toEqual([D2, D3, D4]);
    const again = await staff.api.post('/api/telework-plans', { from: D3, note: '午前のみ' });
    expect(again.body.plans).toHaveLength(1);
    const mine = (await staff.api.get('/api/telework-plans')).body.plans as { date: string; note?: string }[];
    expect(mine.map((p) => [p.date, p.note])).toEqual([
      [D2, '在宅で資料作成'],
      [D3, '午前のみ'],
      [D4, '在宅で資料作成'],
    ]);
  });

  it('a same-day notice reaches the supervisors above the person at once, and only them', async () => {
    const [kachoSocket, buchoSocket, outsiderSocket, staffSocket] = await Promise.all([t.connect(kacho), t.connect(bucho), t.connect(outsider), t.connect(staff)]);
    // Each socket is in its person's room once the server has answered it once.
    await Promise.all([kachoSocket, buchoSocket, outsiderSocket, staffSocket].map(settle));
    const heard = (socket: typeof kachoSocket) => new Promise<unknown>((resolve) => socket.once('telework:plan', resolve));
    const got = [heard(kachoSocket), heard(buchoSocket)];
    let leaked = 0;
    outsiderSocket.on('telework:plan', () => (leaked += 1));
    staffSocket.on('telework:plan', () => (leaked += 1));
    const res = await staff.api.post('/api/telework-plans', { from: D0, note: '子の看護のため' });
    expect(res.status).toBe(201);
    for (const event of await Promise.all(got)) {
      const parsed = teleworkPlanEventSchema.parse(event);
      expect(parsed).toMatchObject({ name: '予定 一郎', plan: { date: D0, note: '子の看護のため', sameDay: true } });
    }
    // A later event on the same sockets proves the others were not sent this one.
    await new Promise<void>((resolve) => {
      kachoSocket.once('telework:plan', () => resolve());
      void staff.api.post('/api/telework-plans', { from: D0, note: '子の看護のため（更新）' });
    });
    expect(leaked).toBe(0);
  });

  it("the board's supervisors see today's and tomorrow's plans of the department and below; others get 403", async () => {
    clocks.now = Date.parse(`${D1}T23:59:00+09:00`); // the night before D2: in Tokyo, today is D1
    const res = await bucho.api.get(`/api/telework-plans/department?departmentId=${bu.id}`);
    expect(res.status).toBe(200);
    const plans = departmentPlansSchema.parse(res.body);
    expect(plans.today).toBe(D1);
    expect(plans.tomorrow).toBe(D2);
    expect(plans.plans.map((p) => [p.userId, p.date])).toEqual([[staff.user.id, D2]]);
    expect((await kacho.api.get(`/api/telework-plans/department?departmentId=${ka.id}`)).status).toBe(200);
    expect((await kacho.api.get(`/api/telework-plans/department?departmentId=${bu.id}`)).status).toBe(403);
    expect((await outsider.api.get(`/api/telework-plans/department?departmentId=${ka.id}`)).status).toBe(403);
    expect((await staff.api.get(`/api/telework-plans/department?departmentId=${ka.id}`)).status).toBe(403);
  });

  it('refuses the past, a range over 31 days, an inverted range, and others deleting my plan', async () => {
    expect((await staff.api.post('/api/telework-plans', { from: D0 })).status).toBe(400); // yesterday now
    expect((await staff.api.post('/api/telework-plans', { from: D2, to: day(40) })).status).toBe(400);
    expect((await staff.api.post('/api/telework-plans', { from: D4, to: D3 })).status).toBe(400);
    const mine = (await staff.api.get('/api/telework-plans')).body.plans as { id: string }[];
    expect((await kacho.api.delete(`/api/telework-plans/${mine[0]!.id}`)).status).toBe(404);
    expect((await staff.api.delete(`/api/telework-plans/${mine[0]!.id}`)).status).toBe(204);
    expect((await staff.api.get('/api/telework-plans')).body.plans).toHaveLength(mine.length - 1);
  });
});
