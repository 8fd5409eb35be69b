import { useEffect, useState } from 'react';
import type { Thread } from '../../app/state';
import { loadBackTo } from '../../net/sync';
import type { Row } from '../rows';
import { jumpDone, useJumpRequest } from './actions';

const HIGHLIGHT_MS = 2500;

/**
 * Serves jump requests (a quote's original, a pinned message, a search result) for the open
 * history: if the message is not loaded yet, the history is loaded back to it (loadBackTo); then it is scrolled into the middle and
 * highlighted for a moment. Returns the seq to highlight.
 */
export function useJump(conversationId: string, thread: Thread, rows: readonly Row[], scrollToIndex: (index: number) => void): number | null {
  const request = useJumpRequest(conversationId);
  const [highlight, setHighlight] = useState<number | null>(null);

  useEffect(() => {
    if (!request) return;
    const index = rows.findIndex((r) => r.kind === 'message' && r.message.seq === request.seq);
    if (index >= 0) {
      scrollToIndex(index);
      setHighlight(request.seq);
      jumpDone(request);
      return;
    }
    const first = thread.messages[0]?.seq ?? 0;
    if (thread.hasMoreBefore && first > request.seq) {
      if (!thread.loadingOlder) void loadBackTo(conversationId, request.seq);
    } else {
      jumpDone(request); // not there to be found
    }
  }, [request, rows, thread, conversationId, scrollToIndex]);

  useEffect(() => {
    if (highlight === null) return;
    const timer = setTimeout(() => setHighlight(null), HIGHLIGHT_MS);
    return () => clearTimeout(timer);
  }, [highlight]);

  return highlight;
}
