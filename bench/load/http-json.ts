/**
 * One JSON request over node:http, through a kept-alive agent the caller owns. The bench's HTTP
 * clients (the reconnect storm's catch-up, the history pages) use it rather than `fetch`, which
 * builds streams, Headers and a Response per request: a quarter of the generator's CPU in the
 * reconnect storm, on the machine the server runs on, and runner cost inside every page's time.
 */
import http from 'node:http';

export interface JsonRequest {
  agent: http.Agent;
  method?: string;
  token?: string;
  body?: unknown;
  timeoutMs: number;
}

/** The status and the parsed body (the raw text when it is not JSON, null when empty). */
export function requestJson(url: string, init: JsonRequest): Promise<{ status: number; body: unknown }> {
  const payload = init.body !== undefined ? JSON.stringify(init.body) : undefined;
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: init.method ?? 'GET',
        agent: init.agent,
        timeout: init.timeoutMs,
        headers: {
          ...(init.token !== undefined ? { authorization: `Bearer ${init.token}` } : {}),
          ...(payload !== undefined ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = null;
          try {
            body = text ? JSON.parse(text) : null;
          } catch {
            body = text;
          }
          resolve({ status: res.statusCode ?? 0, body });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${init.timeoutMs} ms`)));
    req.on('error', reject);
    req.end(payload);
  });
}
