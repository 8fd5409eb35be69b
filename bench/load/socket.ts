/**
 * A lean Socket.IO v4 client over `ws`, framed by hand: Engine.IO `0{…}` open, `2`/`3` ping/pong;
 * Socket.IO `40{auth}` connect, `42[…]` event, `42<id>[…]` event with ack, `43<id>[…]` ack,
 * `44{…}` connect error. One object per socket and no timers per socket: the generator must hold
 * 3,000 of them in one process without becoming the bottleneck it is trying to measure.
 */
import WebSocket from 'ws';

export type EventHandler = (event: string, payload: unknown) => void;

export class LeanSocket {
  private ws?: WebSocket;
  private nextAck = 1;
  private readonly acks = new Map<number, (reply: unknown) => void>();
  connected = false;

  constructor(
    private readonly wsUrl: string,
    private readonly token: string,
    private readonly onEvent: EventHandler,
    /** Called when an established connection drops (not on close()); the reconnect storm swaps it. */
    public onClose: () => void,
  ) {}

  /**
   * Resolves once the Socket.IO namespace is joined; rejects on a refused or failed handshake.
   * `onJoined` runs synchronously on the connect packet, before any event that arrived with it
   * is dispatched (a catch-up cursor must be taken exactly there).
   */
  connect(timeoutMs: number, onJoined?: () => void): Promise<void> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(this.wsUrl, { perMessageDeflate: false, handshakeTimeout: timeoutMs });
      this.ws = ws;
      let settled = false;
      const fail = (err: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        ws.terminate();
        reject(err);
      };
      const timer = setTimeout(() => fail(new Error('connect timeout')), timeoutMs);
      ws.on('error', (err) => fail(err));
      ws.on('close', () => {
        const was = this.connected;
        this.connected = false;
        this.failAcks();
        if (!settled) fail(new Error('closed during handshake'));
        else if (was) this.onClose();
      });
      ws.on('message', (data) => {
        const text = data.toString();
        switch (text[0]) {
          case '0':
            ws.send(`40${JSON.stringify({ token: this.token })}`);
            return;
          case '2':
            ws.send('3');
            return;
          case '4':
            if (text[1] === '0') {
              onJoined?.();
              this.connected = true;
              settled = true;
              clearTimeout(timer);
              resolve();
            } else if (text[1] === '4') {
              fail(new Error(`connect_error ${text.slice(2)}`));
            } else if (text[1] === '2') {
              this.dispatchEvent(text.slice(2));
            } else if (text[1] === '3') {
              this.dispatchAck(text.slice(2));
            } else if (text[1] === '1') {
              ws.close();
            }
            return;
          default:
        }
      });
    });
  }

  emit(event: string, payload: unknown): void {
    if (this.connected) this.ws!.send(`42${JSON.stringify([event, payload])}`);
  }

  /** An event with acknowledgement; resolves with the reply, or rejects when the socket closes first. */
  emitWithAck(event: string, payload: unknown): Promise<unknown> {
    if (!this.connected) return Promise.reject(new Error('not connected'));
    const id = this.nextAck++;
    return new Promise((resolve, reject) => {
      this.acks.set(id, (reply) => (reply instanceof Error ? reject(reply) : resolve(reply)));
      this.ws!.send(`42${id}${JSON.stringify([event, payload])}`);
    });
  }

  close(): void {
    this.connected = false;
    this.ws?.terminate();
  }

  private dispatchEvent(body: string): void {
    // An event the server sends never carries an ack id here, but skip digits to be safe.
    let i = 0;
    while (body.charCodeAt(i) >= 48 && body.charCodeAt(i) <= 57) i++;
    const [event, payload] = JSON.parse(body.slice(i)) as [string, unknown];
    this.onEvent(event, payload);
  }

  private dispatchAck(body: string): void {
    let i = 0;
    while (body.charCodeAt(i) >= 48 && body.charCodeAt(i) <= 57) i++;
    const id = Number(body.slice(0, i));
    const args = JSON.parse(body.slice(i)) as unknown[];
    const done = this.acks.get(id);
    this.acks.delete(id);
    done?.(args[0]);
  }

  private failAcks(): void {
    const pending = [...this.acks.values()];
    this.acks.clear();
    for (const done of pending) done(new Error('disconnected'));
  }
}
