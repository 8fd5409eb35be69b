// Public entry point of the MongoDB stand-in (see README.md in this folder).
import { createServer } from './server';
import type { Store } from './store';

export interface StandinOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** Receives diagnostic lines (protocol errors); silent by default. */
  log?: (line: string) => void;
}

export interface RunningStandin {
  uri: string;
  port: number;
  /** The in-memory data, for debugging; tests should go through the driver. */
  store: Store;
  stop(): Promise<void>;
}

export async function startStandin(options: StandinOptions = {}): Promise<RunningStandin> {
  const host = options.host ?? '127.0.0.1';
  const server = createServer(options.log);
  const port = await server.listen(options.port ?? 0, host);
  const uriHost = host.includes(':') ? `[${host}]` : host;
  return {
    uri: `mongodb://${uriHost}:${port}/?directConnection=true`,
    port,
    store: server.store,
    stop: () => server.close(),
  };
}
