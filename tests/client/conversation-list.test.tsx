// @vitest-environment happy-dom
import { afterEach, describe, expect, test, vi } from 'vitest';
import { cleanup, render, screen } from '@testing-library/react';
import type { Conversation, Message } from '../../shared/schemas/conversations.js';
import { initialState, type AppState } from '../../client/src/app/state';
import { conversationsLoaded } from '../../client/src/conversations/apply';
import { conversationChanged, conversationRemoved, conversationsAppended, cursorOf, oldestCursor } from '../../client/src/conversations/list';
import { MessageRow } from '../../client/src/conversations/MessageRow';

vi.mock('../../client/src/net/socket', () => ({ emitSend: vi.fn(), isConnected: () => false }));

afterEach(cleanup);

const ME = 'a'.repeat(24);
const OTHER = 'b'.repeat(24);

const conv = (n: number, extra: Partial<Conversation> = {}): Conversation => ({
  id: n.toString(16).padStart(24, '0'),
  kind: 'group',
  title: `会話 ${n}`,
  memberIds: [ME, OTHER],
  lastSeq: 0,
  unreadCount: 0,
  myLastReadSeq: 0,
  readSeqs: {},
  createdAt: new Date(Date.UTC(2026, 0, 1, 0, n)).toISOString(),
  activityAt: new Date(Date.UTC(2026, 0, 1, 0, n)).toISOString(),
  ...extra,
});

const loaded = (list: Conversation[]): AppState => conversationsLoaded({ ...initialState() }, list);

describe('the conversation list beyond its first page', () => {
  test('the next page starts after the oldest conversation held, in the server cursor format', () => {
    const list = [conv(5), conv(2), conv(9)];
    expect(oldestCursor(list)).toBe(cursorOf(conv(2)));
    expect(cursorOf(conv(2))).toBe(`${Date.UTC(2026, 0, 1, 0, 2)}_${conv(2).id}`);
    // Equal activity: the smaller id is further down the list.
    expect(oldestCursor([conv(3, { activityAt: conv(1).activityAt }), conv(1)])).toBe(cursorOf(conv(1)));
    expect(oldestCursor([])).toBeUndefined();
  });

  test('a further page adds what is missing and keeps what events already made newer', () => {
    const held = conv(2, { lastSeq: 4, unreadCount: 3 });
    const next = conversationsAppended(loaded([held]), [conv(2), conv(1)]);
    expect(next.conversations[held.id]).toMatchObject({ lastSeq: 4, unreadCount: 3 });
    expect(next.conversations[conv(1).id]).toBeDefined();
  });

  test('a membership change replaces members and title only; leaving drops the conversation and its history', () => {
    const state = loaded([conv(1, { lastSeq: 7, unreadCount: 2 })]);
    const changed = conversationChanged(state, conv(1, { memberIds: [ME], title: '改名' }));
    expect(changed.conversations[conv(1).id]).toMatchObject({ memberIds: [ME], title: '改名', lastSeq: 7, unreadCount: 2 });
    const withThread = { ...changed, threads: { [conv(1).id]: { messages: [], hasMoreBefore: false, loadingOlder: false } } };
    const gone = conversationRemoved(withThread, conv(1).id);
    expect(gone.conversations[conv(1).id]).toBeUndefined();
    expect(gone.threads[conv(1).id]).toBeUndefined();
  });
});

describe('a system message', () => {
  const notice: Message = {
    id: 'e'.repeat(24),
    conversationId: conv(1).id,
    seq: 3,
    senderId: OTHER,
    body: '山田さんが退出しました',
    clientMsgId: 'system:x',
    createdAt: '2026-01-01T00:30:00.000Z',
    mentions: [],
    system: { type: 'member_left', userIds: [OTHER] },
  };

  test('is shown as a centred notice, not as a bubble', () => {
    render(<MessageRow message={notice} mine={false} grouped={false} readLabel={null} />);
    const row = screen.getByTestId('system-message');
    expect(row.className).toContain('msg--system');
    expect(row.textContent).toContain('退出しました');
    expect(screen.queryByTestId('message-body')).toBeNull();
  });
});
