import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { Conversation } from '../../../shared/schemas/conversations.js';
import { useApp, type Thread } from '../app/state';
import { useI18n } from '../i18n/i18n';
import { formatDay } from '../i18n/format';
import { loadOlder } from '../net/sync';
import { buildRows, type Row } from './rows';
import { readersOf } from './readStatus';
import { MessageRow } from './MessageRow';
import { useJump } from './actions/useJump';

const NEAR_END_PX = 48;
/** Room above the first message for "the beginning" or "load earlier messages". */
const HEADER_PX = 56;

interface Props {
  conversation: Conversation;
  thread: Thread;
  onAtEndChange: (atEnd: boolean) => void;
  /** Changes whenever the reader sends something: jump to the end then. */
  sentCount: number;
}

/**
 * The history, virtualised: only the rows near the viewport are in the DOM, so tens of thousands
 * of messages scroll smoothly. Anchored to the end like a chat: new messages follow when the
 * reader is at the bottom, and loading older ones above keeps the reader's place.
 */
export function MessageList({ conversation, thread, onAtEndChange, sentCount }: Props) {
  const { t, lang } = useI18n();
  const me = useApp((s) => s.me);
  const users = useApp((s) => s.users);
  const presence = useApp((s) => s.presence);
  const outbox = useApp((s) => s.outbox);
  const marks = useApp((s) => s.reads[conversation.id]);
  const scroller = useRef<HTMLDivElement>(null);
  const [atEnd, setAtEnd] = useState(true);
  const meId = me?.id ?? '';

  const outgoing = useMemo(
    () =>
      Object.values(outbox)
        .filter((o) => o.conversationId === conversation.id)
        .sort((a, b) => a.createdAt.localeCompare(b.createdAt)),
    [outbox, conversation.id],
  );
  const rows = useMemo(() => buildRows(thread.messages, outgoing, meId), [thread.messages, outgoing, meId]);

  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: (i) => (rows[i]?.grouped ? 44 : 72) + (rows[i]?.newDay ? 44 : 0),
    getItemKey: (i) => rows[i]?.key ?? i,
    overscan: 10,
    // The header sits in the padding, outside the rows: the row at the top is always a message or
    // a day, which is what keeps the reader's place when older messages arrive above it.
    paddingStart: HEADER_PX,
    anchorTo: 'end',
    followOnAppend: true,
    scrollEndThreshold: NEAR_END_PX,
  });

  // Open at the latest message.
  useLayoutEffect(() => {
    virtualizer.scrollToEnd();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- once per conversation (the view is keyed by it)
  }, []);

  // My own new message: show it even if I had scrolled up.
  useEffect(() => {
    if (sentCount > 0) virtualizer.scrollToEnd();
  }, [sentCount, virtualizer]);

  // A quote's original or a pinned message asked for: load back to it if needed, then show it.
  const scrollToIndex = useCallback((index: number) => virtualizer.scrollToIndex(index, { align: 'center' }), [virtualizer]);
  const highlightSeq = useJump(conversation.id, thread, rows, scrollToIndex);

  const items = virtualizer.getVirtualItems();

  function onScroll() {
    const el = scroller.current;
    if (!el) return;
    // Within a screen of the top: fetch the previous page before the reader gets there.
    if (el.scrollTop < el.clientHeight && thread.hasMoreBefore && !thread.loadingOlder) void loadOlder(conversation.id);
    const end = el.scrollHeight - el.scrollTop - el.clientHeight <= NEAR_END_PX;
    if (end !== atEnd) {
      setAtEnd(end);
      onAtEndChange(end);
    }
  }

  const memberCount = conversation.memberIds.length;
  function readLabel(row: Row): string | null {
    if (row.kind !== 'message' || row.message.senderId !== meId || row.message.deletedAt) return null;
    const n = readersOf(row.message.seq, conversation.memberIds, marks, meId);
    if (n === 0) return null;
    return conversation.kind === 'dm' || memberCount <= 2 ? t('conv.readDm') : t('conv.readGroup', { n });
  }

  return (
    <div className="history">
      <div
        ref={scroller}
        className="history__scroller"
        onScroll={onScroll}
        // The reader takes over: drop any scroll the list was still settling (e.g. the initial jump
        // to the end), so that loading older messages above keeps the reader's place.
        onWheel={() => virtualizer.cancelScroll()}
        onTouchStart={() => virtualizer.cancelScroll()}
        onPointerDown={() => virtualizer.cancelScroll()}
        onKeyDown={() => virtualizer.cancelScroll()}
        tabIndex={0}
        role="region"
        aria-label={t('conv.messages')}
        data-testid="message-list"
      >
        <div className="history__sizer" style={{ height: virtualizer.getTotalSize() }}>
          <div className="history__header" style={{ height: HEADER_PX }}>
            {thread.hasMoreBefore ? (
              <button type="button" className="button button--quiet button--small" onClick={() => void loadOlder(conversation.id)} data-testid="load-older">
                {thread.loadingOlder ? t('conv.loading') : t('conv.loadOlder')}
              </button>
            ) : (
              <p className="muted small">{t('conv.start')}</p>
            )}
          </div>
          <div className="history__window" style={{ transform: `translateY(${items[0]?.start ?? 0}px)` }}>
            {items.map((item) => {
              const row = rows[item.index]!;
              return (
                <div key={item.key} data-index={item.index} ref={virtualizer.measureElement} className="history__row">
                  {row.newDay && (
                    <div className="day-sep" role="separator" data-testid="day-separator">
                      <span>{formatDay(row.newDay, lang)}</span>
                    </div>
                  )}
                  {row.kind === 'message' && (
                    <MessageRow
                      message={row.message}
                      mine={row.message.senderId === meId}
                      grouped={row.grouped}
                      sender={users[row.message.senderId]}
                      presence={presence[row.message.senderId]}
                      readLabel={readLabel(row)}
                      highlighted={row.message.seq === highlightSeq}
                    />
                  )}
                  {row.kind === 'outgoing' && <MessageRow outgoing={row.outgoing} mine grouped={row.grouped} readLabel={null} />}
                </div>
              );
            })}
          </div>
        </div>
      </div>
      {!atEnd && (
        <button type="button" className="button jump-latest" onClick={() => virtualizer.scrollToEnd()}>
          ↓ {t('conv.jumpLatest')}
        </button>
      )}
    </div>
  );
}
