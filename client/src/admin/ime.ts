import type { KeyboardEvent } from 'react';
import { isImeKey } from '../composer/keys';

/** On a form: the Enter that confirms an IME conversion (kanji for a name) must not submit it. */
export function holdEnterWhileConverting(e: KeyboardEvent): void {
  if (e.key === 'Enter' && isImeKey({ isComposing: e.nativeEvent.isComposing, keyCode: e.keyCode })) e.preventDefault();
}
