/** The parts of a keydown event that decide whether Enter sends. */
export interface KeyInfo {
  key: string;
  shiftKey: boolean;
  altKey: boolean;
  isComposing: boolean;
  keyCode: number;
}

/**
 * Enter sends; Shift+Enter (or Alt+Enter) makes a new line. While a Japanese IME is composing,
 * Enter only confirms the conversion and must never send. Chrome and Firefox mark that keydown
 * with `isComposing`; Safari sends it after `compositionend` but with keyCode 229, so both are
 * checked, as is our own composition flag.
 */
export function isSendKey(e: KeyInfo, composing: boolean): boolean {
  if (e.key !== 'Enter') return false;
  if (e.isComposing || e.keyCode === 229 || composing) return false;
  return !e.shiftKey && !e.altKey;
}
