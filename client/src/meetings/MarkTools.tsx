import { useId, useState, type FormEvent } from 'react';
import type { Message } from '../../../shared/schemas/conversations.js';
import type { Meeting, MeetingMark } from '../../../shared/schemas/meetings.js';
import { useApp } from '../app/state';
import { useI18n } from '../i18n/i18n';
import { ApiError } from '../net/api';
import { addMark, removeMark } from './api';
import { useMeetings } from './store';

const NO_MARKS: Record<string, MeetingMark> = {};

/** A mark's words: 「決定事項」 or 「ToDo: 山田 太郎 (12/10まで)」. */
export function useMarkLabel(): (mark: MeetingMark) => string {
  const { t } = useI18n();
  const users = useApp((s) => s.users);
  return (mark) => {
    if (mark.kind === 'decision') return t('mtg.mark.decision');
    const who = t('mtg.mark.todoOf', { name: (mark.assigneeId && users[mark.assigneeId]?.name) || t('conv.unknownUser') });
    return mark.dueDate ? `${who} (${t('mtg.mark.dueOn', { date: mark.dueDate })})` : who;
  };
}

/**
 * Under each message of a meeting: its marks (決定事項, ToDo with assignee and due date) and, while
 * the meeting runs and I am in it, the buttons that add or remove them.
 */
export function MarkTools({ meeting, message, readOnly }: { meeting: Meeting; message: Message; readOnly: boolean }) {
  const { t } = useI18n();
  const ids = useId();
  const users = useApp((s) => s.users);
  const all = useMeetings((s) => s.marks[meeting.id] ?? NO_MARKS);
  const label = useMarkLabel();
  const marks = Object.values(all).filter((m) => m.messageId === message.id);
  const [todoForm, setTodoForm] = useState(false);
  const [assignee, setAssignee] = useState('');
  const [due, setDue] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  if (readOnly && marks.length === 0) return null;

  const fail = (e: unknown) => setError(e instanceof ApiError ? t(`err.${e.code}`) : t('err.internal'));
  const run = (work: Promise<unknown>, after?: () => void) => {
    setBusy(true);
    setError('');
    work.then(
      () => {
        setBusy(false);
        after?.();
      },
      (e: unknown) => {
        setBusy(false);
        fail(e);
      },
    );
  };
  const saveTodo = (e: FormEvent) => {
    e.preventDefault();
    if (!assignee) return;
    run(addMark(meeting.id, { messageId: message.id, kind: 'todo', assigneeId: assignee, ...(due ? { dueDate: due } : {}) }), () => {
      setTodoForm(false);
      setAssignee('');
      setDue('');
    });
  };
  const hasDecision = marks.some((m) => m.kind === 'decision');
  const hasTodo = marks.some((m) => m.kind === 'todo');

  return (
    <div className="marks" data-testid="message-marks">
      {marks.map((m) => (
        <span key={m.id} className={`mark mark--${m.kind}`} data-testid={`mark-${m.kind}`}>
          {label(m)}
          {!readOnly && (
            <button
              type="button"
              className="mark__remove"
              aria-label={`${t('mtg.mark.remove')}: ${label(m)}`}
              disabled={busy}
              onClick={() => run(removeMark(m))}
              data-testid="mark-remove"
            >
              ×
            </button>
          )}
        </span>
      ))}
      {!readOnly && !hasDecision && (
        <button
          type="button"
          className="button button--small button--quiet marks__add"
          disabled={busy}
          onClick={() => run(addMark(meeting.id, { messageId: message.id, kind: 'decision' }))}
          data-testid="mark-as-decision"
        >
          {t('mtg.mark.markDecision')}
        </button>
      )}
      {!readOnly && !hasTodo && !todoForm && (
        <button type="button" className="button button--small button--quiet marks__add" onClick={() => setTodoForm(true)} data-testid="mark-as-todo">
          {t('mtg.mark.markTodo')}
        </button>
      )}
      {!readOnly && todoForm && (
        <form className="marks__todo" onSubmit={saveTodo} data-testid="todo-form">
          <label htmlFor={`${ids}-who`}>{t('mtg.mark.assignee')}</label>
          <select id={`${ids}-who`} className="input" value={assignee} required onChange={(e) => setAssignee(e.target.value)} data-testid="todo-assignee">
            <option value="">—</option>
            {meeting.memberIds.map((id) => (
              <option key={id} value={id}>
                {users[id]?.name ?? t('conv.unknownUser')}
              </option>
            ))}
          </select>
          <label htmlFor={`${ids}-due`}>{t('mtg.mark.due')}</label>
          <input id={`${ids}-due`} className="input" type="date" value={due} onChange={(e) => setDue(e.target.value)} data-testid="todo-due" />
          <button type="submit" className="button button--small button--primary" disabled={busy || !assignee} data-testid="todo-save">
            {t('mtg.mark.save')}
          </button>
          <button type="button" className="button button--small button--quiet" onClick={() => setTodoForm(false)}>
            {t('mtg.mark.cancel')}
          </button>
        </form>
      )}
      {error && (
        <span className="error small" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}
