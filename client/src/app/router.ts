import { useSyncExternalStore } from 'react';

/**
 * A minimal router over the History API (the server answers every unknown path with index.html).
 *   /                   conversations
 *   /c/:id              one conversation (?at=<seq>: opened at that message, highlighted — a search result)
 *   /search             message search (?q=<words>&c=<conversationId>: within that conversation)
 *   /directory          the staff directory
 *   /dashboard          the supervisor's presence board
 *   /admin              administration (admins)
 *   /meetings           my meetings (?new=1&from=<conversationId>|&with=<userId>: the start dialog open)
 *   /meetings/:id       one meeting; /meetings/:id/minutes its minutes (議事録)
 *   /todos              my ToDos (自分のToDo)
 *   /reports            reports (admins; supervisors of REPORTS_DEPARTMENT_IDS)
 */
export type Route =
  | { name: 'messages'; conversationId?: string; at?: number }
  | { name: 'search'; q: string; conversationId?: string }
  | { name: 'directory' }
  | { name: 'dashboard' }
  | { name: 'admin' }
  | { name: 'meetings'; start?: { from?: string; with?: string } }
  | { name: 'meeting'; meetingId: string; minutes: boolean }
  | { name: 'todos' }
  | { name: 'reports' };

const ID = /^[0-9a-f]{24}$/;

export function parseRoute(pathname: string, search = ''): Route {
  const conversation = /^\/c\/([0-9a-f]{24})\/?$/.exec(pathname);
  if (conversation) {
    const at = Number(new URLSearchParams(search).get('at'));
    return { name: 'messages', conversationId: conversation[1], ...(Number.isInteger(at) && at > 0 ? { at } : {}) };
  }
  if (/^\/search\/?$/.test(pathname)) {
    const params = new URLSearchParams(search);
    const c = params.get('c') ?? '';
    return { name: 'search', q: params.get('q') ?? '', ...(ID.test(c) ? { conversationId: c } : {}) };
  }
  if (/^\/directory\/?$/.test(pathname)) return { name: 'directory' };
  if (/^\/dashboard\/?$/.test(pathname)) return { name: 'dashboard' };
  if (/^\/admin\/?$/.test(pathname)) return { name: 'admin' };
  if (/^\/todos\/?$/.test(pathname)) return { name: 'todos' };
  if (/^\/meetings\/?$/.test(pathname)) {
    const params = new URLSearchParams(search);
    if (params.get('new') !== '1') return { name: 'meetings' };
    const from = params.get('from') ?? '';
    const withUser = params.get('with') ?? '';
    return { name: 'meetings', start: { ...(ID.test(from) ? { from } : {}), ...(ID.test(withUser) ? { with: withUser } : {}) } };
  }
  const meeting = /^\/meetings\/([0-9a-f]{24})(\/minutes)?\/?$/.exec(pathname);
  if (meeting) return { name: 'meeting', meetingId: meeting[1]!, minutes: Boolean(meeting[2]) };
  if (/^\/reports\/?$/.test(pathname)) return { name: 'reports' };
  return { name: 'messages' };
}

export function pathOf(route: Route): string {
  switch (route.name) {
    case 'messages':
      return route.conversationId ? `/c/${route.conversationId}${route.at ? `?at=${route.at}` : ''}` : '/';
    case 'search': {
      const params = new URLSearchParams({ ...(route.q ? { q: route.q } : {}), ...(route.conversationId ? { c: route.conversationId } : {}) });
      const query = params.toString();
      return query ? `/search?${query}` : '/search';
    }
    case 'directory':
      return '/directory';
    case 'dashboard':
      return '/dashboard';
    case 'admin':
      return '/admin';
    case 'todos':
      return '/todos';
    case 'meetings': {
      if (!route.start) return '/meetings';
      const params = new URLSearchParams({ new: '1', ...route.start });
      return `/meetings?${params.toString()}`;
    }
    case 'meeting':
      return `/meetings/${route.meetingId}${route.minutes ? '/minutes' : ''}`;
    case 'reports':
      return '/reports';
  }
}

const listeners = new Set<() => void>();
function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  window.addEventListener('popstate', listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('popstate', listener);
  };
}

export function navigate(path: string, options: { replace?: boolean } = {}): void {
  if (path === location.pathname + location.search) return;
  if (options.replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  for (const listener of [...listeners]) listener();
}

export function usePathname(): string {
  return useSyncExternalStore(subscribe, () => location.pathname, () => '/');
}

/** The path with its query (the meetings list's start dialog reads it). */
function useLocation(): string {
  return useSyncExternalStore(subscribe, () => location.pathname + location.search, () => '/');
}

export function useRoute(): Route {
  const where = useLocation();
  const q = where.indexOf('?');
  return q < 0 ? parseRoute(where) : parseRoute(where.slice(0, q), where.slice(q));
}
