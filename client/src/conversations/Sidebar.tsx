import { lazy, Suspense, useMemo, useState, type ReactNode } from 'react';
import type { Conversation } from '../../../shared/schemas/conversations.js';
import { useApp } from '../app/state';
import { navigate } from '../app/router';
import { useI18n } from '../i18n/i18n';
import { formatWhen } from '../i18n/format';
import { normalizeSearch } from '../directory/people';
import { PresenceDot } from '../presence/PresenceDot';
import { byLatestActivity, conversationTitle, dmPartnerId } from './title';
import { loadMoreConversations } from './list';

/** The dialog (with its people picker) loads the first time someone starts a conversation. */
const NewConversationDialog = lazy(() => import('./NewConversationDialog').then((m) => ({ default: m.NewConversationDialog })));
/** The channel list loads the first time someone opens it. */
// The offer to turn notifications on comes with the notification code, after sign-in (first-load budget).
const NotificationPrompt = lazy(() => import('../notifications/NotificationPrompt').then((m) => ({ default: m.NotificationPrompt })));
const ChannelBrowser = lazy(() => import('../channels/ChannelBrowser').then((m) => ({ default: m.ChannelBrowser })));

/** Favourites first (pinned to the top), then latest activity. */
function byFavouriteThenActivity(a: Conversation, b: Conversation): number {
  return Number(Boolean(b.favourite)) - Number(Boolean(a.favourite)) || byLatestActivity(a, b);
}

/** The list of conversations, latest activity first, with unread counts and a filter. */
export function Sidebar({ selectedId, search }: { selectedId?: string; search?: ReactNode }) {
  const { t, lang } = useI18n();
  const conversations = useApp((s) => s.conversations);
  const loaded = useApp((s) => s.conversationsLoaded);
  const users = useApp((s) => s.users);
  const presence = useApp((s) => s.presence);
  const me = useApp((s) => s.me);
  const [filter, setFilter] = useState('');
  const [creating, setCreating] = useState<false | 'any' | 'channel'>(false);
  const [browsing, setBrowsing] = useState(false);

  const items = useMemo(() => {
    const q = normalizeSearch(filter);
    return Object.values(conversations)
      .sort(byFavouriteThenActivity)
      .map((c) => ({ conversation: c, title: conversationTitle(c, users, me?.id, t) }))
      .filter(({ title, conversation }) => !q || normalizeSearch(title).includes(q) || memberMatches(conversation, users, q));
  }, [conversations, users, me?.id, t, filter]);

  return (
    <nav className="sidebar" aria-labelledby="sidebar-heading">
      <div className="sidebar__head">
        <h2 id="sidebar-heading" className="sidebar__title">
          {t('sidebar.heading')}
        </h2>
        <button type="button" className="button button--quiet button--small" data-testid="browse-channels" onClick={() => setBrowsing(true)}>
          # {t('conv.channels.button')}
        </button>
        <button type="button" className="button button--primary" data-testid="new-conversation" onClick={() => setCreating('any')}>
          ＋ {t('sidebar.new')}
        </button>
      </div>
      {search}
      <label className="visually-hidden" htmlFor="conversation-filter">
        {t('sidebar.filter')}
      </label>
      <input
        id="conversation-filter"
        className="input sidebar__filter"
        type="search"
        placeholder={t('sidebar.filterPlaceholder')}
        value={filter}
        onChange={(e) => setFilter(e.target.value)}
        data-testid="conversation-filter"
      />
      {loaded && items.length === 0 && <p className="muted sidebar__empty">{filter ? t('sidebar.noMatch') : t('sidebar.empty')}</p>}
      <ul
        className="conv-list"
        data-testid="conversation-list"
        onScroll={(e) => {
          // Near the end of what is loaded: fetch the next page of older conversations.
          const el = e.currentTarget;
          if (el.scrollTop + el.clientHeight >= el.scrollHeight - 80) void loadMoreConversations();
        }}
      >
        {items.map(({ conversation: c, title }) => {
          const partner = dmPartnerId(c, me?.id);
          const selected = c.id === selectedId;
          const preview = c.lastMessage ? (c.lastMessage.deletedAt ? t('conv.deleted') : c.lastMessage.body) : t('sidebar.noMessages');
          return (
            <li key={c.id}>
              <a
                href={`/c/${c.id}`}
                className={`conv-item${selected ? ' conv-item--selected' : ''}${c.unreadCount > 0 ? ' conv-item--unread' : ''}${c.muted ? ' conv-item--muted' : ''}`}
                aria-current={selected ? 'page' : undefined}
                data-testid="conversation-item"
                data-conversation-id={c.id}
                data-favourite={c.favourite ? 'true' : undefined}
                data-muted={c.muted ? 'true' : undefined}
                onClick={(e) => {
                  if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
                  e.preventDefault();
                  navigate(`/c/${c.id}`);
                }}
              >
                <span className="conv-item__icon" aria-hidden={partner ? undefined : true}>
                  {partner ? <PresenceDot presence={presence[partner]} /> : <span className="conv-kind">{c.kind === 'channel' ? '#' : '◎'}</span>}
                </span>
                <span className="conv-item__main">
                  <span className="conv-item__title" data-testid="conversation-title">
                    {title}
                  </span>
                  <span className="conv-item__preview">{preview}</span>
                </span>
                <span className="conv-item__meta">
                  {(c.favourite || c.muted) && (
                    <span className="conv-item__marks">
                      {c.favourite && (
                        <span className="conv-item__mark conv-item__mark--favourite" role="img" aria-label={t('conv.mgmt.favouriteMark')} data-testid="favourite-mark">
                          ★
                        </span>
                      )}
                      {c.muted && (
                        <span className="conv-item__mark" data-testid="muted-mark">
                          {t('conv.mgmt.mutedMark')}
                        </span>
                      )}
                    </span>
                  )}
                  <span className="conv-item__time">{formatWhen(c.lastMessage?.createdAt ?? c.createdAt, lang)}</span>
                  {(c.mentionCount ?? 0) > 0 && (
                    <span className="badge badge--mention" data-testid="mention-count" aria-label={t('mention.badge', { n: c.mentionCount ?? 0 })}>
                      @{c.mentionCount}
                    </span>
                  )}
                  {c.unreadCount > 0 && (
                    <span
                      className={c.muted ? 'badge badge--muted' : 'badge'}
                      data-testid="unread-count"
                      aria-label={c.muted ? t('conv.mgmt.mutedUnread', { n: c.unreadCount }) : t('sidebar.unread', { n: c.unreadCount })}
                    >
                      {c.unreadCount > 999 ? '999+' : c.unreadCount}
                    </span>
                  )}
                </span>
              </a>
            </li>
          );
        })}
      </ul>
      <Suspense fallback={null}>
        <NotificationPrompt />
      </Suspense>
      {creating && (
        <Suspense fallback={null}>
          <NewConversationDialog onClose={() => setCreating(false)} initialKind={creating === 'channel' ? 'channel' : undefined} />
        </Suspense>
      )}
      {browsing && (
        <Suspense fallback={null}>
          <ChannelBrowser
            onClose={() => setBrowsing(false)}
            onCreate={() => {
              setBrowsing(false);
              setCreating('channel');
            }}
          />
        </Suspense>
      )}
    </nav>
  );
}

function memberMatches(conversation: Conversation, users: Record<string, { name: string; nameKana: string }>, q: string): boolean {
  return conversation.memberIds.some((id) => {
    const u = users[id];
    return u && (normalizeSearch(u.name).includes(q) || normalizeSearch(u.nameKana).includes(q));
  });
}
