import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LicenceReport, PersonReport, TeleworkReport } from '../../shared/schemas/reports.js';
import { createConversation, createDepartment, createUser, loginAdmin, type SignedIn } from '../support/factories.js';
import { Api } from '../support/http.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { emitAck } from '../support/sockets.js';

/**
 * Licence utilisation and telework by person over sessions started and ended at set times
 * (Asia/Tokyo), with 3 licences. The night of 10 → 11 November 2026:
 *   a 22:00 → 01:30   b 23:30 → 00:30   c 23:45 → 00:15
 *   d (another department) refused at 23:50; then d 09:00 → 17:30 and a again 13:00 → 14:00 on the 11th.
 * Messages are stamped by the real time (the messaging service does not read the set clock), so
 * the chat-activity check also gets two sessions around the real present: b's, with a message
 * sent, and c's, without.
 */
let now = new Date('2026-11-01T00:00:00+09:00');
const at = (jst: string) => (now = new Date(`${jst}+09:00`));
let t: TestServer;
let admin: SignedIn;
let a: SignedIn, b: SignedIn, c: SignedIn, d: SignedIn;
let itSupervisor: SignedIn, hrSupervisor: SignedIn, hrStaff: SignedIn;

async function start(who: SignedIn): Promise<string> {
  const res = await who.api.post('/api/telework/sessions', {});
  expect(res.status).toBe(201);
  return res.body.id;
}
/** A CSV download as the bytes say it (fetch's text() would drop the byte-order mark). */
async function csv(who: SignedIn, path: string): Promise<{ text: string; headers: Headers }> {
  const res = await fetch(t.url + path, { headers: { authorization: `Bearer ${who.token}`, accept: 'text/csv' } });
  expect(res.status).toBe(200);
  return { text: new TextDecoder('utf-8', { ignoreBOM: true }).decode(await res.arrayBuffer()), headers: res.headers };
}
async function end(who: SignedIn, id: string): Promise<void> {
  expect((await who.api.post(`/api/telework/sessions/${id}/end`)).status).toBe(200);
}

beforeAll(async () => {
  const clock = () => now;
  const config = { TELEWORK_CAPACITY: 3, TELEWORK_HEARTBEAT_TIMEOUT_S: 86_400 };
  // The HR division's id goes into the configuration, so it must exist first: one start to
  // create the organisation, then the server as the office would run it, over the same database.
  const first = await startTestServer({ clock, config });
  const firstAdmin = await loginAdmin(first.url);
  const it = await createDepartment(firstAdmin, '情報政策課');
  const hr = await createDepartment(firstAdmin, '人事課');
  const people = {
    a: await createUser(firstAdmin, it.id, { name: '青木', staffNo: 'R001' }),
    b: await createUser(firstAdmin, it.id, { name: '馬場', staffNo: 'R002' }),
    c: await createUser(firstAdmin, it.id, { name: '千葉', staffNo: 'R003' }),
    d: await createUser(firstAdmin, hr.id, { name: '土屋', staffNo: 'R004' }),
    itSupervisor: await createUser(firstAdmin, it.id, { role: 'supervisor', staffNo: 'R005' }),
    hrSupervisor: await createUser(firstAdmin, hr.id, { role: 'supervisor', staffNo: 'R006' }),
    hrStaff: await createUser(firstAdmin, hr.id, { staffNo: 'R007' }),
  };
  await first.stop();
  t = await startTestServer({ dbUri: first.dbUri, clock, config: { ...config, REPORTS_DEPARTMENT_IDS: [hr.id] } });
  admin = await loginAdmin(t.url);
  const again = (p: SignedIn): SignedIn => ({ ...p, api: new Api(t.url, p.token) });
  ({ a, b, c, d, itSupervisor, hrSupervisor, hrStaff } = Object.fromEntries(Object.entries(people).map(([k, p]) => [k, again(p)])) as Record<keyof typeof people, SignedIn>);

  const conversation = await createConversation(a, 'dm', [b]);

  at('2026-11-10T22:00:00');
  const a1 = await start(a);
  at('2026-11-10T23:30:00');
  const b1 = await start(b);
  at('2026-11-10T23:45:00');
  const c1 = await start(c);
  at('2026-11-10T23:50:00');
  const refused = await d.api.post('/api/telework/sessions', {});
  expect(refused.body.error.code).toBe('license_exhausted');
  at('2026-11-11T00:15:00');
  await end(c, c1);
  at('2026-11-11T00:30:00');
  await end(b, b1);
  at('2026-11-11T01:30:00');
  await end(a, a1);
  at('2026-11-11T09:00:00');
  const d1 = await start(d);
  at('2026-11-11T13:00:00');
  const a2 = await start(a);
  at('2026-11-11T14:00:00');
  await end(a, a2);
  at('2026-11-11T17:30:00');
  await end(d, d1);

  now = new Date(realNow - 10 * 60_000);
  const b2 = await start(b);
  const c2 = await start(c);
  const socket = await t.connect(b);
  expect((await emitAck(socket, 'message:send', { conversationId: conversation.id, clientMsgId: 'report-today-1', body: '作業を始めます' })).ok).toBe(true);
  now = new Date(realNow + 10 * 60_000);
  await end(b, b2);
  await end(c, c2);
  now = new Date(realNow + 20 * 60_000);
  // Still open when the reports are read, half an hour later.
  await start(hrStaff);
  now = new Date(realNow + 50 * 60_000);
});
const realNow = Date.now();
afterAll(() => t?.stop());

describe('licence utilisation', () => {
  it('counts, minute by minute, the most sessions open at once, with the day split at midnight in Tokyo', async () => {
    const res = await admin.api.get('/api/reports/licences?from=2026-11-11&to=2026-11-11');
    expect(res.status).toBe(200);
    const report: LicenceReport = res.body;
    expect(report).toMatchObject({ capacity: 3, resolutionMinutes: 1, seriesStart: '2026-11-10T15:00:00.000Z', peak: 3, fullMinutes: 15, refusals: 0 });
    expect(report.series).toHaveLength(1440);
    // 00:00–00:14 all three; c ends at 00:15 sharp, b at 00:30, a at 01:30; d from 09:00, a again 13:00–14:00.
    expect([report.series[0], report.series[14], report.series[15], report.series[29], report.series[30], report.series[89], report.series[90]]).toEqual([3, 3, 2, 2, 1, 1, 0]);
    expect([report.series[9 * 60], report.series[13 * 60], report.series[14 * 60], report.series[17 * 60 + 29], report.series[17 * 60 + 30]]).toEqual([1, 2, 1, 1, 0]);
  });

  it('gives each day its peak, when it was first reached, the minutes the pool was full and the refused starts', async () => {
    const report: LicenceReport = (await admin.api.get('/api/reports/licences?from=2026-11-10&to=2026-11-11')).body;
    expect(report.resolutionMinutes).toBe(5);
    expect(report.series).toHaveLength(576);
    expect(report.days).toEqual([
      { date: '2026-11-10', peak: 3, peakAt: '2026-11-10T14:45:00.000Z', fullMinutes: 15, refusals: 1 },
      { date: '2026-11-11', peak: 3, peakAt: '2026-11-10T15:00:00.000Z', fullMinutes: 15, refusals: 0 },
    ]);
    expect(report).toMatchObject({ peak: 3, fullMinutes: 30, refusals: 1 });
  });

  it('shows how many minutes each level of concurrent use lasted, so the pool size can be judged', async () => {
    const report: LicenceReport = (await admin.api.get('/api/reports/licences?from=2026-11-10&to=2026-11-11')).body;
    // 3 at once: 30 min; 2: 23:30–23:45, 00:15–00:30, 13:00–14:00; 1: a alone 150 min, d alone 450 min.
    expect(report.distribution).toEqual([2880 - 30 - 90 - 600, 600, 90, 30]);
  });

  it('breaks use down by department, and names the sessions held open without a message sent, longest first', async () => {
    const report: LicenceReport = (await admin.api.get('/api/reports/licences?from=2026-11-10&to=2026-11-11')).body;
    expect(report.byDepartment).toEqual([
      { departmentId: d.user.departmentId, name: '人事課', sessions: 1, people: 1, minutes: 510, peak: 1, silentSessions: 1, refusals: 1 },
      { departmentId: a.user.departmentId, name: '情報政策課', sessions: 4, people: 3, minutes: 360, peak: 3, silentSessions: 4, refusals: 0 },
    ]);
    expect(report.silentSessions.count).toBe(5);
    expect(report.silentSessions.minutes).toBe(510 + 210 + 60 + 60 + 30);
    expect(report.silentSessions.sessions.map((s) => [s.name, s.minutes])).toEqual([['土屋', 510], ['青木', 210], ['馬場', 60], ['青木', 60], ['千葉', 30]]);
  });

  it('does not count a session as silent when its person sent a message while it was open', async () => {
    const day = (offset: number) => new Date(realNow + 9 * 3_600_000 + offset * 86_400_000).toISOString().slice(0, 10);
    const report: LicenceReport = (await admin.api.get(`/api/reports/licences?from=${day(-1)}&to=${day(1)}`)).body;
    expect(report.peak).toBe(2);
    // b wrote while connected; c did not, nor has the person whose session is still open.
    expect(report.silentSessions.sessions.map((s) => [s.userId, s.minutes, s.endedAt === null])).toEqual([
      [hrStaff.user.id, 30, true],
      [c.user.id, 20, false],
    ]);
  });

  it('exports the series as CSV (UTF-8 with a byte-order mark) when asked for text/csv', async () => {
    const res = await csv(admin, '/api/reports/licences?from=2026-11-11&to=2026-11-11');
    expect(res.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/);
    const lines = res.text.split('\r\n');
    expect(lines[0]).toBe('\uFEFF時刻,同時接続数（1分ごとの最大）,ライセンス数');
    expect(lines[1]).toBe('2026-11-11 00:00,3,3');
    expect(lines).toHaveLength(1 + 1440 + 1);
  });

  it('refuses a range longer than a month, or backwards', async () => {
    expect((await admin.api.get('/api/reports/licences?from=2026-10-01&to=2026-11-11')).status).toBe(400);
    expect((await admin.api.get('/api/reports/licences?from=2026-11-11&to=2026-11-10')).status).toBe(400);
  });
});

describe('telework by person', () => {
  it('gives each person the month\'s days teleworked and total time, a night session counting on both days', async () => {
    const report: TeleworkReport = (await admin.api.get('/api/reports/telework?month=2026-11')).body;
    const rows = Object.fromEntries(report.people.map((p) => [p.name, [p.days, p.minutes]]));
    expect(rows).toEqual({ 青木: [2, 120 + 90 + 60], 馬場: [2, 60], 千葉: [2, 30], 土屋: [1, 510] });
    expect(report.byDepartment).toEqual([
      { departmentId: d.user.departmentId, name: '人事課', people: 1, days: 1, minutes: 510 },
      { departmentId: a.user.departmentId, name: '情報政策課', people: 3, days: 6, minutes: 360 },
    ]);
    const october: TeleworkReport = (await admin.api.get('/api/reports/telework?month=2026-10')).body;
    expect(october.people).toEqual([]);
  });

  it('narrows to one department when asked', async () => {
    const report: TeleworkReport = (await admin.api.get(`/api/reports/telework?month=2026-11&departmentId=${d.user.departmentId}`)).body;
    expect(report.people.map((p) => p.name)).toEqual(['土屋']);
  });

  it('gives one person\'s days with the earliest start and latest end, cut at midnight', async () => {
    const report: PersonReport = (await admin.api.get(`/api/reports/telework/person?userId=${a.user.id}&month=2026-11`)).body;
    expect(report.user).toMatchObject({ id: a.user.id, name: '青木', departmentName: '情報政策課' });
    expect(report.days).toEqual([
      { date: '2026-11-10', sessions: 1, minutes: 120, firstStart: '2026-11-10T13:00:00.000Z', lastEnd: '2026-11-10T15:00:00.000Z', open: false },
      { date: '2026-11-11', sessions: 2, minutes: 150, firstStart: '2026-11-10T15:00:00.000Z', lastEnd: '2026-11-11T05:00:00.000Z', open: false },
    ]);
    expect(report.totalMinutes).toBe(270);
  });

  it('counts a session still open up to now, and says it is open', async () => {
    const month = new Date(realNow + 9 * 3_600_000).toISOString().slice(0, 7);
    const report: PersonReport = (await admin.api.get(`/api/reports/telework/person?userId=${hrStaff.user.id}&month=${month}`)).body;
    expect(report.totalMinutes).toBe(30);
    expect(report.days.at(-1)).toMatchObject({ open: true, lastEnd: new Date(realNow + 50 * 60_000).toISOString() });
  });

  it('exports the month and one person\'s days as Excel-friendly CSV, and records the export in the audit log', async () => {
    const month = await csv(admin, '/api/reports/telework?month=2026-11');
    expect(month.headers.get('content-disposition')).toContain('telework-2026-11.csv');
    const monthLines = month.text.split('\r\n');
    expect(monthLines[0]).toBe('\uFEFF年月,職員番号,氏名,所属,テレワーク日数,合計時間,合計分');
    expect(monthLines).toContain('2026-11,R001,青木,情報政策課,2,4.50,270');

    const person = await csv(admin, `/api/reports/telework/person?userId=${a.user.id}&month=2026-11`);
    expect(person.text.split('\r\n').slice(0, 3)).toEqual([
      '\uFEFF日付,職員番号,氏名,最初の開始,最後の終了,回数,時間,分',
      '2026-11-10,R001,青木,22:00,24:00,1,2.00,120',
      '2026-11-11,R001,青木,00:00,14:00,2,2.50,150',
    ]);
    const audit = (await admin.api.get('/api/admin/audit?action=report.export')).body;
    expect(audit.entries.map((e: { summary: string }) => e.summary)).toEqual(
      expect.arrayContaining(['テレワーク実績（2026-11、4人）をCSVで書き出し', '青木のテレワーク実績（2026-11）をCSVで書き出し']),
    );
  });
});

describe('who may see the reports', () => {
  it('lets admins and the supervisors of the configured departments in, and no one else', async () => {
    expect((await hrSupervisor.api.get('/api/reports/telework?month=2026-11')).status).toBe(200);
    expect((await hrSupervisor.api.get('/api/reports/access')).body).toEqual({ allowed: true });
    for (const who of [hrStaff, itSupervisor, a]) {
      expect((await who.api.get('/api/reports/access')).body).toEqual({ allowed: false });
      for (const path of ['/api/reports/licences?from=2026-11-10&to=2026-11-11', '/api/reports/telework?month=2026-11', `/api/reports/telework/person?userId=${a.user.id}&month=2026-11`]) {
        const res = await who.api.get(path);
        expect(res.status).toBe(403);
        expect(res.body.error.code).toBe('forbidden');
      }
    }
  });
});
