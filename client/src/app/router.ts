import { useSyncExternalStore } from 'react';

/**
 * A minimal router over the History API (the server answers every unknown path with index.html).
 *   /                   conversations
 *   /c/:id              one conversation
 *   /directory          the staff directory
 *   /dashboard          the supervisor's presence board
 *   /admin              administration (admins)
 *   /reports            reports (admins; supervisors of REPORTS_DEPARTMENT_IDS)
 */
export type Route =
  | { name: 'messages'; conversationId?: string }
  | { name: 'directory' }
  | { name: 'dashboard' }
  | { name: 'admin' }
  | { name: 'reports' };

export function parseRoute(pathname: string): Route {
  const conversation = /^\/c\/([0-9a-f]{24})\/?$/.exec(pathname);
  if (conversation) return { name: 'messages', conversationId: conversation[1] };
  if (/^\/directory\/?$/.test(pathname)) return { name: 'directory' };
  if (/^\/dashboard\/?$/.test(pathname)) return { name: 'dashboard' };
  if (/^\/admin\/?$/.test(pathname)) return { name: 'admin' };
  if (/^\/reports\/?$/.test(pathname)) return { name: 'reports' };
  return { name: 'messages' };
}

export function pathOf(route: Route): string {
  switch (route.name) {
    case 'messages':
      return route.conversationId ? `/c/${route.conversationId}` : '/';
    case 'directory':
      return '/directory';
    case 'dashboard':
      return '/dashboard';
    case 'admin':
      return '/admin';
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
  if (path === location.pathname) return;
  if (options.replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  for (const listener of [...listeners]) listener();
}

export function usePathname(): string {
  return useSyncExternalStore(subscribe, () => location.pathname, () => '/');
}

export function useRoute(): Route {
  return parseRoute(usePathname());
}
