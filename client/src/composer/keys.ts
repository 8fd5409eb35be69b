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
  if (isImeKey(e) || composing) return false;
  return !e.shiftKey && !e.altKey;
}

/**
 * Is this key for the IME (converting, confirming, or cancelling a conversion with Escape)
 * rather than for the page? Every key handler checks this first.
 */
export function isImeKey(e: Pick<KeyInfo, 'isComposing' | 'keyCode'>): boolean {
  return e.isComposing || e.keyCode === 229;
}

/**
 * keydown on a `<dialog>`: an Escape that cancels an IME conversion must not also close the
 * dialog (its default action).
 */
export function keepOpenWhileConverting(e: { key: string; keyCode: number; nativeEvent: { isComposing: boolean }; preventDefault(): void }): void {
  if (e.key === 'Escape' && isImeKey({ isComposing: e.nativeEvent.isComposing, keyCode: e.keyCode })) e.preventDefault();
}
