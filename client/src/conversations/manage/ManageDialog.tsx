import { useEffect, useId, useMemo, useRef, useState, type FormEvent } from 'react';
import type { User } from '../../../../shared/schemas/auth.js';
import type { Conversation } from '../../../../shared/schemas/conversations.js';
import { useApp } from '../../app/state';
import { useI18n } from '../../i18n/i18n';
import { ApiError } from '../../net/api';
import { keepOpenWhileConverting } from '../../composer/keys';
import { findPeople, sortByKana } from '../../directory/people';
import { PersonName } from '../../directory/PersonName';
import { addMembers, mayManage, removeMember, renameConversation } from './members';
import '../../i18n/ja-screens'; // this screen's strings (kept out of the first load)

const MAX_RESULTS = 30;

/**
 * A group's or channel's name and members. Everyone sees the members; its creator, supervisors
 * and admins rename it, add people (picked by name, kana or staff number) and remove them. A
 * department channel's members follow the department, so they are shown but not edited.
 */
export function ManageDialog({ conversation, me, onClose }: { conversation: Conversation; me: User | null; onClose: () => void }) {
  const { t } = useI18n();
  const dialog = useRef<HTMLDialogElement>(null);
  const ids = useId();
  const users = useApp((s) => s.users);
  const live = useApp((s) => s.conversations[conversation.id]) ?? conversation;
  const [title, setTitle] = useState(live.title);
  const [query, setQuery] = useState('');
  const [picked, setPicked] = useState<string[]>([]);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const manager = mayManage(live, me);
  const editMembers = manager && !live.departmentChannel;

  useEffect(() => {
    const d = dialog.current;
    if (d && !d.open) d.showModal?.();
  }, []);

  const members = useMemo(() => sortByKana(live.memberIds.map((id) => users[id]).filter((u): u is User => Boolean(u))), [live.memberIds, users]);
  const candidates = useMemo(() => {
    if (!editMembers || !query.trim()) return [];
    const inIt = new Set(live.memberIds);
    return findPeople(users, query, MAX_RESULTS, (u) => inIt.has(u.id) || Boolean(u.disabled));
  }, [editMembers, query, users, live.memberIds]);

  async function run(action: () => Promise<void>) {
    setBusy(true);
    setError('');
    try {
      await action();
    } catch (e) {
      setError(e instanceof ApiError ? t(`err.${e.code}`) : t('err.internal'));
    } finally {
      setBusy(false);
    }
  }

  function rename(e: FormEvent) {
    e.preventDefault();
    const next = title.trim();
    if (!next || next === live.title) return;
    void run(() => renameConversation(live.id, next));
  }

  function add(e: FormEvent) {
    e.preventDefault();
    if (picked.length === 0) return;
    void run(async () => {
      await addMembers(live.id, picked);
      setPicked([]);
      setQuery('');
    });
  }

  return (
    <dialog ref={dialog} className="dialog" aria-labelledby={`${ids}-h`} onClose={onClose} onKeyDown={keepOpenWhileConverting} data-testid="manage-dialog">
      <div className="dialog__body">
        <h2 id={`${ids}-h`}>{t('conv.mgmt.heading')}</h2>
        {manager ? (
          <form className="field" onSubmit={rename}>
            <label htmlFor={`${ids}-title`}>{t('conv.mgmt.title')}</label>
            <span className="inline">
              <input id={`${ids}-title`} className="input" value={title} maxLength={100} onChange={(e) => setTitle(e.target.value)} data-testid="manage-title" />
              <button type="submit" className="button" disabled={busy || !title.trim() || title.trim() === live.title} data-testid="manage-rename">
                {t('conv.mgmt.rename')}
              </button>
            </span>
          </form>
        ) : (
          <p className="muted small">{t('conv.mgmt.readOnly')}</p>
        )}
        {live.departmentChannel && <p className="muted small">{t('conv.mgmt.deptChannel')}</p>}

        <h3 className="small">{t('conv.mgmt.members', { n: live.memberIds.length })}</h3>
        <ul className="manage__members" data-testid="manage-members">
          {members.map((u) => (
            <li key={u.id} className="manage__member" data-user-id={u.id}>
              <PersonName user={u} />
              {editMembers && u.id !== me?.id && (
                <button
                  type="button"
                  className="button button--small button--quiet"
                  aria-label={t('conv.mgmt.removeLabel', { name: u.name })}
                  disabled={busy}
                  onClick={() => void run(() => removeMember(live.id, u.id))}
                  data-testid="manage-remove"
                >
                  {t('conv.mgmt.remove')}
                </button>
              )}
            </li>
          ))}
        </ul>

        {editMembers && (
          <form className="field" onSubmit={add}>
            <label htmlFor={`${ids}-q`}>{t('conv.mgmt.add')}</label>
            <input
              id={`${ids}-q`}
              className="input"
              type="search"
              placeholder={t('conv.mgmt.search')}
              value={query}
              onChange={(e) => setQuery(e.target.value)}
              data-testid="manage-search"
            />
            {query.trim() && candidates.length === 0 && <p className="muted small">{t('conv.mgmt.noMatch')}</p>}
            <ul className="manage__candidates">
              {candidates.map((u) => (
                <li key={u.id}>
                  <label className="picker__person" data-testid="manage-option">
                    <input
                      type="checkbox"
                      checked={picked.includes(u.id)}
                      onChange={() => setPicked((p) => (p.includes(u.id) ? p.filter((x) => x !== u.id) : [...p, u.id]))}
                    />
                    <PersonName user={u} />
                    <span className="muted small">{u.staffNo}</span>
                  </label>
                </li>
              ))}
            </ul>
            <span>
              <button type="submit" className="button" disabled={busy || picked.length === 0} data-testid="manage-add">
                {t('conv.mgmt.addButton')}
              </button>
            </span>
          </form>
        )}
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <div className="dialog__actions">
          <button type="button" className="button button--primary" onClick={onClose} data-testid="manage-close">
            {t('conv.mgmt.close')}
          </button>
        </div>
      </div>
    </dialog>
  );
}
