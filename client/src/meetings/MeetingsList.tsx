import { lazy, Suspense, useEffect, useId, useState, type KeyboardEvent } from 'react';
import type { Meeting, MeetingState } from '../../../shared/schemas/meetings.js';
import { navigate } from '../app/router';
import { useApp } from '../app/state';
import { isImeKey } from '../composer/keys';
import { useI18n } from '../i18n/i18n';
import '../i18n/ja-meetings';
import { formatDateTime, formatTime } from '../i18n/format';
import { ApiError } from '../net/api';
import { onConnected } from '../net/socket';
import { listMeetings } from './api';
import { useMeetings } from './store';
import './meetings.css';

const StartMeetingDialog = lazy(() => import('./StartMeetingDialog').then((m) => ({ default: m.StartMeetingDialog })));

const TABS: MeetingState[] = ['scheduled', 'running', 'ended'];
const SEARCH_DEBOUNCE_MS = 300;

/**
 * My meetings: upcoming, running now, past, searchable by topic and participant (the server
 * searches, kana-insensitively). The start dialog opens over it (`?new=1`, from a conversation's
 * header or a person's card).
 */
export function MeetingsList({ start }: { start?: { from?: string; with?: string } }) {
  const { t, lang } = useI18n();
  const ids = useId();
  const [tab, setTab] = useState<MeetingState>('running');
  const [query, setQuery] = useState('');
  const [typed, setTyped] = useState('');
  const [shown, setShown] = useState<string[] | null>(null);
  const [error, setError] = useState('');
  const meetings = useMeetings((s) => s.meetings);
  const users = useApp((s) => s.users);

  // The search waits for a pause in typing and for the IME to finish (compositionend updates `typed`).
  useEffect(() => {
    const timer = setTimeout(() => setQuery(typed), SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [typed]);
  useEffect(() => {
    let current = true;
    const load = () =>
      listMeetings(tab, query.trim()).then(
        (list) => {
          if (!current) return;
          setShown(list.map((m) => m.id));
          setError('');
        },
        (e: unknown) => current && setError(e instanceof ApiError ? t(`err.${e.code}`) : t('err.internal')),
      );
    void load();
    const stop = onConnected(() => void load());
    return () => {
      current = false;
      stop();
    };
  }, [tab, query]); // eslint-disable-line react-hooks/exhaustive-deps

  // A meeting whose state moved on (started, ended) leaves this tab; others keep the server's order.
  const list = (shown ?? []).map((id) => meetings[id]).filter((m): m is Meeting => Boolean(m) && m!.state === tab);
  const tabKey = (e: KeyboardEvent<HTMLButtonElement>, i: number) => {
    if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
    const next = TABS[(i + (e.key === 'ArrowRight' ? 1 : TABS.length - 1)) % TABS.length]!;
    setTab(next);
    document.getElementById(`${ids}-tab-${next}`)?.focus();
  };

  return (
    <section className="meetings" aria-labelledby={`${ids}-h`} data-testid="meetings-list">
      <div className="meetings__bar">
        <h2 id={`${ids}-h`}>{t('mtg.list.heading')}</h2>
        <button type="button" className="button button--primary button--small" onClick={() => navigate('/meetings?new=1')} data-testid="meetings-new">
          {t('mtg.list.new')}
        </button>
        <a
          className="button button--small"
          href="/todos"
          data-testid="meetings-todos"
          onClick={(e) => {
            e.preventDefault();
            navigate('/todos');
          }}
        >
          {t('mtg.list.todos')}
        </a>
      </div>
      <div className="meetings__tools">
        <div role="tablist" aria-label={t('mtg.list.kinds')} className="meetings__tabs">
          {TABS.map((k, i) => (
            <button
              key={k}
              id={`${ids}-tab-${k}`}
              type="button"
              role="tab"
              aria-selected={tab === k}
              aria-controls={`${ids}-panel`}
              tabIndex={tab === k ? 0 : -1}
              className={`meetings__tab${tab === k ? ' meetings__tab--current' : ''}`}
              onClick={() => setTab(k)}
              onKeyDown={(e) => tabKey(e, i)}
              data-testid={`meetings-tab-${k}`}
            >
              {t(`mtg.list.${k}`)}
            </button>
          ))}
        </div>
        <input
          className="input meetings__search"
          type="search"
          aria-label={t('mtg.list.search')}
          placeholder={t('mtg.list.search')}
          defaultValue=""
          onChange={(e) => {
            if (!(e.nativeEvent as InputEvent).isComposing) setTyped(e.target.value);
          }}
          onCompositionEnd={(e) => setTyped(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && isImeKey({ isComposing: e.nativeEvent.isComposing, keyCode: e.keyCode })) e.preventDefault();
          }}
          data-testid="meetings-search"
        />
      </div>
      <div id={`${ids}-panel`} role="tabpanel" aria-labelledby={`${ids}-tab-${tab}`}>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        {shown && list.length === 0 && !error && <p className="muted">{t('mtg.list.empty')}</p>}
        <ul className="meetings__items">
          {list.map((m) => (
            <li key={m.id} className="meetings__item" data-testid="meeting-item" data-meeting-id={m.id}>
              <a
                href={`/meetings/${m.id}`}
                onClick={(e) => {
                  e.preventDefault();
                  navigate(`/meetings/${m.id}`);
                }}
                className="meetings__topic"
              >
                {m.topic}
              </a>
              <span className="muted small">
                {formatDateTime(m.startsAt, lang)}–{formatTime(m.endedAt ?? m.endsAt, lang)}
              </span>
              <span className="muted small">
                {m.memberIds
                  .slice(0, 5)
                  .map((id) => users[id]?.name ?? '')
                  .filter(Boolean)
                  .join('、')}
                {m.memberIds.length > 5 ? ` … ${t('mtg.list.members', { n: m.memberIds.length })}` : ''}
              </span>
            </li>
          ))}
        </ul>
      </div>
      {start && (
        <Suspense fallback={null}>
          <StartMeetingDialog fromConversationId={start.from} withUserId={start.with} onClose={() => (history.length > 1 ? history.back() : navigate('/meetings', { replace: true }))} />
        </Suspense>
      )}
    </section>
  );
}
