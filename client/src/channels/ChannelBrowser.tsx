import { useEffect, useId, useRef, useState } from 'react';
import type { ChannelSummary } from '../../../shared/schemas/conversation-management.js';
import { navigate } from '../app/router';
import { useApp } from '../app/state';
import { keepOpenWhileConverting } from '../composer/keys';
import { useI18n } from '../i18n/i18n';
import { ApiError } from '../net/api';
import { LeaveDialog } from '../conversations/manage/LeaveDialog';
import { joinChannel } from '../conversations/manage/members';
import { listChannels } from './channels';
import '../i18n/ja-screens'; // this screen's strings (kept out of the first load)

/**
 * The channel list: every channel I may see, my department's own first. I open the ones I am in,
 * join those open to me, and leave (a department channel follows my department: no leaving).
 * Supervisors and admins open new ones from here.
 */
export function ChannelBrowser({ onClose, onCreate }: { onClose: () => void; onCreate: () => void }) {
  const { t } = useI18n();
  const dialog = useRef<HTMLDialogElement>(null);
  const ids = useId();
  const me = useApp((s) => s.me);
  const [channels, setChannels] = useState<ChannelSummary[] | null>(null);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState<string | null>(null);
  const [leaving, setLeaving] = useState<ChannelSummary | null>(null);
  const mayCreate = me?.role === 'supervisor' || me?.role === 'admin';

  const fail = (e: unknown) => setError(e instanceof ApiError ? t(`err.${e.code}`) : t('err.internal'));
  const reload = () => listChannels().then(setChannels, fail);

  useEffect(() => {
    const d = dialog.current;
    if (d && !d.open) d.showModal?.();
    void reload();
  }, []); // eslint-disable-line react-hooks/exhaustive-deps

  async function act(id: string, action: () => Promise<unknown>) {
    setBusy(id);
    setError('');
    try {
      await action();
      await reload();
    } catch (e) {
      fail(e);
    } finally {
      setBusy(null);
    }
  }

  function open(id: string) {
    onClose();
    navigate(`/c/${id}`);
  }

  return (
    <dialog ref={dialog} className="dialog" aria-labelledby={`${ids}-h`} onClose={onClose} onKeyDown={keepOpenWhileConverting} data-testid="channel-browser">
      <div className="dialog__body">
        <h2 id={`${ids}-h`}>{t('conv.channels.heading')}</h2>
        {mayCreate && (
          <p>
            <button type="button" className="button" onClick={onCreate} data-testid="create-channel">
              {t('conv.channels.create')}
            </button>
          </p>
        )}
        {channels === null && !error && <p className="muted">{t('dash.loading')}</p>}
        {channels?.length === 0 && <p className="muted">{t('conv.channels.empty')}</p>}
        <ul className="channel-list">
          {channels?.map((c) => (
            <li key={c.id} className="channel-list__item" data-testid="channel-item" data-channel-id={c.id}>
              <span className="channel-list__main">
                <span className="channel-list__title"># {c.title}</span>
                <span className="muted small">
                  {[
                    c.departmentChannel ? t('conv.channels.department') : t(`conv.channels.visibility.${c.visibility}`),
                    t('conv.channels.memberCount', { n: c.memberCount }),
                  ].join(' ・ ')}
                </span>
              </span>
              <span className="channel-list__actions">
                {c.member ? (
                  <>
                    <button type="button" className="button button--small" onClick={() => open(c.id)} data-testid="channel-open">
                      {t('conv.channels.open')}
                    </button>
                    {!c.departmentChannel && (
                      <button
                        type="button"
                        className="button button--small button--quiet"
                        disabled={busy === c.id}
                        onClick={() => setLeaving(c)}
                        data-testid="channel-leave"
                      >
                        {t('conv.channels.leave')}
                      </button>
                    )}
                  </>
                ) : (
                  <button
                    type="button"
                    className="button button--small button--primary"
                    disabled={busy === c.id}
                    onClick={() => void act(c.id, () => joinChannel(c.id))}
                    data-testid="channel-join"
                  >
                    {t('conv.channels.join')}
                  </button>
                )}
              </span>
            </li>
          ))}
        </ul>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        {leaving && (
          <LeaveDialog
            conversationId={leaving.id}
            title={leaving.title}
            onClose={() => setLeaving(null)}
            onLeft={() => {
              setLeaving(null);
              void reload();
            }}
          />
        )}
        <div className="dialog__actions">
          <button type="button" className="button button--primary" onClick={onClose} data-testid="channel-browser-close">
            {t('conv.mgmt.close')}
          </button>
        </div>
      </div>
    </dialog>
  );
}
