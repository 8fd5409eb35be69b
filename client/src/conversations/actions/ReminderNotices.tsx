import { useApp } from '../../app/state';
import { navigate } from '../../app/router';
import { useI18n } from '../../i18n/i18n';
import { dismissReminder, jumpTo, useReminders } from './actions';
import '../../i18n/ja-screens'; // this screen's strings (kept out of the first load)

/**
 * Reminders to confirm (確認依頼) that arrived on this page, until confirmed or dismissed.
 * (Desktop notifications can hook `onReminder` in net/socket.ts.)
 */
export function ReminderNotices() {
  const { t } = useI18n();
  const reminders = useReminders();
  const users = useApp((s) => s.users);
  if (reminders.length === 0) return null;
  return (
    <div className="reminders" role="status" data-testid="reminders">
      {reminders.map((r) => (
        <div key={r.messageId} className="reminder" data-testid="reminder">
          <span>{t('msg.reminderFrom', { name: users[r.senderId]?.name ?? t('conv.unknownUser'), body: r.message.body.slice(0, 60) })}</span>
          <button
            type="button"
            className="button button--small"
            onClick={() => {
              navigate(`/c/${r.conversationId}`);
              jumpTo(r.conversationId, r.message.seq);
            }}
          >
            {t('msg.open')}
          </button>
          <button type="button" className="button button--small button--quiet" onClick={() => dismissReminder(r.messageId)}>
            {t('msg.dismiss')}
          </button>
        </div>
      ))}
    </div>
  );
}
