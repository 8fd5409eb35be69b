import { useSyncExternalStore } from 'react';

function subscribe(listener: () => void): () => void {
  document.addEventListener('visibilitychange', listener);
  return () => document.removeEventListener('visibilitychange', listener);
}

/** Is the page in view (not a hidden tab, not minimised)? */
export function usePageVisible(): boolean {
  return useSyncExternalStore(subscribe, () => document.visibilityState === 'visible', () => true);
}

function subscribeFocus(listener: () => void): () => void {
  window.addEventListener('focus', listener);
  window.addEventListener('blur', listener);
  return () => {
    window.removeEventListener('focus', listener);
    window.removeEventListener('blur', listener);
  };
}

/**
 * Does this window have the focus? A visible tab can sit behind another window on the desk
 * (or beside it on a second screen) while the person works elsewhere: visible is not read.
 */
export function useWindowFocused(): boolean {
  return useSyncExternalStore(subscribeFocus, () => document.hasFocus(), () => true);
}
