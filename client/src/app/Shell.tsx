import { lazy, Suspense, useEffect, useRef, type ReactNode } from 'react';
import { useApp } from './state';
import { navigate, useRoute, type Route } from './router';
import { useI18n } from '../i18n/i18n';
import { signOut } from '../auth/session';
import { takeJustSignedIn } from '../auth/arrival';
import { ConnectionBanner } from './ConnectionBanner';
import { SettingsButton } from './Settings';
import { Sidebar } from '../conversations/Sidebar';
import { ConversationView } from '../conversations/ConversationView';
import { MyPresence } from '../presence/MyPresence';
import { startActivityReporting } from '../presence/activity';
import { startPresenceWatch } from '../presence/watch';
import { PersonName } from '../directory/PersonName';
import { setSidebarCollapsed, useSidebarCollapsed } from './layout-prefs';
import { useReportsAccess } from './reports-access';
import { useViewing } from '../files/viewer-store';
import { SearchBox } from '../search/SearchBox';

// Screens besides the conversations load on first use, so everyone's first page stays small:
// the board is for supervisors only, and the directory is opened now and then.
const Dashboard = lazy(() => import('../supervisor/Dashboard').then((m) => ({ default: m.Dashboard })));
const Directory = lazy(() => import('../directory/Directory').then((m) => ({ default: m.Directory })));
// Administration is for a handful of admins.
const AdminScreen = lazy(() => import('../admin/AdminScreen').then((m) => ({ default: m.AdminScreen })));
// Quick meetings (issue 10): the invitation listener comes right after sign-in, the screens on first use.
const MeetingAlerts = lazy(() => import('../meetings/MeetingAlerts').then((m) => ({ default: m.MeetingAlerts })));
const MeetingScreens = lazy(() => import('../meetings/screens'));
// Reports (and their charting library) are for admins and two divisions.
const ReportsScreen = lazy(() => import('../reports/ReportsScreen').then((m) => ({ default: m.ReportsScreen })));
// Message search (issue 12) and the image viewer: on first use.
const SearchScreen = lazy(() => import('../search/SearchScreen').then((m) => ({ default: m.SearchScreen })));
const FileViewer = lazy(() => import('../files/FileViewer').then((m) => ({ default: m.FileViewer })));

/** The signed-in screen: the top bar, the connection banner and the current screen. */
export function Shell() {
  const { t } = useI18n();
  const route = useRoute();
  const me = useApp((s) => s.me);
  const unread = useApp((s) => Object.values(s.conversations).reduce((n, c) => n + c.unreadCount, 0));
  const mayWatch = me?.role === 'supervisor' || me?.role === 'admin';
  const collapsed = useSidebarCollapsed();
  const mayReport = useReportsAccess(me?.role);
  const main = useRef<HTMLElement>(null);
  const viewing = useViewing();

  useEffect(() => startActivityReporting(), []);
  // A file dropped beside the conversation (its drop zone takes the files) must not make the
  // browser open the file in place of the app.
  useEffect(() => {
    const missed = (e: DragEvent) => {
      if (!e.dataTransfer || ![...e.dataTransfer.types].includes('Files') || e.defaultPrevented) return;
      e.preventDefault();
      e.dataTransfer.dropEffect = 'none'; // the pointer says it cannot be dropped here
    };
    window.addEventListener('dragover', missed);
    window.addEventListener('drop', missed);
    return () => {
      window.removeEventListener('dragover', missed);
      window.removeEventListener('drop', missed);
    };
  }, []);
  useEffect(() => startPresenceWatch(), []);
  // A hidden tab still tells how many messages wait: "(3) メッセージ".
  useEffect(() => {
    document.title = unread > 0 ? `(${unread}) ${t('app.title')}` : t('app.title');
  }, [unread, t]);
  // Notification code is not part of the first load (the first-load budget): it is fetched once signed in.
  useEffect(() => {
    let stop: (() => void) | undefined;
    let cancelled = false;
    void import('../notifications/notify').then(({ startNotifications }) => {
      if (!cancelled) stop = startNotifications(t);
    });
    return () => {
      cancelled = true;
      stop?.();
    };
  }, [t]);
  // Just signed in (the form that had the focus is gone): a screen reader starts in the main area,
  // not back at the top of the page. A screen that took the focus itself (the composer) keeps it.
  useEffect(() => {
    const arrived = takeJustSignedIn();
    if (arrived && (!document.activeElement || document.activeElement === document.body)) main.current?.focus();
  }, []);

  const link = (target: Route, label: string, testId: string, extra?: ReactNode) => {
    const href = target.name === 'messages' ? '/' : `/${target.name}`;
    const current = route.name === target.name || (target.name === 'meetings' && (route.name === 'meeting' || route.name === 'todos'));
    return (
      <a
        href={href}
        className={`nav__link${current ? ' nav__link--current' : ''}`}
        aria-current={current ? 'page' : undefined}
        data-testid={testId}
        onClick={(e) => {
          if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
          e.preventDefault();
          navigate(href);
        }}
      >
        {label}
        {extra}
      </a>
    );
  };

  return (
    <div className="app">
      <a className="skip-link" href="#main">
        {t('app.skip')}
      </a>
      <header className="topbar">
        {route.name === 'messages' && (
          <button
            type="button"
            className="button button--quiet sidebar-toggle"
            aria-label={t('a11y.sidebarToggle')}
            aria-expanded={!collapsed}
            aria-controls="conversation-sidebar"
            title={collapsed ? t('a11y.sidebarShow') : t('a11y.sidebarHide')}
            onClick={() => setSidebarCollapsed(!collapsed)}
            data-testid="sidebar-toggle"
          >
            <span aria-hidden="true">☰</span>
          </button>
        )}
        <span className="topbar__brand" aria-hidden="true">
          ✉
        </span>
        <nav className="nav" aria-label={t('nav.label')}>
          {link(
            { name: 'messages' },
            t('nav.messages'),
            'nav-messages',
            unread > 0 && (
              <span className="badge badge--nav" aria-label={t('sidebar.unread', { n: unread })}>
                {unread > 999 ? '999+' : unread}
              </span>
            ),
          )}
          {link({ name: 'directory' }, t('nav.directory'), 'nav-directory')}
          {/* One entry for the meetings list and 自分のToDo (linked from the list): the bar must fit 800 px in English too. */}
          {link({ name: 'meetings' }, t('nav.meetings'), 'nav-meetings')}
          {mayWatch && link({ name: 'dashboard' }, t('nav.dashboard'), 'nav-dashboard')}
          {me?.role === 'admin' && link({ name: 'admin' }, t('nav.admin'), 'nav-admin')}
          {mayReport && link({ name: 'reports' }, t('nav.reports'), 'nav-reports')}
        </nav>
        <div className="topbar__end">
          <MyPresence />
          <SettingsButton />
          {me && (
            <span className="topbar__me" data-testid="me-name">
              <PersonName user={me} />
            </span>
          )}
          <button type="button" className="button button--quiet" onClick={() => void signOut()} data-testid="sign-out">
            {t('auth.signOut')}
          </button>
        </div>
      </header>
      <ConnectionBanner />
      <Suspense fallback={null}>
        <MeetingAlerts />
      </Suspense>
      <main id="main" ref={main} className="main" tabIndex={-1}>
        {route.name === 'messages' && (
          <div className={`messages-layout${collapsed ? ' messages-layout--collapsed' : ''}`}>
            {/* Folded away, the list leaves the page (and the tab order) until it is shown again. */}
            <div id="conversation-sidebar" className="messages-layout__side" hidden={collapsed} data-testid="sidebar">
              <Sidebar selectedId={route.conversationId} search={<SearchBox />} />
            </div>
            {route.conversationId ? (
              <ConversationView key={route.conversationId} conversationId={route.conversationId} at={route.at} />
            ) : (
              <section className="conversation conversation--empty">
                <p className="muted">{t('conv.none')}</p>
                {collapsed && (
                  <button type="button" className="button" onClick={() => setSidebarCollapsed(false)} data-testid="sidebar-show">
                    {t('a11y.sidebarShow')}
                  </button>
                )}
              </section>
            )}
          </div>
        )}
        <Suspense fallback={<p className="muted">{t('dash.loading')}</p>}>
          {route.name === 'directory' && <Directory />}
          {route.name === 'dashboard' && <Dashboard />}
          {route.name === 'admin' && <AdminScreen />}
          {(route.name === 'meetings' || route.name === 'meeting' || route.name === 'todos') && (
            <MeetingScreens route={route} Conversation={ConversationView} />
          )}
          {route.name === 'reports' && <ReportsScreen />}
          {route.name === 'search' && <SearchScreen key={route.conversationId ?? ''} q={route.q} conversationId={route.conversationId} />}
        </Suspense>
        {viewing && (
          <Suspense fallback={null}>
            <FileViewer />
          </Suspense>
        )}
      </main>
    </div>
  );
}
