import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Connection } from 'mongoose';
import type { Socket } from 'socket.io';

/**
 * Prometheus metrics of one server instance (its own registry: tests run several servers in one
 * process). Every update is a counter increment or one histogram observation: O(1), no I/O, no
 * allocation worth naming on the hot path. Served by metrics.server.ts.
 */
export class Metrics {
  readonly registry = new Registry();

  readonly connections = new Gauge({
    name: 'messaging_socket_connections',
    help: 'Socket.IO connections open on this process',
    registers: [this.registry],
  });

  readonly sends = new Counter({
    name: 'messaging_messages_sent_total',
    help: 'message:send acknowledged ok (idempotent retries included)',
    registers: [this.registry],
  });

  readonly ackLatency = new Histogram({
    name: 'messaging_ack_latency_seconds',
    help: 'Time from receiving an acknowledged socket event to acknowledging it',
    labelNames: ['event', 'ok'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5],
    registers: [this.registry],
  });

  readonly presencePushes = new Counter({
    name: 'messaging_presence_pushes_total',
    help: 'presence events delivered to sockets of this process',
    registers: [this.registry],
  });

  readonly dbLatency = new Histogram({
    name: 'messaging_db_command_seconds',
    help: 'MongoDB command durations (driver command monitoring)',
    labelNames: ['command', 'ok'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  /**
   * Process metrics, event-loop delay among them (nodejs_eventloop_lag_*). Only when metrics are
   * served: it keeps an event-loop monitor running for good.
   */
  collectProcessMetrics(): void {
    collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: 20 });
  }

  /** Command durations from the driver's command monitoring (only with DB_COMMAND_MONITORING=true). */
  watchDatabase(conn: Connection): void {
    const client = conn.getClient();
    client.on('commandSucceeded', (e) => this.dbLatency.observe({ command: e.commandName, ok: 'true' }, e.duration / 1000));
    client.on('commandFailed', (e) => this.dbLatency.observe({ command: e.commandName, ok: 'false' }, e.duration / 1000));
  }

  /** A connection opened / closed (the socket's one shared disconnect listener calls `socketClosed`). */
  socketOpened(): void {
    this.connections.inc();
  }

  socketClosed(): void {
    this.connections.dec();
  }

  /** For failFastSocket's observer: every acknowledged event's latency, and ok sends. */
  readonly observeAck = (event: string, ok: boolean, startedAt: bigint): void => {
    this.ackLatency.observe({ event, ok: ok ? 'true' : 'false' }, Number(process.hrtime.bigint() - startedAt) / 1e9);
    if (ok && event === 'message:send') this.sends.inc();
  };
}
