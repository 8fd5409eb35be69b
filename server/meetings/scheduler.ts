import type { Clock } from '../clock.js';
import { isDatabaseUnavailable } from '../db/errors.js';
import { log } from '../log.js';
import type { MeetingsService } from './meetings.service.js';

/**
 * The meetings' clock: every process runs one sweep per `everyMs` (1 s), reading the injected
 * clock each time, so a restarted server (or one whose clock a test moves) acts on what the
 * database says is due. The sweep decides nothing in memory: each step is a conditional update
 * (MeetingsService.sweep), so processes sweeping side by side never do a step twice. Sweeps never
 * overlap within a process; the timer is unref'd so it never keeps a process alive.
 */
export class MeetingScheduler {
  private timer?: NodeJS.Timeout;
  private running: Promise<void> | undefined;

  constructor(
    private readonly meetings: MeetingsService,
    private readonly clock: Clock,
    private readonly everyMs = 1_000,
  ) {}

  start(): void {
    // At once too: a server that was down acts on overdue meetings as soon as it is up.
    this.tick();
    this.timer = setInterval(() => this.tick(), this.everyMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private tick(): void {
    if (this.running) return;
    this.running = this.meetings
      .sweep(this.clock())
      // An outage is logged once by the database health watcher, not once a second here; the
      // next sweep after it catches up with everything that came due meanwhile.
      .catch((err: unknown) => {
        if (!isDatabaseUnavailable(err)) log.error({ err }, 'meeting sweep failed');
      })
      .finally(() => {
        this.running = undefined;
      });
  }
}
