import { useMemo, useState } from 'react';
import { PRESENCE_STATES } from '../../../shared/constants.js';
import type { PresenceState } from '../../../shared/schemas/presence.js';
import { useApp } from '../app/state';
import { useI18n } from '../i18n/i18n';
import { buildTree, descendantsOf } from './departments';
import { DepartmentTree } from './DepartmentTree';
import { matchesPerson, sortByKana } from './people';
import { PersonCard } from './PersonCard';
import { useWatchedPeople } from '../presence/watch';
import '../i18n/ja-screens'; // this screen's strings (kept out of the first load)

const PAGE = 120;

/** The staff directory: department tree, presence filter, search, and a card per person. */
export function Directory() {
  const { t } = useI18n();
  const departments = useApp((s) => s.departments);
  const users = useApp((s) => s.users);
  const presence = useApp((s) => s.presence);
  const me = useApp((s) => s.me);
  const [departmentId, setDepartmentId] = useState<string | null>(null);
  const [state, setState] = useState<PresenceState | 'all'>('all');
  const [query, setQuery] = useState('');
  const [shown, setShown] = useState(PAGE);

  const tree = useMemo(() => buildTree(departments), [departments]);
  const departmentName = useMemo(() => new Map(departments.map((d) => [d.id, d.name])), [departments]);
  const inScope = useMemo(() => (departmentId ? descendantsOf(departments, departmentId) : null), [departments, departmentId]);
  const people = useMemo(
    () =>
      sortByKana(
        Object.values(users).filter(
          (u) =>
            (!inScope || inScope.has(u.departmentId)) &&
            (state === 'all' || (presence[u.id]?.state ?? 'offline') === state) &&
            matchesPerson(u, query),
        ),
      ),
    [users, presence, inScope, state, query],
  );

  const page = useMemo(() => people.slice(0, shown), [people, shown]);
  // Presence is pushed only for people the client watches: those on this page, and while a
  // presence filter is on, everyone it chooses from (so that someone who starts teleworking appears).
  const candidates = useMemo(
    () => (state === 'all' ? [] : Object.values(users).filter((u) => (!inScope || inScope.has(u.departmentId)) && matchesPerson(u, query))),
    [users, inScope, state, query],
  );
  useWatchedPeople(useMemo(() => [...page, ...candidates].map((u) => u.id), [page, candidates]));

  return (
    <div className="directory">
      <DepartmentTree
        tree={tree}
        selectedId={departmentId}
        onSelect={(id) => {
          setDepartmentId(id);
          setShown(PAGE);
        }}
      />
      <section className="directory__main" aria-labelledby="directory-heading">
        <div className="directory__bar">
          <h1 id="directory-heading" className="screen-title">
            {departmentId ? departmentName.get(departmentId) : t('dir.heading')}
          </h1>
          <span className="muted" data-testid="directory-count">
            {t('dir.count', { n: people.length })}
          </span>
        </div>
        <div className="directory__filters">
          <label className="visually-hidden" htmlFor="directory-search">
            {t('dir.search')}
          </label>
          <input
            id="directory-search"
            className="input"
            type="search"
            placeholder={t('dir.searchPlaceholder')}
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            data-testid="directory-search"
          />
          <fieldset className="segmented" data-testid="directory-filter">
            <legend className="visually-hidden">{t('dir.filter')}</legend>
            {(['all', ...PRESENCE_STATES] as const).map((s) => (
              <label key={s} className="segmented__option">
                <input type="radio" name="presence-filter" value={s} checked={state === s} onChange={() => setState(s)} data-testid={`filter-${s}`} />
                <span>{s === 'all' ? t('dir.filterAll') : t(`presence.${s}`)}</span>
              </label>
            ))}
          </fieldset>
        </div>
        {people.length === 0 && <p className="muted">{t('dir.empty')}</p>}
        <div className="person-grid" data-testid="person-list">
          {page.map((u) => (
            <PersonCard key={u.id} user={u} presence={presence[u.id]} departmentName={departmentName.get(u.departmentId) ?? ''} isMe={u.id === me?.id} />
          ))}
        </div>
        {people.length > shown && (
          <button type="button" className="button more" onClick={() => setShown((n) => n + PAGE)}>
            {t('dir.more')}
          </button>
        )}
      </section>
    </div>
  );
}
