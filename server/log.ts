import pino from 'pino';

/**
 * The one logger: JSON lines on stdout (pino), one object per event, with the request id when
 * there is one. Message bodies, passwords and tokens are never logged: nothing logs a request
 * body, and the headers and fields that carry secrets are redacted should one slip into a line.
 */
export const log = pino({
  level: process.env.LOG_LEVEL ?? 'info',
  base: { pid: process.pid },
  serializers: {
    // The driver's errors carry the whole topology description (`reason`): long, and no help.
    err: (err: Error) => {
      const out = pino.stdSerializers.err(err) as Record<string, unknown>;
      delete out.reason;
      return out;
    },
  },
  redact: {
    paths: [
      'req.headers.authorization',
      'req.headers.cookie',
      'headers.authorization',
      'headers.cookie',
      'password',
      '*.password',
      'token',
      '*.token',
      'body',
      '*.body',
    ],
    censor: '[redacted]',
  },
});

export type Logger = typeof log;
