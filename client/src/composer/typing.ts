import { sendTyping } from '../net/socket';

const REPEAT_MS = 3000;
const IDLE_MS = 5000;

/** Tells the others that I am typing: at most every 3 s while keys come, and stop after 5 s idle. */
export class TypingNotifier {
  private lastSent = 0;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly conversationId: string) {}

  input(): void {
    const now = Date.now();
    if (now - this.lastSent > REPEAT_MS) {
      sendTyping(this.conversationId, true);
      this.lastSent = now;
    }
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.stop(), IDLE_MS);
  }

  stop(): void {
    clearTimeout(this.idleTimer);
    if (this.lastSent !== 0) sendTyping(this.conversationId, false);
    this.lastSent = 0;
  }
}
