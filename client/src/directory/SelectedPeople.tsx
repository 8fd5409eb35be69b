import type { User } from '../../../shared/schemas/auth.js';

/**
 * The people picked so far in a people picker (a new conversation, a meeting): a chip each with a
 * remove button, or a line saying none is picked yet. The words come from the screen that uses it.
 */
export function SelectedPeople({
  ids,
  users,
  words,
  onRemove,
  testId,
}: {
  ids: readonly string[];
  users: Record<string, User | undefined>;
  words: { title: string; none: string; remove: (name: string) => string; unknown?: string };
  onRemove: (id: string) => void;
  testId?: string;
}) {
  return (
    <div className="picker__selected">
      <h3 className="small">{words.title}</h3>
      {ids.length === 0 && <p className="muted small">{words.none}</p>}
      <ul className="chips" data-testid={testId}>
        {ids.map((id) => (
          <li key={id} className="chip" data-user-id={id}>
            {users[id]?.name ?? words.unknown}
            <button type="button" className="chip__remove" aria-label={words.remove(users[id]?.name ?? '')} onClick={() => onRemove(id)}>
              ×
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
