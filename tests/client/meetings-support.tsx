// Shared by the meetings component tests: the network edges (fetch, and socket.io-client's socket),
// answered the way the server answers, and a small office in the app state.
import { vi } from 'vitest';
import type { User } from '../../shared/schemas/auth.js';
import type { Meeting } from '../../shared/schemas/meetings.js';
import { appStore, initialState } from '../../client/src/app/state';

export const id = (n: number, prefix = 'a') => `${prefix}${n.toString(16).padStart(23, '0')}`;
export const person = (n: number, name: string, kana: string): User => ({
  id: id(n),
  loginId: `user${n}`,
  staffNo: `S${n}`,
  name,
  nameKana: kana,
  departmentId: 'd'.repeat(24),
  role: 'staff',
});
export const YAMADA = person(1, '山田 太郎', 'やまだ たろう');
export const SATO = person(2, '佐藤 花子', 'さとう はなこ');
export const SUZUKI = person(3, '鈴木 一郎', 'すずき いちろう');
export const GROUP_ID = id(9, 'c');
export const MEETING_ID = id(7, 'e');
export const MEETING_CONV = id(8, 'c');

/** Signed in as `me`, with the three people known and a group of all three. */
export function office(me: User = YAMADA): void {
  appStore.set(() => ({
    ...initialState(),
    me,
    users: Object.fromEntries([YAMADA, SATO, SUZUKI].map((u) => [u.id, u])),
    conversations: {
      [GROUP_ID]: {
        id: GROUP_ID,
        kind: 'group',
        title: '情報政策課',
        memberIds: [YAMADA.id, SATO.id, SUZUKI.id],
        lastSeq: 0,
        unreadCount: 0,
        myLastReadSeq: 0,
        readSeqs: {},
        createdAt: '2026-12-04T00:00:00.000Z',
        activityAt: '2026-12-04T00:00:00.000Z',
      },
    },
  }));
}

export function meeting(extra: Partial<Meeting> = {}): Meeting {
  const now = Date.now();
  return {
    id: MEETING_ID,
    conversationId: MEETING_CONV,
    topic: '窓口の混雑対策',
    agenda: ['現状の共有', '対策案'],
    agendaDone: [false, false],
    hostId: YAMADA.id,
    memberIds: [YAMADA.id, SATO.id, SUZUKI.id],
    startsAt: new Date(now - 60_000).toISOString(),
    endsAt: new Date(now + 14 * 60_000).toISOString(),
    state: 'running',
    durationMin: 15,
    fromConversationId: GROUP_ID,
    participants: [
      { userId: YAMADA.id, spans: [{ joinedAt: new Date(now - 60_000).toISOString() }], joined: true },
      { userId: SATO.id, spans: [{ joinedAt: new Date(now - 30_000).toISOString() }], joined: true },
      { userId: SUZUKI.id, spans: [], joined: false },
    ],
    createdAt: new Date(now - 60_000).toISOString(),
    ...extra,
  };
}

export interface Call {
  method: string;
  path: string;
  body?: unknown;
}

/**
 * `fetch` answered by `answer(method, path, body)` (a value is sent as JSON with 200/201); every
 * request is recorded.
 */
export function serve(answer: (call: Call) => unknown): Call[] {
  const calls: Call[] = [];
  vi.stubGlobal('fetch', async (url: string, init: RequestInit = {}) => {
    const method = init.method ?? 'GET';
    const call: Call = { method, path: url, ...(init.body ? { body: JSON.parse(String(init.body)) } : {}) };
    calls.push(call);
    const value = answer(call);
    if (value instanceof Response) return value;
    if (value === undefined) return new Response(null, { status: 204 });
    return new Response(JSON.stringify(value), { status: method === 'POST' && /\/marks$|\/api\/meetings$/.test(url) ? 201 : 200, headers: { 'Content-Type': 'application/json' } });
  });
  return calls;
}
