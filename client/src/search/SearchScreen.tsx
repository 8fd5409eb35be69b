import { useEffect, useId, useMemo, useRef, useState, type FormEvent } from 'react';
import type { SearchAnswer, SearchResult } from '../../../shared/schemas/search.js';
import type { User } from '../../../shared/schemas/auth.js';
import { MAX_SEARCH_QUERY_CHARS } from '../../../shared/constants.js';
import { navigate } from '../app/router';
import { useApp } from '../app/state';
import { isImeKey } from '../composer/keys';
import { byLatestActivity, conversationTitle } from '../conversations/title';
import { findPeople } from '../directory/people';
import { formatDateTime } from '../i18n/format';
import { useI18n, type MessageKey } from '../i18n/i18n';
import { api, ApiError } from '../net/api';
import { Snippet } from './Snippet';
import { useSearchWords } from './words';
import './search.css';

const PAGE = 20;
const SENDER_CHOICES = 8;

interface Filters {
  conversationId: string;
  senderId: string;
  from: string;
  to: string;
  hasFile: boolean;
}

/**
 * 「メッセージを検索」 (issue 12): `GET /api/search` over the conversations I am a member of, newest
 * first, with filters (conversation — or this one, when opened from it —, sender, dates, has a
 * file). A search runs on Enter or 検索, never mid-conversion (an IME's Enter only confirms).
 * Each result shows its snippet with the matching parts as <mark> (from the server's offsets,
 * as text), and opens the conversation at that message.
 */
export function SearchScreen({ q, conversationId }: { q: string; conversationId?: string }) {
  const { t, lang } = useI18n();
  const w = useSearchWords();
  const ids = useId();
  const users = useApp((s) => s.users);
  const conversations = useApp((s) => s.conversations);
  const me = useApp((s) => s.me);
  const input = useRef<HTMLInputElement>(null);
  const composing = useRef(false);
  const [text, setText] = useState(q);
  const [filters, setFilters] = useState<Filters>({ conversationId: conversationId ?? '', senderId: '', from: '', to: '', hasFile: false });
  const [senderQuery, setSenderQuery] = useState('');
  /** The query last searched for (the results are for it). */
  const [searched, setSearched] = useState(q.trim());
  const [results, setResults] = useState<SearchResult[]>([]);
  const [nextBefore, setNextBefore] = useState<string | undefined>();
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState('');
  const run = useRef(0);

  useEffect(() => {
    input.current?.focus();
  }, []);

  async function search(query: string, f: Filters, before?: string) {
    const n = ++run.current;
    setLoading(true);
    setError('');
    try {
      const answer = await api.get<SearchAnswer>('/api/search', {
        q: query,
        conversationId: f.conversationId || undefined,
        senderId: f.senderId || undefined,
        from: f.from || undefined,
        to: f.to || undefined,
        hasFile: f.hasFile ? 'true' : undefined,
        before,
        limit: PAGE,
      });
      if (n !== run.current) return; // a newer search took over
      setResults((old) => (before ? [...old, ...answer.results] : answer.results));
      setNextBefore(answer.nextBefore);
    } catch (e) {
      if (n !== run.current) return;
      if (!before) setResults([]);
      const reason = e instanceof ApiError ? (e.code === 'bad_request' ? e.message : t(`err.${e.code}` as MessageKey)) : t('err.internal');
      setError(w('error', { reason }));
    } finally {
      if (n === run.current) setLoading(false);
    }
  }

  // A new query, or other filters for the query searched: search (again) from the newest.
  useEffect(() => {
    if (searched) void search(searched, filters);
    else {
      run.current++;
      setResults([]);
      setNextBefore(undefined);
      setLoading(false);
    }
  }, [searched, filters]); // eslint-disable-line react-hooks/exhaustive-deps

  function submit(e: FormEvent) {
    e.preventDefault();
    if (composing.current) return;
    const query = text.trim();
    navigate(`/search?${new URLSearchParams({ ...(query ? { q: query } : {}), ...(conversationId ? { c: conversationId } : {}) }).toString()}`, { replace: true });
    if (query === searched && query) void search(query, filters);
    else setSearched(query);
  }

  const conversationOptions = useMemo(
    () =>
      Object.values(conversations)
        .sort(byLatestActivity)
        .filter((c) => c.id !== conversationId)
        .map((c) => ({ id: c.id, title: conversationTitle(c, users, me?.id, t) })),
    [conversations, users, me?.id, t, conversationId],
  );
  const here = conversationId ? conversations[conversationId] : undefined;
  const hereTitle = here ? conversationTitle(here, users, me?.id, t) : '';
  const sender = filters.senderId ? users[filters.senderId] : undefined;
  const senderChoices = useMemo(
    () => (senderQuery.trim() && !sender ? findPeople(users, senderQuery, SENDER_CHOICES, (u) => Boolean(u.disabled)) : []),
    [senderQuery, users, sender],
  );
  const setFilter = <K extends keyof Filters>(key: K, value: Filters[K]) => setFilters((f) => ({ ...f, [key]: value }));
  const chooseSender = (u: User) => {
    setFilter('senderId', u.id);
    setSenderQuery('');
  };

  return (
    <section className="search" aria-labelledby={`${ids}-h`} data-testid="search-screen">
      <h1 id={`${ids}-h`} className="screen-title">
        {w('heading')}
      </h1>
      <form className="search__form" role="search" onSubmit={submit}>
        <label className="visually-hidden" htmlFor={`${ids}-q`}>
          {w('query')}
        </label>
        <input
          id={`${ids}-q`}
          ref={input}
          type="search"
          className="input search__input"
          value={text}
          maxLength={MAX_SEARCH_QUERY_CHARS * 2}
          placeholder={t('search.placeholder')}
          onChange={(e) => setText(e.target.value)}
          onCompositionStart={() => {
            composing.current = true;
          }}
          onCompositionEnd={() => {
            composing.current = false;
          }}
          onKeyDown={(e) => {
            // Enter confirming a conversion is the IME's, not a search.
            if (e.key === 'Enter' && (composing.current || isImeKey({ isComposing: e.nativeEvent.isComposing, keyCode: e.keyCode }))) e.preventDefault();
          }}
          aria-describedby={`${ids}-hint`}
          data-testid="search-input"
        />
        <button type="submit" className="button button--primary" onMouseDown={(e) => e.preventDefault()} data-testid="search-submit">
          {w('submit')}
        </button>
        <p id={`${ids}-hint`} className="muted small search__hint">
          {w('hint')}
        </p>
        <fieldset className="search__filters">
          <legend className="visually-hidden">{w('filters')}</legend>
          <div className="field">
            <label htmlFor={`${ids}-conv`}>{w('conversation')}</label>
            <select id={`${ids}-conv`} className="input" value={filters.conversationId} onChange={(e) => setFilter('conversationId', e.target.value)} data-testid="search-conversation-filter">
              <option value="">{w('allConversations')}</option>
              {conversationId && <option value={conversationId}>{w('thisConversation', { title: hereTitle })}</option>}
              {conversationOptions.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.title}
                </option>
              ))}
            </select>
          </div>
          <div className="field search__sender">
            <label htmlFor={`${ids}-sender`}>{w('sender')}</label>
            {sender ? (
              <span className="chip" data-testid="search-sender-chosen">
                {sender.name}
                <button type="button" className="button button--small button--quiet" aria-label={w('senderClear', { name: sender.name })} onClick={() => setFilter('senderId', '')}>
                  ×
                </button>
              </span>
            ) : (
              <input
                id={`${ids}-sender`}
                className="input"
                value={senderQuery}
                placeholder={w('senderPlaceholder')}
                onChange={(e) => setSenderQuery(e.target.value)}
                onKeyDown={(e) => {
                  if (e.key !== 'Enter') return;
                  // Enter never submits the search from here; outside a conversion it picks the first match.
                  e.preventDefault();
                  if (!isImeKey({ isComposing: e.nativeEvent.isComposing, keyCode: e.keyCode }) && senderChoices[0]) chooseSender(senderChoices[0]);
                }}
                aria-controls={senderChoices.length > 0 ? `${ids}-senders` : undefined}
                data-testid="search-sender"
              />
            )}
            {senderChoices.length > 0 && (
              <ul id={`${ids}-senders`} className="search__choices" aria-label={w('senderChoices')}>
                {senderChoices.map((u) => (
                  <li key={u.id}>
                    <button type="button" className="button button--small button--quiet" onClick={() => chooseSender(u)} data-testid="search-sender-choice">
                      {u.name} <span className="muted small">{u.nameKana}</span>
                    </button>
                  </li>
                ))}
              </ul>
            )}
          </div>
          <div className="field">
            <label htmlFor={`${ids}-from`}>{w('from')}</label>
            <input id={`${ids}-from`} type="date" className="input" value={filters.from} max={filters.to || undefined} onChange={(e) => setFilter('from', e.target.value)} data-testid="search-from" />
          </div>
          <div className="field">
            <label htmlFor={`${ids}-to`}>{w('to')}</label>
            <input id={`${ids}-to`} type="date" className="input" value={filters.to} min={filters.from || undefined} onChange={(e) => setFilter('to', e.target.value)} data-testid="search-to" />
          </div>
          <label className="check search__check">
            <input type="checkbox" checked={filters.hasFile} onChange={(e) => setFilter('hasFile', e.target.checked)} data-testid="search-has-file" />
            {w('hasFile')}
          </label>
        </fieldset>
      </form>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <div className="visually-hidden" aria-live="polite" data-testid="search-status">
        {searched && !loading ? (results.length === 0 ? w('none') : nextBefore ? w('countMore', { n: results.length }) : w('count', { n: results.length })) : ''}
      </div>
      {searched && !loading && !error && results.length === 0 && <p className="muted">{w('none')}</p>}
      {results.length > 0 && (
        <ol className="search__results" aria-label={w('results')} data-testid="search-results">
          {results.map((r) => {
            const conversation = conversations[r.conversationId];
            const title = conversation ? conversationTitle(conversation, users, me?.id, t) : '';
            const name = r.message.senderId === me?.id ? t('conv.you') : (users[r.message.senderId]?.name ?? t('conv.unknownUser'));
            const when = formatDateTime(r.message.createdAt, lang);
            const href = `/c/${r.conversationId}?at=${r.message.seq}`;
            return (
              <li key={r.message.id} className="search__result" data-testid="search-result" data-seq={r.message.seq}>
                <a
                  href={href}
                  className="search__link"
                  onClick={(e) => {
                    if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
                    e.preventDefault();
                    navigate(href);
                  }}
                >
                  <span className="search__meta small">
                    <span className="search__title">{title}</span>
                    <span>{name}</span>
                    <time dateTime={r.message.createdAt}>{when}</time>
                  </span>
                  <span className="search__snippet" data-testid="search-snippet">
                    {r.fileId && <span className="search__in-file muted small">{w('inFile')}: </span>}
                    <Snippet text={r.snippet} highlights={r.highlights} />
                  </span>
                </a>
              </li>
            );
          })}
        </ol>
      )}
      {loading && <p className="muted">{w('searching')}</p>}
      {nextBefore && !loading && (
        <button type="button" className="button" onClick={() => void search(searched, filters, nextBefore)} data-testid="search-more">
          {w('more')}
        </button>
      )}
    </section>
  );
}
