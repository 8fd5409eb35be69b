/**
 * MongoDB's duplicate-key error (code 11000) names the index's fields in `keyPattern`.
 * Returns those field names, or null when the error is something else.
 */
export function isDuplicateKey(err: unknown): string[] | null {
  const e = err as { code?: number; keyPattern?: Record<string, unknown>; keyValue?: Record<string, unknown> };
  if (e?.code !== 11000) return null;
  return Object.keys(e.keyPattern ?? e.keyValue ?? {});
}

/**
 * An unordered bulk write whose every failed operation hit a duplicate key: everything else was
 * written (an insert of a document that is already there is then as good as done).
 */
export function onlyDuplicateKeys(err: unknown): boolean {
  const failed = [(err as { writeErrors?: { code?: number } | { code?: number }[] })?.writeErrors ?? []].flat();
  return failed.length > 0 && failed.every((w) => w?.code === 11000);
}

/** The driver's (and mongoose's) ways of saying "no database to talk to right now". */
const UNAVAILABLE = new Set([
  'MongoServerSelectionError',
  'MongooseServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoWaitQueueTimeoutError',
  'MongoPoolClearedError',
  'MongoTopologyClosedError',
  'MongoNotConnectedError',
  'MongoOperationTimeoutError',
  // Our own shutdown interrupting a request: it did not finish, retry elsewhere.
  'MongoClientClosedError',
]);

/**
 * Whether an error means the database could not be reached or did not answer in time (retry
 * later: `unavailable`), as opposed to a refusal by the database or a bug (`internal`).
 * Looks through `cause` too, where the driver wraps the network error that stopped it.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  for (let e = err as { name?: string; message?: string; cause?: unknown } | undefined, depth = 0; e && depth < 4; depth++) {
    if (e.name && UNAVAILABLE.has(e.name)) return true;
    // mongoose's buffering timeout (only with bufferCommands on) is a plain MongooseError.
    if (e.name === 'MongooseError' && /buffering timed out/.test(e.message ?? '')) return true;
    e = e.cause as typeof e;
  }
  return false;
}

/** Whether the database's host refused or could not be found, as opposed to a silent one. */
export function isRefusal(err: unknown): boolean {
  for (let e = err as { code?: unknown; message?: string; cause?: unknown; reason?: unknown } | undefined, depth = 0; e && depth < 5; depth++) {
    if (/ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ECONNRESET|EAI_AGAIN/.test(`${e.code ?? ''} ${e.message ?? ''}`)) return true;
    e = (e.cause ?? e.reason) as typeof e;
  }
  return false;
}
