import { useEffect, useId, useRef, useState } from 'react';
import type { User } from '../../../shared/schemas/auth.js';
import type { Readers } from '../../../shared/schemas/mentions.js';
import { useApp } from '../app/state';
import { keepOpenWhileConverting } from '../composer/keys';
import { sortByKana } from '../directory/people';
import { PersonName } from '../directory/PersonName';
import { useI18n } from '../i18n/i18n';
import { api, ApiError } from '../net/api';
import '../i18n/ja-screens'; // this screen's strings (kept out of the first load)

/**
 * 既読 with names: who of the other members has read a message and who has not, asked of the
 * server when opened (`GET /api/messages/:id/readers`), so it is true at that moment. A modal
 * dialog: focus moves into it, Escape closes it, focus returns to the 「既読 n」 button.
 */
export function ReadersDialog({ messageId, onClose }: { messageId: string; onClose: () => void }) {
  const { t } = useI18n();
  const users = useApp((s) => s.users);
  const dialog = useRef<HTMLDialogElement>(null);
  const id = useId();
  const [readers, setReaders] = useState<Readers | null>(null);
  const [error, setError] = useState('');

  useEffect(() => {
    const d = dialog.current;
    if (d && !d.open) d.showModal?.();
  }, []);
  useEffect(() => {
    let live = true;
    api
      .get<Readers>(`/api/messages/${messageId}/readers`)
      .then((r) => live && setReaders(r))
      .catch((e: unknown) => live && setError(e instanceof ApiError ? t(`err.${e.code}`) : t('err.internal')));
    return () => {
      live = false;
    };
  }, [messageId, t]);

  const people = (ids: readonly string[]): User[] => sortByKana(ids.map((i) => users[i]).filter((u): u is User => Boolean(u)));
  const unknown = (ids: readonly string[]) => ids.filter((i) => !users[i]).length;

  return (
    <dialog
      ref={dialog}
      className="dialog dialog--small"
      aria-labelledby={`${id}-h`}
      onClose={onClose}
      onKeyDown={keepOpenWhileConverting}
      data-testid="readers-dialog"
    >
      <div className="dialog__body">
        <h2 id={`${id}-h`}>{t('mention.readersHeading')}</h2>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        {!readers && !error && <p className="muted">{t('conv.loading')}</p>}
        {readers &&
          (
            [
              ['read', readers.read, 'mention.readersRead'],
              ['unread', readers.unread, 'mention.readersUnread'],
            ] as const
          ).map(([key, ids, label]) => (
            <section key={key} className="readers" aria-labelledby={`${id}-${key}`} data-testid={`readers-${key}`}>
              <h3 id={`${id}-${key}`} className="readers__heading">
                {t(label, { n: ids.length })}
              </h3>
              {ids.length === 0 ? (
                <p className="muted small">{t('mention.readersNone')}</p>
              ) : (
                <ul className="readers__list">
                  {people(ids).map((u) => (
                    <li key={u.id} data-testid="reader">
                      <PersonName user={u} />
                    </li>
                  ))}
                  {unknown(ids) > 0 && <li className="muted">{t('mention.readersOthers', { n: unknown(ids) })}</li>}
                </ul>
              )}
            </section>
          ))}
        <div className="dialog__actions">
          <button type="button" className="button button--primary" onClick={() => dialog.current?.close()} autoFocus>
            {t('settings.close')}
          </button>
        </div>
      </div>
    </dialog>
  );
}
