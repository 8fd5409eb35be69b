import type { FileInfo } from '../../../shared/schemas/files.js';
import { createStore, useStore } from '../app/store';

/**
 * The image being viewed (one at a time, over any screen), and where the focus goes back to when
 * the viewer closes. Kept here, tiny, so that the viewer itself loads only when first opened.
 */
interface Viewing {
  file: FileInfo;
  returnFocus: HTMLElement | null;
}

const viewerStore = createStore<Viewing | null>(null);

export function openFileViewer(file: FileInfo, returnFocus?: HTMLElement | null): void {
  viewerStore.set(() => ({ file, returnFocus: returnFocus ?? (document.activeElement as HTMLElement | null) }));
}

export function closeFileViewer(): void {
  const viewing = viewerStore.get();
  viewerStore.set(() => null);
  // Back to what opened it (the thumbnail), if it is still on the page.
  if (viewing?.returnFocus?.isConnected) viewing.returnFocus.focus();
}

export function useViewing(): Viewing | null {
  return useStore(viewerStore, (s) => s);
}
