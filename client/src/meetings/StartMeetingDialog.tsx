import { useEffect, useId, useMemo, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { MEETING_DURATIONS } from '../../../shared/constants.js';
import { navigate } from '../app/router';
import { appStore, useApp } from '../app/state';
import { isImeKey, keepOpenWhileConverting } from '../composer/keys';
import { findPeople } from '../directory/people';
import { SelectedPeople } from '../directory/SelectedPeople';
import { PersonName } from '../directory/PersonName';
import { useI18n } from '../i18n/i18n';
import '../i18n/ja-meetings';
import { ApiError } from '../net/api';
import { createMeeting, joinMeeting } from './api';

const MAX_RESULTS = 30;
const DEFAULT_DURATION = 15;
const MAX_AHEAD_MS = 7 * 24 * 60 * 60 * 1000;
const MAX_AGENDA = 20;

/** `YYYY-MM-DDTHH:mm` in the terminal's own time, the way `<input type="datetime-local">` wants it. */
export function localInputValue(date: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${p(date.getMonth() + 1)}-${p(date.getDate())}T${p(date.getHours())}:${p(date.getMinutes())}`;
}

interface Props {
  onClose: () => void;
  /** Started from a conversation: its members are invited, and the summary goes back there. */
  fromConversationId?: string;
  /** Started from a person's card: that person is invited. */
  withUserId?: string;
}

/**
 * Start a quick meeting: a topic, optional agenda items, a time box (default 15 minutes), whom to
 * invite (searchable by name or kana, like the directory), now or at a time within the week.
 */
export function StartMeetingDialog({ onClose, fromConversationId, withUserId }: Props) {
  const { t } = useI18n();
  const ids = useId();
  const dialog = useRef<HTMLDialogElement>(null);
  const topicInput = useRef<HTMLInputElement>(null);
  const users = useApp((s) => s.users);
  const me = useApp((s) => s.me);
  const [topic, setTopic] = useState('');
  const [agenda, setAgenda] = useState<string[]>([]);
  const [duration, setDuration] = useState<number>(DEFAULT_DURATION);
  const [later, setLater] = useState(false);
  const [startsAt, setStartsAt] = useState('');
  const [query, setQuery] = useState('');
  const [selected, setSelected] = useState<string[]>(() => initialMembers(fromConversationId, withUserId));
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const agendaInputs = useRef<(HTMLInputElement | null)[]>([]);
  const focusAgenda = useRef<number | null>(null);

  useEffect(() => {
    const d = dialog.current;
    if (d && !d.open) d.showModal?.();
    topicInput.current?.focus();
  }, []);
  useEffect(() => {
    if (focusAgenda.current !== null) agendaInputs.current[focusAgenda.current]?.focus();
    focusAgenda.current = null;
  }, [agenda.length]);

  const results = useMemo(() => findPeople(users, query, MAX_RESULTS, (u) => u.id === me?.id), [users, me?.id, query]);
  const toggle = (id: string) => setSelected((s) => (s.includes(id) ? s.filter((x) => x !== id) : [...s, id]));

  const addAgenda = () => {
    if (agenda.length >= MAX_AGENDA) return;
    focusAgenda.current = agenda.length;
    setAgenda((a) => [...a, '']);
  };
  // Enter in an agenda item adds the next one (never mid-conversion: the IME's Enter confirms).
  const agendaKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key !== 'Enter') return;
    e.preventDefault();
    if (!isImeKey({ isComposing: e.nativeEvent.isComposing, keyCode: e.keyCode })) addAgenda();
  };
  // The topic's Enter submits the form, except the Enter that confirms a conversion.
  const imeSafe = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter' && isImeKey({ isComposing: e.nativeEvent.isComposing, keyCode: e.keyCode })) e.preventDefault();
  };

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!topic.trim()) {
      setError(t('mtg.start.needTopic'));
      topicInput.current?.focus();
      return;
    }
    let at: string | undefined;
    if (later) {
      const when = startsAt ? new Date(startsAt).getTime() : NaN;
      if (!Number.isFinite(when) || when <= Date.now() || when > Date.now() + MAX_AHEAD_MS) return setError(t('mtg.start.needTime'));
      at = new Date(when).toISOString();
    }
    setBusy(true);
    setError('');
    try {
      const items = agenda.map((a) => a.trim()).filter(Boolean);
      let meeting = await createMeeting({
        topic: topic.trim(),
        memberIds: selected,
        durationMin: duration,
        ...(items.length ? { agenda: items } : {}),
        ...(fromConversationId ? { fromConversationId } : {}),
        ...(at ? { startsAt: at } : {}),
      });
      // Started now, the host is in it from the first moment.
      const myId = appStore.get().me?.id;
      if (meeting.state === 'running' && !meeting.participants.some((p) => p.userId === myId && p.joined)) meeting = await joinMeeting(meeting.id);
      // The meeting takes the dialog's place in the history (Back does not reopen the dialog).
      navigate(`/meetings/${meeting.id}`, { replace: true });
    } catch (err) {
      setError(err instanceof ApiError ? t(`err.${err.code}`) : t('err.internal'));
      setBusy(false);
    }
  }

  const now = new Date();
  return (
    <dialog ref={dialog} className="dialog" aria-labelledby={`${ids}-h`} onClose={onClose} onKeyDown={keepOpenWhileConverting} data-testid="start-meeting-dialog">
      <form onSubmit={submit} className="dialog__body" noValidate>
        <h2 id={`${ids}-h`}>{t('mtg.start.heading')}</h2>
        <div className="field">
          <label htmlFor={`${ids}-topic`}>{t('mtg.start.topic')}</label>
          <input
            id={`${ids}-topic`}
            ref={topicInput}
            className="input"
            value={topic}
            maxLength={100}
            required
            aria-required="true"
            onChange={(e) => setTopic(e.target.value)}
            onKeyDown={imeSafe}
            data-testid="meeting-topic"
          />
        </div>
        <fieldset className="meeting-form__agenda">
          <legend>{t('mtg.start.agenda')}</legend>
          <ol className="meeting-form__agenda-list">
            {agenda.map((item, i) => (
              <li key={i}>
                <input
                  ref={(el) => {
                    agendaInputs.current[i] = el;
                  }}
                  className="input"
                  value={item}
                  maxLength={200}
                  aria-label={t('mtg.start.agendaItem', { n: i + 1 })}
                  onChange={(e) => setAgenda((a) => a.map((x, j) => (j === i ? e.target.value : x)))}
                  onKeyDown={agendaKey}
                  data-testid="meeting-agenda-item"
                />
                <button
                  type="button"
                  className="button button--small button--quiet"
                  aria-label={t('mtg.start.agendaRemove', { n: i + 1 })}
                  onClick={() => setAgenda((a) => a.filter((_, j) => j !== i))}
                >
                  ×
                </button>
              </li>
            ))}
          </ol>
          {agenda.length < MAX_AGENDA && (
            <button type="button" className="button button--small" onClick={addAgenda} data-testid="meeting-agenda-add">
              {t('mtg.start.agendaAdd')}
            </button>
          )}
        </fieldset>
        <fieldset className="segmented">
          <legend>{t('mtg.start.duration')}</legend>
          {MEETING_DURATIONS.map((n) => (
            <label key={n} className="segmented__option">
              <input type="radio" name="duration" value={n} checked={duration === n} onChange={() => setDuration(n)} data-testid={`meeting-duration-${n}`} />
              <span>{t('mtg.start.minutes', { n })}</span>
            </label>
          ))}
        </fieldset>
        <fieldset className="segmented">
          <legend>{t('mtg.start.when')}</legend>
          <label className="segmented__option">
            <input type="radio" name="when" checked={!later} onChange={() => setLater(false)} data-testid="meeting-when-now" />
            <span>{t('mtg.start.now')}</span>
          </label>
          <label className="segmented__option">
            <input type="radio" name="when" checked={later} onChange={() => setLater(true)} data-testid="meeting-when-later" />
            <span>{t('mtg.start.later')}</span>
          </label>
        </fieldset>
        {later && (
          <div className="field">
            <label htmlFor={`${ids}-at`}>{t('mtg.start.at')}</label>
            <input
              id={`${ids}-at`}
              className="input"
              type="datetime-local"
              value={startsAt}
              min={localInputValue(now)}
              max={localInputValue(new Date(now.getTime() + MAX_AHEAD_MS))}
              onChange={(e) => setStartsAt(e.target.value)}
              data-testid="meeting-starts-at"
            />
          </div>
        )}
        <div className="field">
          <label htmlFor={`${ids}-q`}>{t('mtg.start.search')}</label>
          <input
            id={`${ids}-q`}
            className="input"
            type="search"
            placeholder={t('mtg.start.searchPlaceholder')}
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            onKeyDown={imeSafe}
            data-testid="meeting-people-search"
          />
        </div>
        <div className="picker">
          <ul className="picker__results" aria-label={t('mtg.start.participants')}>
            {results.length === 0 && <li className="muted">{t('mtg.start.noMatch')}</li>}
            {results.map((u) => (
              <li key={u.id}>
                <label className="picker__person" data-testid="meeting-person-option" data-user-id={u.id}>
                  <input type="checkbox" checked={selected.includes(u.id)} onChange={() => toggle(u.id)} />
                  <PersonName user={u} />
                </label>
              </li>
            ))}
          </ul>
          <SelectedPeople
            ids={selected}
            users={users}
            words={{ title: t('mtg.start.selected'), none: t('mtg.start.noneSelected'), remove: (name) => t('mtg.start.remove', { name }), unknown: t('conv.unknownUser') }}
            onRemove={toggle}
            testId="meeting-selected"
          />
        </div>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <div className="dialog__actions">
          <button type="button" className="button" onClick={onClose}>
            {t('mtg.start.cancel')}
          </button>
          <button type="submit" className="button button--primary" disabled={busy} data-testid="meeting-start-submit">
            {t(later ? 'mtg.start.submitLater' : 'mtg.start.submitNow')}
          </button>
        </div>
      </form>
    </dialog>
  );
}

function initialMembers(fromConversationId?: string, withUserId?: string): string[] {
  const { conversations, me } = appStore.get();
  const members = fromConversationId ? (conversations[fromConversationId]?.memberIds ?? []) : [];
  return [...new Set([...members, ...(withUserId ? [withUserId] : [])])].filter((id) => id !== me?.id);
}
