import { useEffect, useId, useMemo, useRef, useState, type FormEvent } from 'react';
import { useApp } from '../app/state';
import { useI18n } from '../i18n/i18n';
import { ApiError } from '../net/api';
import { findPeople } from '../directory/people';
import { SelectedPeople } from '../directory/SelectedPeople';
import { PersonName } from '../directory/PersonName';
import { PresenceDot } from '../presence/PresenceDot';
import { create } from './create';
import { keepOpenWhileConverting } from '../composer/keys';
import '../i18n/ja-screens'; // this screen's strings (kept out of the first load)

const MAX_RESULTS = 50;

type Kind = 'dm' | 'group' | 'channel';
type Visibility = 'department' | 'everyone' | 'members';

/**
 * Start a direct message or a group, picking people by name, kana reading or staff number;
 * supervisors and admins also open channels (public to their department or to everyone).
 */
export function NewConversationDialog({ onClose, initialKind }: { onClose: () => void; initialKind?: Kind }) {
  const { t } = useI18n();
  const dialog = useRef<HTMLDialogElement>(null);
  const search = useRef<HTMLInputElement>(null);
  const users = useApp((s) => s.users);
  const presence = useApp((s) => s.presence);
  const departments = useApp((s) => s.departments);
  const me = useApp((s) => s.me);
  const mayOpenChannels = me?.role === 'supervisor' || me?.role === 'admin';
  const kinds: Kind[] = mayOpenChannels ? ['dm', 'group', 'channel'] : ['dm', 'group'];
  const [kind, setKind] = useState<Kind>(initialKind && kinds.includes(initialKind) ? initialKind : 'dm');
  const [visibility, setVisibility] = useState<Visibility>('department');
  const [query, setQuery] = useState('');
  const [title, setTitle] = useState('');
  const [selected, setSelected] = useState<string[]>([]);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const ids = useId();

  useEffect(() => {
    const d = dialog.current;
    if (d && !d.open) d.showModal?.();
    // showModal focuses the first control (the kind); the search is where people start.
    search.current?.focus();
  }, []);

  const departmentName = useMemo(() => new Map(departments.map((d) => [d.id, d.name])), [departments]);
  const results = useMemo(() => findPeople(users, query, MAX_RESULTS, (u) => u.id === me?.id), [users, me?.id, query]);

  function toggle(id: string) {
    setError('');
    if (kind === 'dm') setSelected((s) => (s[0] === id ? [] : [id]));
    else setSelected((s) => (s.includes(id) ? s.filter((x) => x !== id) : [...s, id]));
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (kind === 'dm' && selected.length !== 1) return setError(t('new.pickOne'));
    if (kind === 'group' && selected.length === 0) return setError(t('new.pickSome'));
    if (kind === 'channel' && !title.trim()) return setError(t('conv.new.needTitle'));
    setBusy(true);
    try {
      await create({
        kind,
        memberIds: selected,
        title: kind !== 'dm' && title.trim() ? title.trim() : undefined,
        ...(kind === 'channel' ? { visibility } : {}),
      });
      onClose();
    } catch (err) {
      setError(err instanceof ApiError ? t(`err.${err.code}`) : t('err.internal'));
      setBusy(false);
    }
  }

  return (
    <dialog
      ref={dialog}
      className="dialog"
      aria-labelledby={`${ids}-h`}
      onClose={onClose}
      onKeyDown={keepOpenWhileConverting}
      data-testid="new-conversation-dialog"
    >
      <form onSubmit={submit} className="dialog__body">
        <h2 id={`${ids}-h`}>{t('new.heading')}</h2>
        <fieldset className="segmented">
          <legend>{t('new.kind')}</legend>
          {kinds.map((k) => (
            <label key={k} className="segmented__option">
              <input
                type="radio"
                name="kind"
                value={k}
                checked={kind === k}
                onChange={() => {
                  setKind(k);
                  if (k === 'dm') setSelected((s) => s.slice(0, 1));
                }}
                data-testid={`new-kind-${k}`}
              />
              <span>{t(k === 'dm' ? 'new.dm' : k === 'group' ? 'new.group' : 'conv.new.channel')}</span>
            </label>
          ))}
        </fieldset>
        {kind !== 'dm' && (
          <div className="field">
            <label htmlFor={`${ids}-title`}>{t(kind === 'channel' ? 'conv.new.channelTitle' : 'new.title')}</label>
            <input
              id={`${ids}-title`}
              className="input"
              value={title}
              maxLength={100}
              required={kind === 'channel'}
              onChange={(e) => setTitle(e.target.value)}
              data-testid="new-title"
            />
          </div>
        )}
        {kind === 'channel' && (
          <fieldset className="segmented">
            <legend>{t('conv.new.visibility')}</legend>
            {(['department', 'everyone', 'members'] as const).map((v) => (
              <label key={v} className="segmented__option">
                <input type="radio" name="visibility" value={v} checked={visibility === v} onChange={() => setVisibility(v)} data-testid={`new-visibility-${v}`} />
                <span>{t(`conv.channels.visibility.${v}`)}</span>
              </label>
            ))}
          </fieldset>
        )}
        {kind === 'channel' && <p className="muted small">{t('conv.new.channelHint')}</p>}
        <div className="field">
          <label htmlFor={`${ids}-q`}>{t('new.search')}</label>
          <input
            id={`${ids}-q`}
            className="input"
            type="search"
            placeholder={t('new.searchPlaceholder')}
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            data-testid="people-search"
            ref={search}
          />
        </div>
        <div className="picker">
          <ul className="picker__results" aria-label={t('new.search')}>
            {results.length === 0 && <li className="muted">{t('new.noMatch')}</li>}
            {results.map((u) => (
              <li key={u.id}>
                <label className="picker__person" data-testid="people-option" data-user-id={u.id}>
                  <input type={kind === 'dm' ? 'radio' : 'checkbox'} name="member" checked={selected.includes(u.id)} onChange={() => toggle(u.id)} />
                  <PresenceDot presence={presence[u.id]} />
                  <PersonName user={u} />
                  <span className="muted small">
                    {departmentName.get(u.departmentId) ?? ''} {u.staffNo}
                  </span>
                </label>
              </li>
            ))}
          </ul>
          <SelectedPeople
            ids={selected}
            users={users}
            words={{ title: t('new.selected'), none: t('new.noneSelected'), remove: (name) => t('new.remove', { name }) }}
            onRemove={toggle}
          />
        </div>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <div className="dialog__actions">
          <button type="button" className="button" onClick={onClose}>
            {t('new.cancel')}
          </button>
          <button type="submit" className="button button--primary" disabled={busy} data-testid="new-create">
            {t('new.create')}
          </button>
        </div>
      </form>
    </dialog>
  );
}
