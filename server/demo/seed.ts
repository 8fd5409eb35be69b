/**
 * Seeds the demo organisation (organisation.ts) into a running server, writing only through the
 * services, so every rule the product enforces (unique login ids, who may open a channel, message
 * numbering, idempotent sends) applies to the seed too. Deterministic: no randomness.
 */
import type { User } from '../../shared/schemas/auth.js';
import { createConversationBodySchema, type ConversationKind } from '../../shared/schemas/conversations.js';
import { createUserBodySchema, type Department } from '../../shared/schemas/directory.js';
import type { Services } from '../services.js';
import { CONVERSATIONS, DEMO_PASSWORD, DEPARTMENTS, FEATURED_SIGN_INS, PEOPLE } from './organisation.js';

export interface DemoSignIn {
  loginId: string;
  password: string;
  name: string;
  role: User['role'];
  title?: string;
  department: string;
}

export interface DemoSummary {
  password: string;
  /** The top-level department everything hangs under (reused if the directory had one). */
  root: Department;
  /** The departments the seed created, parents before children. */
  departments: Department[];
  /** The people the seed created. */
  users: User[];
  /** False when an admin already existed, so the demo admin was not created. */
  adminCreated: boolean;
  conversations: { id: string; kind: ConversationKind; title: string; members: string[]; messages: number }[];
  /** Suggested sign-ins (only accounts the seed created), all with `password`. */
  signIns: DemoSignIn[];
}

export async function seedDemo(services: Services): Promise<DemoSummary> {
  const { directory, conversations, messaging } = services;

  // ── departments ─────────────────────────────────────────────
  const root = await directory.rootDepartment();
  const departmentsByKey = new Map<string, Department>();
  for (const d of DEPARTMENTS) {
    const parentId = d.parent === null ? root.id : departmentsByKey.get(d.parent)?.id;
    if (!parentId) throw new Error(`demo data: department ${d.key} is listed before its parent ${d.parent}`);
    departmentsByKey.set(d.key, await directory.createDepartment({ name: d.name, parentId }));
  }

  // ── people ──────────────────────────────────────────────────
  // An existing admin (e.g. one bootstrapped from ADMIN_LOGIN_ID) is kept; the demo admin is then skipped.
  const adminExists = await directory.hasAdmin();
  const usersByLogin = new Map<string, User>();
  for (const p of PEOPLE) {
    if (p.role === 'admin' && adminExists) continue;
    const department = departmentsByKey.get(p.department);
    if (!department) throw new Error(`demo data: ${p.loginId} names an unknown department ${p.department}`);
    // Checked against the same schema as POST /api/admin/users, so bad demo data fails loudly here.
    const body = createUserBodySchema.parse({
      loginId: p.loginId,
      password: DEMO_PASSWORD,
      staffNo: p.staffNo,
      name: p.name,
      nameKana: p.nameKana,
      departmentId: department.id,
      role: p.role,
      title: p.title,
    });
    usersByLogin.set(p.loginId, await directory.createUser(body));
  }
  const userFor = (loginId: string): User => {
    const user = usersByLogin.get(loginId);
    if (!user) throw new Error(`demo data: unknown or skipped person ${loginId}`);
    return user;
  };

  // ── conversations and messages ──────────────────────────────
  const seededConversations: DemoSummary['conversations'] = [];
  for (const c of CONVERSATIONS) {
    const creator = userFor(c.creator);
    const input = createConversationBodySchema.parse({
      kind: c.kind,
      memberIds: c.members.map((m) => userFor(m).id),
      ...(c.title ? { title: c.title } : {}),
    });
    const { conversation } = await conversations.create(creator, input);
    let n = 0;
    for (const [senderLogin, body] of c.messages) {
      n += 1;
      const sender = userFor(senderLogin);
      const { message } = await messaging.send(sender, {
        conversationId: conversation.id,
        clientMsgId: `demo-${c.key}-${String(n).padStart(2, '0')}`,
        body,
      });
      // Whoever writes a message has read the conversation up to it.
      await conversations.markRead(sender.id, conversation.id, message.seq);
    }
    seededConversations.push({
      id: conversation.id,
      kind: c.kind,
      title: conversation.title,
      members: [c.creator, ...c.members],
      messages: n,
    });
  }

  await seedTeleworkMonth(services, [...usersByLogin.values()].filter((u) => u.role !== 'admin'));

  const departmentNames = new Map([root, ...departmentsByKey.values()].map((d) => [d.id, d.name]));
  const signIns: DemoSignIn[] = FEATURED_SIGN_INS.flatMap((loginId) => {
    const user = usersByLogin.get(loginId);
    if (!user) return [];
    return [
      {
        loginId,
        password: DEMO_PASSWORD,
        name: user.name,
        role: user.role,
        ...(user.title ? { title: user.title } : {}),
        department: departmentNames.get(user.departmentId) ?? '',
      },
    ];
  });

  return {
    password: DEMO_PASSWORD,
    root,
    departments: [...departmentsByKey.values()],
    users: [...usersByLogin.values()],
    adminCreated: !adminExists && PEOPLE.some((p) => p.role === 'admin'),
    conversations: seededConversations,
    signIns,
  };
}

/** A deterministic stand-in for chance: the same demo every time (a 32-bit integer hash). */
function hash(...parts: number[]): number {
  let h = 2166136261;
  for (const p of parts) h = Math.imul(h ^ p, 16777619) >>> 0;
  h ^= h >>> 15;
  return Math.imul(h, 2246822507) >>> 0;
}

/**
 * The month before today of ended telework sessions, so the reports have something to show: on
 * weekdays about half the people telework, from 8:00–10:00 for 7–9½ hours, some with a lunch
 * break between two sessions, now and then an evening session past midnight. As the licence pool
 * would: a start that finds every licence in use (TELEWORK_CAPACITY) is refused and recorded.
 */
async function seedTeleworkMonth(services: Services, people: readonly User[]): Promise<void> {
  const MIN = 60_000;
  const DAY = 86_400_000;
  const now = services.clock().getTime();
  // 00:00 Asia/Tokyo today (UTC+9, no daylight saving).
  const today = Math.floor((now + 9 * 3_600_000) / DAY) * DAY - 9 * 3_600_000;
  const rows: { userId: string; startedAt: Date; endedAt: Date }[] = [];
  for (let d = 30; d >= 1; d--) {
    const midnight = today - d * DAY;
    const weekday = new Date(midnight + 9 * 3_600_000).getUTCDay();
    if (weekday === 0 || weekday === 6) continue;
    people.forEach((person, i) => {
      const r = hash(i, d);
      if (r % 100 >= 50) return;
      const start = midnight + 8 * 60 * MIN + ((r >>> 8) % 120) * MIN;
      const end = start + 7 * 60 * MIN + ((r >>> 16) % 150) * MIN;
      if ((r >>> 4) % 4 === 0) {
        const noon = midnight + 12 * 60 * MIN;
        rows.push({ userId: person.id, startedAt: new Date(start), endedAt: new Date(noon) });
        rows.push({ userId: person.id, startedAt: new Date(noon + 60 * MIN), endedAt: new Date(end) });
      } else {
        rows.push({ userId: person.id, startedAt: new Date(start), endedAt: new Date(end) });
      }
      if ((r >>> 12) % 15 === 0) {
        const evening = midnight + 21 * 60 * MIN + ((r >>> 20) % 60) * MIN;
        rows.push({ userId: person.id, startedAt: new Date(evening), endedAt: new Date(evening + 3 * 60 * MIN) });
      }
    });
  }
  rows.sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime());
  const held: number[] = []; // end times of the sessions holding a licence
  const kept: typeof rows = [];
  const refused: { userId: string; at: Date }[] = [];
  for (const row of rows) {
    const at = row.startedAt.getTime();
    for (let i = held.length - 1; i >= 0; i--) if (held[i]! <= at) held.splice(i, 1);
    if (held.length >= services.config.TELEWORK_CAPACITY) {
      refused.push({ userId: row.userId, at: row.startedAt });
      continue;
    }
    held.push(row.endedAt.getTime());
    kept.push(row);
  }
  await services.telework.seedHistory(kept, refused);
}
