import { lazy, Suspense, useEffect, useRef, useState, type DragEvent, type ReactNode } from 'react';
import type { Message } from '../../../shared/schemas/conversations.js';
import { navigate } from '../app/router';
import { appStore, useApp } from '../app/state';
import { useI18n } from '../i18n/i18n';
import { ApiError } from '../net/api';
import { markRead, onMessage, onMessageUpdated } from '../net/socket';
import { loadLatest } from '../net/sync';
import { PresenceDot } from '../presence/PresenceDot';
import { presenceLabel } from '../presence/labels';
import { Composer } from '../composer/Composer';
import { markedRead } from './apply';
import { lastSeqOf } from './thread';
import { conversationTitle, dmPartnerId } from './title';
import { TypingIndicator } from './TypingIndicator';
import { usePageVisible, useWindowFocused } from './useVisible';
import { loadConversation } from './list';
// Loaded with the page, though the history and the header buttons that bring them load lazily:
// dialogs and the sidebar use these styles too, and the history's chunk then brings no CSS of its own.
import './manage/manage.css';
import './actions/actions.css';
import { jumpTo, setReplyTarget, startMessageActions, useReplyTarget } from './actions/actions';
import { attachFiles } from '../composer/attachments/uploads';
import { dragHasFiles, filesOf } from '../composer/attachments/pick';
import { useActionsUi } from './actions/lazy';

/** A conversation's files (issue 12): opened from the header, loaded on first use. */
const FilesPanel = lazy(() => import('../files/FilesPanel').then((m) => ({ default: m.FilesPanel })));

/**
 * Shown inside another screen (a meeting, issue 10): that screen has its own heading, may add
 * controls under each message, and makes the history read-only once it is over.
 */
export interface Embedding {
  /** The accessible name of the conversation's region (the screen's heading stays its own). */
  label: string;
  rowTools?: (message: Message) => ReactNode;
  readOnly?: boolean;
}

/** One open conversation: header, history, typing indicator and composer. */
export function ConversationView({ conversationId, embedded, at }: { conversationId: string; embedded?: Embedding; at?: number }) {
  const { t } = useI18n();
  const conversation = useApp((s) => s.conversations[conversationId]);
  const loaded = useApp((s) => s.conversationsLoaded);
  const thread = useApp((s) => s.threads[conversationId]);
  const users = useApp((s) => s.users);
  const presence = useApp((s) => s.presence);
  const me = useApp((s) => s.me);
  const visible = usePageVisible();
  const focused = useWindowFocused();
  const [atEnd, setAtEnd] = useState(true);
  const [sentCount, setSentCount] = useState(0);
  const [error, setError] = useState('');
  const [announcement, setAnnouncement] = useState('');
  // Message actions: the message being answered, and whether the next message asks to confirm.
  const replyTarget = useReplyTarget(conversationId);
  const [ackRequested, setAckRequested] = useState(false);
  useEffect(() => startMessageActions(), []);
  // The history (the virtualised list with its rows) and the header's buttons: a chunk fetched at start-up.
  const ui = useActionsUi();

  // Opened at a message (a search result, the files list): load back to it, show it highlighted.
  useEffect(() => {
    if (at) jumpTo(conversationId, at);
  }, [conversationId, at]);

  // Files dragged over the conversation: a drop zone shows; dropping attaches them to the composer.
  const [dropping, setDropping] = useState(false);
  const dragDepth = useRef(0);
  const [filesOpen, setFilesOpen] = useState(false);

  // Beyond the loaded pages of the list: fetch this one by itself.
  useEffect(() => {
    if (loaded && !conversation) void loadConversation(conversationId);
  }, [conversationId, loaded, Boolean(conversation)]); // eslint-disable-line react-hooks/exhaustive-deps

  useEffect(() => {
    if (!conversation || thread) return;
    loadLatest(conversationId).catch((e: unknown) => setError(e instanceof ApiError ? t(`err.${e.code}`) : t('err.internal')));
  }, [conversationId, Boolean(conversation), Boolean(thread)]); // eslint-disable-line react-hooks/exhaustive-deps

  // Reading (honest 既読): the read mark moves to the highest message actually on screen
  // (MessageList's onSeen: whole, or filling the view) while the tab is visible and its window has
  // the focus; checked again when focus comes back. Never beyond what has been seen.
  const [seenSeq, setSeenSeq] = useState(0);
  const myRead = conversation?.myLastReadSeq ?? 0;
  useEffect(() => {
    if (!thread || !visible || !focused || seenSeq <= myRead) return;
    markRead(conversationId, seenSeq);
    appStore.set((s) => {
      const c = s.conversations[conversationId];
      return c ? { ...s, conversations: { ...s.conversations, [c.id]: markedRead(s, c, seenSeq) } } : s;
    });
  }, [conversationId, thread, visible, focused, seenSeq, myRead]);

  // Screen readers hear new messages from others in this conversation.
  const announced = useRef('');
  useEffect(
    () =>
      onMessage((m) => {
        if (m.conversationId !== conversationId || m.senderId === appStore.get().me?.id) return;
        const name = appStore.get().users[m.senderId]?.name ?? t('conv.unknownUser');
        announced.current = m.id;
        setAnnouncement(t('conv.newMessage', { name, body: m.body.slice(0, 140) }));
      }),
    [conversationId, t],
  );
  // A message taken back leaves no trace of its text, the announcement included.
  useEffect(
    () =>
      onMessageUpdated((m) => {
        if (m.deletedAt && m.id === announced.current) setAnnouncement('');
      }),
    [],
  );

  if (!conversation) {
    return <section className="conversation conversation--empty">{loaded && <p className="muted">{t('conv.notFound')}</p>}</section>;
  }
  // Drawn once the history chunk is here (normally before the messages are): see ./actions/lazy.ts.
  if (!ui) {
    return (
      <section className="conversation conversation--empty">
        <p className="muted">{t('conv.loading')}</p>
      </section>
    );
  }
  const { ComposerQuote, ConversationActions, MessageList, PinnedList, ReminderNotices } = ui;
  const title = conversationTitle(conversation, users, me?.id, t);
  const partner = dmPartnerId(conversation, me?.id);
  const partnerPresence = partner ? presence[partner] : undefined;
  // A meeting's own conversation opened from the list links to its meeting view.
  const meetingId = embedded ? undefined : conversation.meetingId;
  // An ended meeting's record is final (closedAt): nothing more is written to it.
  const readOnly = Boolean(embedded?.readOnly || conversation.closedAt);

  // Dragging files in: counted enter/leave pairs (children fire their own), so the zone does not flicker.
  const drag = readOnly
    ? {}
    : {
        onDragEnter: (e: DragEvent) => {
          if (!dragHasFiles(e.dataTransfer)) return;
          e.preventDefault();
          dragDepth.current += 1;
          setDropping(true);
        },
        onDragOver: (e: DragEvent) => {
          if (!dragHasFiles(e.dataTransfer)) return;
          e.preventDefault();
          e.dataTransfer.dropEffect = 'copy';
        },
        onDragLeave: (e: DragEvent) => {
          if (!dragHasFiles(e.dataTransfer)) return;
          dragDepth.current = Math.max(0, dragDepth.current - 1);
          if (dragDepth.current === 0) setDropping(false);
        },
        onDrop: (e: DragEvent) => {
          if (!dragHasFiles(e.dataTransfer)) return;
          e.preventDefault();
          dragDepth.current = 0;
          setDropping(false);
          attachFiles(
            conversationId,
            filesOf(e.dataTransfer).map((file) => ({ file, name: file.name })),
          );
          document.getElementById('composer-input')?.focus();
        },
      };

  return (
    <section
      className={`conversation${embedded ? ' conversation--embedded' : ''}`}
      {...(embedded ? { 'aria-label': embedded.label } : { 'aria-labelledby': 'conversation-title' })}
      data-testid="conversation-view"
      data-conversation-id={conversationId}
      {...drag}
    >
      {dropping && (
        <div className="drop-zone" data-testid="drop-zone">
          <p>{t('attach.drop')}</p>
        </div>
      )}
      {!embedded && (
        <header className="conversation__head">
          {partner && <PresenceDot presence={partnerPresence} testId="conversation-presence" decorative />}
          <h2 id="conversation-title" className="conversation__title" data-testid="conversation-heading">
            {title}
          </h2>
          <span className="muted small">
            {partner
              ? [presenceLabel(t, partnerPresence), partnerPresence?.statusText].filter(Boolean).join(' — ')
              : t('conv.members', { n: conversation.memberIds.length })}
          </span>
          <PinnedList conversationId={conversationId} />
          {conversation.kind !== 'meeting' ? (
            <a
              href={`/meetings?new=1&from=${conversationId}`}
              className="button button--small button--quiet"
              onClick={(e) => {
                e.preventDefault();
                navigate(`/meetings?new=1&from=${conversationId}`);
              }}
              data-testid="start-meeting"
            >
              {t('conv.startMeeting')}
            </a>
          ) : (
            meetingId && (
              <a
                href={`/meetings/${meetingId}`}
                className="button button--small button--quiet"
                onClick={(e) => {
                  e.preventDefault();
                  navigate(`/meetings/${meetingId}`);
                }}
                data-testid="open-meeting"
              >
                {t('conv.openMeeting')}
              </a>
            )
          )}
          <button
            type="button"
            className="button button--small button--quiet"
            aria-haspopup="dialog"
            onClick={() => setFilesOpen(true)}
            data-testid="open-files"
          >
            {t('files.open')}
          </button>
          <a
            href={`/search?c=${conversationId}`}
            className="button button--small button--quiet"
            aria-label={t('search.inConversation')}
            title={t('search.inConversation')}
            onClick={(e) => {
              e.preventDefault();
              navigate(`/search?c=${conversationId}`);
            }}
            data-testid="search-conversation"
          >
            {t('search.short')}
          </a>
          <ConversationActions conversation={conversation} title={title} onError={setError} />
        </header>
      )}
      {filesOpen && (
        <Suspense fallback={null}>
          <FilesPanel conversationId={conversationId} title={title} onClose={() => setFilesOpen(false)} />
        </Suspense>
      )}
      <ReminderNotices />
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {thread ? (
        <MessageList
          conversation={conversation}
          thread={thread}
          onAtEndChange={setAtEnd}
          onSeen={setSeenSeq}
          sentCount={sentCount}
          rowTools={embedded?.rowTools}
        />
      ) : (
        <div className="history history--loading">
          <p className="muted">{t('conv.loading')}</p>
        </div>
      )}
      <TypingIndicator conversationId={conversationId} />
      <div className="visually-hidden" aria-live="polite" data-testid="new-message-announcer">
        {announcement}
      </div>
      {!readOnly && (
        <Composer
          conversationId={conversationId}
          onSent={() => {
            setSentCount((n) => n + 1);
            setReplyTarget(conversationId, undefined);
            setAckRequested(false);
          }}
          quote={replyTarget && <ComposerQuote target={replyTarget} />}
          sendExtras={{ ...(replyTarget ? { replyToId: replyTarget.id } : {}), ...(ackRequested ? { ackRequested: true } : {}) }}
          tools={
            <label className="composer-tools" title={t('msg.ackRequestHint')}>
              <input type="checkbox" checked={ackRequested} onChange={(e) => setAckRequested(e.target.checked)} data-testid="ack-request-toggle" />
              {t('msg.ackRequest')}
            </label>
          }
        />
      )}
    </section>
  );
}
