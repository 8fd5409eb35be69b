// @vitest-environment happy-dom
import { afterEach, describe, expect, test, vi } from 'vitest';
import { cleanup, render, screen } from '@testing-library/react';
import type { Message } from '../../shared/schemas/conversations.js';
import { MessageRow } from '../../client/src/conversations/MessageRow';

vi.mock('../../client/src/net/socket', () => ({ emitSend: vi.fn(), isConnected: () => false }));

afterEach(cleanup);

const message = (body: string, extra: Partial<Message> = {}): Message => ({
  id: 'aaaaaaaaaaaaaaaaaaaaaaaa',
  conversationId: 'bbbbbbbbbbbbbbbbbbbbbbbb',
  seq: 1,
  senderId: 'cccccccccccccccccccccccc',
  body,
  clientMsgId: 'client-0001',
  createdAt: '2025-04-01T00:30:00.000Z',
  mentions: [],
  ...extra,
});

const sender = { id: 'cccccccccccccccccccccccc', loginId: 'yamada', staffNo: 'A1', name: '山田 太郎', nameKana: 'やまだ たろう', departmentId: 'dddddddddddddddddddddddd', role: 'staff' as const };

describe('a message row', () => {
  test('shows markup as text and creates no element from it', () => {
    const { container } = render(<MessageRow message={message('<img src=x onerror=alert(1)>')} mine={false} grouped={false} sender={sender} readLabel={null} />);
    expect(screen.getByTestId('message-body').textContent).toBe('<img src=x onerror=alert(1)>');
    expect(container.querySelector('img')).toBeNull();
  });

  test('shows the sender with the kana reading and the time in Tokyo', () => {
    render(<MessageRow message={message('おはようございます')} mine={false} grouped={false} sender={sender} readLabel={null} />);
    expect(screen.getByText('やまだ たろう')).toBeTruthy();
    // 00:30 UTC is 09:30 in Tokyo.
    expect(screen.getByText('09:30')).toBeTruthy();
  });

  test('marks an edited message, and replaces a deleted one', () => {
    render(<MessageRow message={message('修正済み', { editedAt: '2025-04-01T01:00:00.000Z' })} mine={false} grouped sender={sender} readLabel={null} />);
    expect(screen.getByTestId('edited-mark').textContent).toBe('(編集済み)');
    cleanup();
    render(<MessageRow message={message('消した', { deletedAt: '2025-04-01T01:00:00.000Z' })} mine={false} grouped sender={sender} readLabel={null} />);
    expect(screen.getByTestId('message-body').textContent).toBe('このメッセージは取り消されました');
    expect(screen.queryByText('消した')).toBeNull();
  });

  test('shows the read status given for my own message', () => {
    render(<MessageRow message={message('資料を送りました')} mine grouped={false} readLabel="既読 2" />);
    expect(screen.getByTestId('read-status').textContent).toBe('既読 2');
  });

  test('a failed send shows the error and a retry button', () => {
    render(
      <MessageRow
        outgoing={{ clientMsgId: 'client-0002', conversationId: 'b', body: '送れない', status: 'failed', error: { code: 'rate_limited', message: 'x' }, createdAt: '2025-04-01T00:00:00.000Z', attempt: 1 }}
        mine
        grouped={false}
        readLabel={null}
      />,
    );
    expect(screen.getByTestId('send-error').textContent).toContain('操作が多すぎます');
    expect(screen.getByTestId('retry-send')).toBeTruthy();
  });
});
