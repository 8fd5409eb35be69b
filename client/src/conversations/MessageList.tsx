import { lazy, Suspense, useCallback, type ReactNode, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { Conversation, Message } from '../../../shared/schemas/conversations.js';
import { useApp, type Thread } from '../app/state';
import { useI18n } from '../i18n/i18n';
import { formatDay } from '../i18n/format';
import { loadOlder } from '../net/sync';
import { buildRows, type Row } from './rows';
import { readersOf } from './readStatus';
import { MessageRow } from './MessageRow';
import { spokenSender, spokenState } from './spoken';
import { useJump } from './actions/useJump';
/** Opened now and then: loaded on first use, keeping the first load small. */
const ReadersDialog = lazy(() => import('./ReadersDialog').then((m) => ({ default: m.ReadersDialog })));

const NEAR_END_PX = 48;
/** How long after the reader's own input (wheel, touch, keys, pointer) a scroll counts as theirs. */
const READER_INTENT_MS = 1000;
/** Room above the first message for "the beginning" or "load earlier messages". */
const HEADER_PX = 56;

interface Props {
  conversation: Conversation;
  thread: Thread;
  onAtEndChange: (atEnd: boolean) => void;
  /**
   * The highest seq whose message is on screen now (whole, or filling the view), told on every
   * scroll, resize and new row: what may be marked read while the window has the focus.
   */
  onSeen?: (seq: number) => void;
  /** Changes whenever the reader sends something: jump to the end then. */
  sentCount: number;
  /** Extra controls under each stored message (a meeting's 決定事項/ToDo marks); keep it stable. */
  rowTools?: (message: Message) => ReactNode;
}

/**
 * The history, virtualised: only the rows near the viewport are in the DOM, so tens of thousands
 * of messages scroll smoothly. Anchored to the end like a chat: new messages follow when the
 * reader is at the bottom, and loading older ones above keeps the reader's place.
 */
export function MessageList({ conversation, thread, onAtEndChange, onSeen, sentCount, rowTools }: Props) {
  const { t, lang } = useI18n();
  const me = useApp((s) => s.me);
  const users = useApp((s) => s.users);
  const presence = useApp((s) => s.presence);
  const outbox = useApp((s) => s.outbox);
  const marks = useApp((s) => s.reads[conversation.id]);
  const scroller = useRef<HTMLDivElement>(null);
  const [atEnd, setAtEnd] = useState(true);
  const [readersOfMessage, setReadersOfMessage] = useState<string | null>(null);
  /** Where the reader was as of the last scroll at this height: at the end, or not. */
  const wasAtEnd = useRef(true);
  /** The scroller's height when wasAtEnd was last measured: a change means a resize, not a scroll. */
  const measuredHeight = useRef(0);
  /**
   * When the reader last moved the list themselves (wheel, touch, keys, pointer, a jump they asked
   * for). Only they take it away from the end: the list's own adjustments (rows appended or measured
   * again, the virtualiser settling after a resize) fire scroll events too, and one of those caught
   * mid-way must not leave a reader who was at the end unpinned.
   */
  const readerAt = useRef(0);
  const readerMoved = () => performance.now() - readerAt.current < READER_INTENT_MS;
  const takeOver = () => {
    readerAt.current = performance.now();
    virtualizer.cancelScroll();
  };
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
  const scrollToIndex = useCallback(
    (index: number) => {
      readerAt.current = performance.now(); // a jump the reader asked for
      virtualizer.scrollToIndex(index, { align: 'center' });
    },
    [virtualizer],
  );
  const highlightSeq = useJump(conversation.id, thread, rows, scrollToIndex);
  // The message jumped to also takes the focus (a screen reader reads it; keys continue from it),
  // once the virtualiser has drawn it — a few frames at most after the scroll.
  useEffect(() => {
    if (highlightSeq === null) return;
    let frame = 0;
    let tries = 0;
    const focusRow = () => {
      const row = scroller.current?.querySelector<HTMLElement>(`[data-row-seq="${highlightSeq}"]`);
      if (row) {
        row.tabIndex = -1;
        row.focus({ preventScroll: true });
      } else if (tries++ < 30) frame = requestAnimationFrame(focusRow);
    };
    frame = requestAnimationFrame(focusRow);
    return () => cancelAnimationFrame(frame);
  }, [highlightSeq]);

  const items = virtualizer.getVirtualItems();

  /** Tell which messages are on screen now (see seenSeqIn). */
  function reportSeen() {
    const el = scroller.current;
    if (el && onSeen) onSeen(seenSeqIn(el));
  }

  /**
   * The window (or the pane) changed size: a reader who was at the end stays at the end — the
   * browser keeps scrollTop, so without this the newest messages slide below the fold while the
   * list still believes it is at the end (remote-desktop windows are resized all the time).
   */
  function onResized() {
    const el = scroller.current;
    if (!el) return;
    measuredHeight.current = el.clientHeight;
    if (wasAtEnd.current) {
      el.scrollTop = el.scrollHeight;
      virtualizer.scrollToEnd();
    }
    reportSeen();
  }

  function onScroll() {
    const el = scroller.current;
    if (!el) return;
    // A scroll caused by a resize (the browser clamping scrollTop) is not the reader moving.
    if (measuredHeight.current && el.clientHeight !== measuredHeight.current) return onResized();
    measuredHeight.current = el.clientHeight;
    // Within a screen of the top: fetch the previous page before the reader gets there.
    if (el.scrollTop < el.clientHeight && thread.hasMoreBefore && !thread.loadingOlder) void loadOlder(conversation.id);
    const end = el.scrollHeight - el.scrollTop - el.clientHeight <= NEAR_END_PX;
    if (!end && wasAtEnd.current && !readerMoved()) {
      el.scrollTop = el.scrollHeight;
      reportSeen();
      return;
    }
    wasAtEnd.current = end;
    if (end !== atEnd) {
      setAtEnd(end);
      onAtEndChange(end);
    }
    reportSeen();
  }

  // Resizes of the scroller (the window, the sidebar collapsing): keep the end pinned. Observed
  // once; the height last measured is only updated by a scroll or a handled resize, never by a
  // render (the virtualiser re-renders on resizes too, before this observer hears of them).
  const resized = useRef(onResized);
  resized.current = onResized;
  useEffect(() => {
    const el = scroller.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    measuredHeight.current = el.clientHeight;
    const observer = new ResizeObserver(() => {
      if (el.clientHeight !== measuredHeight.current) resized.current();
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  // Rows measured again with the same rows in the list (a reaction or a quote drawn, an edit, a
  // font that arrived): a reader who was at the end stays at the end. The virtualiser keeps the end
  // itself when it can, but skips its adjustment while one of its own scrolls (the opening jump to
  // the end) is still being confirmed, and then the newest messages would slide below the fold.
  // New or removed rows are not this case: the virtualiser follows appends and keeps the reader's
  // place when older pages arrive above.
  const totalSize = virtualizer.getTotalSize();
  const lastLayout = useRef({ totalSize, count: rows.length, lastKey: rows.at(-1)?.key });
  useLayoutEffect(() => {
    const before = lastLayout.current;
    const lastKey = rows.at(-1)?.key;
    lastLayout.current = { totalSize, count: rows.length, lastKey };
    if (before.totalSize === totalSize || before.count !== rows.length || before.lastKey !== lastKey) return;
    const el = scroller.current;
    if (!el || !wasAtEnd.current || el.scrollHeight - el.scrollTop - el.clientHeight <= 1) return;
    el.scrollTop = el.scrollHeight;
    virtualizer.scrollToEnd();
  });

  // New rows, or rows measured again: what is on screen may have changed without a scroll.
  useEffect(() => {
    const frame = requestAnimationFrame(reportSeen);
    return () => cancelAnimationFrame(frame);
  });

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
        onWheel={takeOver}
        onTouchStart={takeOver}
        onTouchMove={takeOver}
        onPointerDown={takeOver}
        onKeyDown={takeOver}
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
          <div className="history__window" style={{ transform: `translateY(${items[0]?.start ?? 0}px)` }} role="list" aria-label={t('conv.messages')}>
            {items.map((item) => {
              const row = rows[item.index]!;
              const sender = spokenSender(row, meId, (id) => users[id]?.name, t);
              const state = spokenState(row, meId, conversation.myLastReadSeq, readLabel(row), t);
              return (
                <div
                  key={item.key}
                  data-index={item.index}
                  ref={virtualizer.measureElement}
                  className="history__row"
                  role="listitem"
                  data-row-seq={row.kind === 'message' ? row.message.seq : undefined}
                >
                  {row.newDay && (
                    <div className="day-sep" role="separator" data-testid="day-separator">
                      <span>{formatDay(row.newDay, lang)}</span>
                    </div>
                  )}
                  {sender && <span className="visually-hidden">{sender}</span>}
                  {row.kind === 'message' && (
                    <MessageRow
                      message={row.message}
                      mine={row.message.senderId === meId}
                      grouped={row.grouped}
                      sender={users[row.message.senderId]}
                      presence={presence[row.message.senderId]}
                      readLabel={readLabel(row)}
                      onShowReaders={conversation.kind === 'group' || conversation.kind === 'channel' ? setReadersOfMessage : undefined}
                      highlighted={row.message.seq === highlightSeq}
                      tools={rowTools}
                      closed={Boolean(conversation.closedAt)}
                    />
                  )}
                  {row.kind === 'outgoing' && <MessageRow outgoing={row.outgoing} mine grouped={row.grouped} readLabel={null} />}
                  {state && <span className="visually-hidden">{state}</span>}
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
      {readersOfMessage && (
        <Suspense fallback={null}>
          <ReadersDialog messageId={readersOfMessage} onClose={() => setReadersOfMessage(null)} />
        </Suspense>
      )}
    </div>
  );
}

/**
 * The highest seq among the messages on screen in `scroller`: a message counts when all of it is
 * inside the visible box, or, taller than the box, when it fills it. A message partly below the
 * fold (or scrolled out of view) does not count: 既読 tells the sender it was seen.
 */
export function seenSeqIn(scroller: HTMLElement): number {
  const box = scroller.getBoundingClientRect();
  if (box.height <= 0) return 0;
  let seen = 0;
  for (const row of scroller.querySelectorAll<HTMLElement>('[data-row-seq]')) {
    const seq = Number(row.dataset.rowSeq);
    if (!(seq > seen)) continue;
    const r = row.getBoundingClientRect();
    const visible = Math.min(r.bottom, box.bottom) - Math.max(r.top, box.top);
    if (r.height > 0 && visible >= Math.min(r.height, box.height) - 1) seen = seq;
  }
  return seen;
}
