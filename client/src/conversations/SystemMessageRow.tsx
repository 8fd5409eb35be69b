import type { Message } from '../../../shared/schemas/conversations.js';
import { useApp } from '../app/state';
import { navigate } from '../app/router';
import { useI18n, type Translate } from '../i18n/i18n';
import { formatDateTime, formatTime } from '../i18n/format';

/** A notice written by the server (someone left …): centred and muted, not a person's bubble. */
export function SystemMessageRow({ message }: { message: Message }) {
  const { t, lang } = useI18n();
  const users = useApp((s) => s.users);
  const people = (message.system?.userIds ?? []).map((id) => users[id]?.name);
  // Someone this client has not loaded: the server's own words name them correctly.
  const text = people.every(Boolean) ? systemText(t, message, people.join('、')) : message.body;
  return (
    <div className="msg msg--system" data-testid="system-message" data-seq={message.seq} role="note">
      <span className="msg__system-text">{text}</span>{' '}
      <time dateTime={message.createdAt} title={formatDateTime(message.createdAt, lang)}>
        {formatTime(message.createdAt, lang)}
      </time>
      {message.system?.type === 'meeting_summary' && message.system.meetingId && (
        <>
          {' '}
          <a
            href={`/meetings/${message.system.meetingId}/minutes`}
            onClick={(e) => {
              e.preventDefault();
              navigate(`/meetings/${message.system!.meetingId}/minutes`);
            }}
            data-testid="meeting-summary-link"
          >
            {t('conv.system.openMinutes')}
          </a>
        </>
      )}
    </div>
  );
}

/** The notice in the reader's language; one this client does not know is shown as the server wrote it. */
function systemText(t: Translate, message: Message, names: string): string {
  switch (message.system?.type) {
    case 'member_left':
      return t('conv.system.memberLeft', { names });
    case 'members_added':
      return t('conv.system.membersAdded', { names });
    case 'member_removed':
      return t('conv.system.memberRemoved', { names });
    case 'title_changed':
      return t('conv.system.titleChanged', { title: message.system.title ?? '' });
    case 'member_joined':
      return t('conv.system.memberJoined', { names });
    case 'department_moved':
      return t('conv.system.departmentMoved', { names });
    case 'meeting_invited':
      return t('conv.system.meetingInvited', { names });
    case 'meeting_started':
      return t('conv.system.meetingStarted');
    case 'meeting_joined':
      return t('conv.system.meetingJoined', { names });
    case 'meeting_left':
      return t('conv.system.meetingLeft', { names });
    case 'meeting_extended':
      return t('conv.system.meetingExtended', { n: message.system.minutes ?? 0 });
    case 'meeting_ended':
      return t('conv.system.meetingEnded');
    case 'meeting_summary':
      // The summary's own text (decisions, ToDos) is the server's, written for everyone alike.
      return message.body;
    default:
      return message.body;
  }
}
