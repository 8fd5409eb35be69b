// The demo seed (server/demo/seed.ts), checked through the real HTTP API of a real server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../../shared/schemas/auth.js';
import type { Conversation, Message } from '../../shared/schemas/conversations.js';
import type { Department } from '../../shared/schemas/directory.js';
import { CONVERSATIONS, DEMO_PASSWORD, DEPARTMENTS, PEOPLE } from '../../server/demo/organisation.js';
import { seedDemo, type DemoSummary } from '../../server/demo/seed.js';
import { login, loginAdmin, type SignedIn } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';

let t: TestServer;
let summary: DemoSummary;
let sato: SignedIn;

beforeAll(async () => {
  t = await startTestServer();
  summary = await seedDemo(t.server.services);
  sato = await login(t.url, 'sato.k', DEMO_PASSWORD);
});
afterAll(async () => {
  await t?.stop();
});

describe('demo seed', () => {
  it('lets a demo staff member sign in with the demo password', async () => {
    expect(sato.user).toMatchObject({ loginId: 'sato.k', name: '佐藤 健一', nameKana: 'さとう けんいち', role: 'staff', staffNo: 'S10014' });
    const me = await sato.api.get('/api/me');
    expect(me.status).toBe(200);
    expect(me.body.user.id).toBe(sato.user.id);
  });

  it('shows the staff member their seeded conversations, with messages', async () => {
    const res = await sato.api.get<Conversation[]>('/api/conversations');
    expect(res.status).toBe(200);
    const expected = CONVERSATIONS.filter((c) => c.creator === 'sato.k' || c.members.includes('sato.k'));
    expect(res.body).toHaveLength(expected.length);
    expect(new Set(res.body.map((c) => c.title))).toEqual(new Set(['人事課', '庁内DX推進プロジェクト', '橋本 直樹', '井上 聡']));
    for (const c of res.body) {
      expect(c.lastSeq).toBeGreaterThanOrEqual(3);
      expect(c.lastMessage?.seq).toBe(c.lastSeq);
      expect(c.memberIds).toContain(sato.user.id);
    }
    // Latest activity first: the last conversation seeded is the dm with 井上 課長.
    expect(res.body[0]!.title).toBe('井上 聡');

    const dm = res.body[0]!;
    const page = await sato.api.get<{ messages: Message[]; hasMore: boolean }>(`/api/conversations/${dm.id}/messages`);
    expect(page.status).toBe(200);
    const dmData = CONVERSATIONS.find((c) => c.key === 'dm-hr')!;
    expect(page.body.messages.map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(page.body.messages.map((m) => m.body)).toEqual(dmData.messages.map(([, body]) => body));
    expect(page.body.hasMore).toBe(false);

    // The department channel was opened by the supervisor; its @mention names 佐藤.
    const channel = res.body.find((c) => c.title === '人事課')!;
    expect(channel.kind).toBe('channel');
    const history = await sato.api.get<{ messages: Message[] }>(`/api/conversations/${channel.id}/messages`);
    expect(history.body.messages).toHaveLength(5);
    expect(history.body.messages.some((m) => m.mentions.includes(sato.user.id))).toBe(true);
  });

  it('leaves messages from others unread for those who have not answered', async () => {
    const hasegawa = await login(t.url, 'hasegawa.m', DEMO_PASSWORD);
    const list = await hasegawa.api.get<Conversation[]>('/api/conversations');
    const channel = list.body.find((c) => c.kind === 'channel')!;
    expect(channel.title).toBe('市民課 窓口連絡');
    expect(channel.unreadCount).toBe(4);
    const dm = list.body.find((c) => c.kind === 'dm')!;
    expect(dm.title).toBe('後藤 大樹');
    expect(dm.unreadCount).toBe(0); // 長谷川 wrote the last message
  });

  it('finds a person by a katakana reading', async () => {
    const res = await sato.api.get<User[]>(`/api/users?q=${encodeURIComponent('ハセガワ')}`);
    expect(res.status).toBe(200);
    expect(res.body.map((u) => u.loginId)).toEqual(['hasegawa.m']);
    expect(res.body[0]).toMatchObject({ name: '長谷川 舞', nameKana: 'はせがわ まい' });

    const boss = await sato.api.get<User[]>(`/api/users?q=${encodeURIComponent('イノウエ')}`);
    expect(boss.body.map((u) => u.loginId)).toEqual(['inoue.s']);
    expect(boss.body[0]).toMatchObject({ role: 'supervisor', title: '課長' });
  });

  it('has about 40 people: the seed plus the admin that was already there', async () => {
    const res = await sato.api.get<User[]>('/api/users');
    expect(res.status).toBe(200);
    // startTestServer bootstrapped an admin, so the demo admin was skipped.
    expect(summary.adminCreated).toBe(false);
    expect(summary.users).toHaveLength(PEOPLE.length - 1);
    expect(res.body).toHaveLength(PEOPLE.length);
    expect(res.body.length).toBeGreaterThanOrEqual(35);
    expect(res.body.length).toBeLessThanOrEqual(45);
    expect(res.body.filter((u) => u.role === 'admin')).toHaveLength(1);
    expect(new Set(res.body.map((u) => u.loginId)).size).toBe(res.body.length);
    // The existing admin still signs in with its own password.
    await expect(loginAdmin(t.url)).resolves.toBeDefined();
  });

  it('arranges the departments in a hierarchy, one supervisor each', async () => {
    const res = await sato.api.get<Department[]>('/api/departments');
    expect(res.status).toBe(200);
    const byId = new Map(res.body.map((d) => [d.id, d]));
    const byName = new Map(res.body.map((d) => [d.name, d]));
    expect(res.body).toHaveLength(DEPARTMENTS.length + 1);

    const roots = res.body.filter((d) => d.parentId === null);
    expect(roots.map((d) => d.id)).toEqual([summary.root.id]);
    expect(byName.get('秘書課')!.parentId).toBe(byName.get('市長公室')!.id);
    expect(byName.get('情報システム課')!.parentId).toBe(byName.get('総務局')!.id);
    expect(byName.get('戸籍課')!.parentId).toBe(byName.get('市民局')!.id);
    expect(byName.get('市民局')!.parentId).toBe(summary.root.id);

    const depth = (d: Department): number => (d.parentId ? 1 + depth(byId.get(d.parentId)!) : 0);
    expect(Math.max(...res.body.map(depth))).toBe(2);

    for (const d of summary.departments) {
      const members = await sato.api.get<User[]>(`/api/users?departmentId=${d.id}`);
      const supervisors = members.body.filter((u) => u.role === 'supervisor');
      expect(supervisors, d.name).toHaveLength(1);
    }
  });

  it('has a month of telework behind it, so the reports show something', async () => {
    const admin = await loginAdmin(t.url);
    const day = (offset: number) => new Date(Date.now() + 9 * 3_600_000 + offset * 86_400_000).toISOString().slice(0, 10);
    const licences = await admin.api.get(`/api/reports/licences?from=${day(-30)}&to=${day(-1)}`);
    expect(licences.status).toBe(200);
    expect(licences.body.peak).toBeGreaterThan(5);
    expect(licences.body.days.filter((d: { peak: number }) => d.peak > 0).length).toBeGreaterThanOrEqual(18);
    const month = (await admin.api.get(`/api/reports/telework?month=${day(-15).slice(0, 7)}`)).body;
    expect(month.people.length).toBeGreaterThan(10);
  });
});
