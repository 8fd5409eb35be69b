import { useEffect, useState } from 'react';
import type { Todo } from '../../../shared/schemas/meetings.js';
import { navigate } from '../app/router';
import { useI18n } from '../i18n/i18n';
import '../i18n/ja-meetings';
import { dayKey } from '../i18n/format';
import { ApiError } from '../net/api';
import { listTodos, setTodoDone } from './api';
import { onMarkEvent } from './live';
import './meetings.css';

/**
 * 自分のToDo: the ToDos assigned to me in meetings, until done (ticked here); done ones on request.
 * A ToDo marked, changed or removed meanwhile (`meeting:mark`) is fetched again.
 */
export function Todos() {
  const { t } = useI18n();
  const [showDone, setShowDone] = useState(false);
  const [todos, setTodos] = useState<Todo[] | null>(null);
  const [error, setError] = useState('');
  const [reload, setReload] = useState(0);
  const fail = (e: unknown) => setError(e instanceof ApiError ? t(`err.${e.code}`) : t('err.internal'));

  useEffect(() => {
    let current = true;
    listTodos(showDone ? undefined : false).then((list) => current && (setTodos(list), setError('')), (e: unknown) => current && fail(e));
    return () => {
      current = false;
    };
  }, [showDone, reload]); // eslint-disable-line react-hooks/exhaustive-deps
  useEffect(() => onMarkEvent((mark) => mark.kind === 'todo' && setReload((n) => n + 1)), []);

  const toggle = (todo: Todo, done: boolean) => {
    setError('');
    setTodos((list) => list?.map((x) => (x.id === todo.id ? { ...x, done } : x)) ?? null);
    setTodoDone(todo.id, done).then(
      () => !showDone && done && setTodos((list) => list?.filter((x) => x.id !== todo.id) ?? null),
      (e: unknown) => {
        setTodos((list) => list?.map((x) => (x.id === todo.id ? todo : x)) ?? null);
        fail(e);
      },
    );
  };
  const today = dayKey(new Date());

  return (
    <section className="todos" aria-labelledby="todos-h" data-testid="todos">
      <div className="meetings__bar">
        <h2 id="todos-h">{t('mtg.todo.heading')}</h2>
        <a
          className="button button--small button--quiet"
          href="/meetings"
          onClick={(e) => {
            e.preventDefault();
            navigate('/meetings');
          }}
        >
          {t('mtg.view.back')}
        </a>
        <label className="small">
          <input type="checkbox" checked={showDone} onChange={(e) => setShowDone(e.target.checked)} data-testid="todos-show-done" /> {t('mtg.todo.showDone')}
        </label>
      </div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {todos && todos.length === 0 && <p className="muted">{t('mtg.todo.empty')}</p>}
      <ul className="todos__items">
        {(todos ?? []).map((todo) => (
          <li key={todo.id} className={`todos__item${todo.done ? ' todos__item--done' : ''}`} data-testid="todo-item" data-todo-id={todo.id}>
            <label className="todos__body">
              <input
                type="checkbox"
                checked={Boolean(todo.done)}
                onChange={(e) => toggle(todo, e.target.checked)}
                aria-label={t('mtg.todo.doneLabel', { body: todo.body.slice(0, 80) })}
                data-testid="todo-done"
              />{' '}
              {todo.body}
            </label>
            <span className="muted small">
              <a
                href={`/meetings/${todo.meetingId}`}
                onClick={(e) => {
                  e.preventDefault();
                  navigate(`/meetings/${todo.meetingId}`);
                }}
              >
                {t('mtg.todo.from', { topic: todo.meetingTopic })}
              </a>
              {todo.dueDate && <> · {t('mtg.todo.due', { date: todo.dueDate })}</>}
              {todo.dueDate && !todo.done && todo.dueDate < today && <strong className="todos__overdue"> {t('mtg.todo.overdue')}</strong>}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
