import { reportActive } from '../net/socket';

const THROTTLE_MS = 30_000;
const EVENTS = ['keydown', 'pointerdown', 'wheel', 'focus'] as const;

/**
 * Tell the server the person is here (keys, pointer, focus), at most every 30 s, so that it can
 * lift an automatic `away`. Returns the function that stops it.
 */
export function startActivityReporting(): () => void {
  let last = 0;
  const onActivity = () => {
    const now = Date.now();
    if (now - last < THROTTLE_MS || document.visibilityState !== 'visible') return;
    last = now;
    reportActive();
  };
  for (const name of EVENTS) window.addEventListener(name, onActivity, { passive: true, capture: true });
  document.addEventListener('visibilitychange', onActivity);
  return () => {
    for (const name of EVENTS) window.removeEventListener(name, onActivity, { capture: true });
    document.removeEventListener('visibilitychange', onActivity);
  };
}
