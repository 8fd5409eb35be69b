import { useState } from 'react';
import type { Message } from '../../../../shared/schemas/conversations.js';
import { useApp } from '../../app/state';
import { useI18n } from '../../i18n/i18n';
import { jumpTo, loadPins } from './actions';
import '../../i18n/ja-screens'; // this screen's strings (kept out of the first load)

/** The conversation's pinned messages, from the header: fetched when opened; choosing one jumps to it. */
export function PinnedList({ conversationId }: { conversationId: string }) {
  const { t } = useI18n();
  const users = useApp((s) => s.users);
  const [open, setOpen] = useState(false);
  const [pins, setPins] = useState<Message[] | null>(null);
  function toggle() {
    if (open) return setOpen(false);
    setOpen(true);
    setPins(null);
    loadPins(conversationId).then(setPins, () => setPins([]));
  }
  return (
    <div className="pins">
      <button type="button" className="button button--small button--quiet" aria-expanded={open} onClick={toggle} data-testid="pins-button">
        {t('msg.pins')}
      </button>
      {open && (
        <div className="pins__panel" data-testid="pins-panel">
          {pins === null && <p className="muted small">{t('conv.loading')}</p>}
          {pins?.length === 0 && <p className="muted small">{t('msg.pinsEmpty')}</p>}
          {pins && pins.length > 0 && (
            <ul className="pins__list">
              {pins.map((m) => (
                <li key={m.id}>
                  <button
                    type="button"
                    className="pins__item"
                    data-testid="pinned-message"
                    onClick={() => {
                      setOpen(false);
                      jumpTo(conversationId, m.seq);
                    }}
                  >
                    <span className="pins__sender">{users[m.senderId]?.name ?? t('conv.unknownUser')}</span>
                    <span className="pins__body">{m.body.slice(0, 80)}</span>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}
