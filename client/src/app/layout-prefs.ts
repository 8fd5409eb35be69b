import { createStore, useStore } from './store';

/**
 * How the screen is laid out: for now, whether the conversation list is folded away (small
 * remote-desktop windows). A UI preference like the language, so it may live in localStorage:
 * it says nothing about anyone's messages.
 */
const STORAGE_KEY = 'ui.sidebar';

function initiallyCollapsed(): boolean {
  try {
    return localStorage.getItem(STORAGE_KEY) === 'collapsed';
  } catch {
    return false;
  }
}

const layoutStore = createStore({ sidebarCollapsed: initiallyCollapsed() });

export function useSidebarCollapsed(): boolean {
  return useStore(layoutStore, (s) => s.sidebarCollapsed);
}

export function setSidebarCollapsed(collapsed: boolean): void {
  layoutStore.set((s) => (s.sidebarCollapsed === collapsed ? s : { ...s, sidebarCollapsed: collapsed }));
  try {
    localStorage.setItem(STORAGE_KEY, collapsed ? 'collapsed' : 'shown');
  } catch {
    // Storage may be disabled on the terminal; the choice then lasts for this page only.
  }
}
