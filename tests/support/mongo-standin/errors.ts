// Errors a command can raise; the dispatcher turns them into `{ ok: 0, errmsg, code, codeName }`
// replies shaped like mongod's, so driver and mongoose error handling behaves the same.

export const CODES = {
  BadValue: 2,
  FailedToParse: 9,
  TypeMismatch: 14,
  IllegalOperation: 20,
  NamespaceNotFound: 26,
  IndexNotFound: 27,
  ConflictingUpdateOperators: 40,
  CursorNotFound: 43,
  NamespaceExists: 48,
  CommandNotFound: 59,
  ImmutableField: 66,
  InvalidOptions: 72,
  InvalidNamespace: 73,
  IndexOptionsConflict: 85,
  IndexKeySpecsConflict: 86,
  CommandNotSupported: 115,
  DuplicateKey: 11000,
  Location40324: 40324,
  Location40602: 40602,
} as const;

export type CodeName = keyof typeof CODES;

export class CommandError extends Error {
  readonly code: number;
  readonly codeName: string;
  /** Extra top-level reply fields, e.g. keyPattern/keyValue for duplicate keys. */
  readonly extra: Record<string, unknown>;

  constructor(codeName: CodeName, message: string, extra: Record<string, unknown> = {}) {
    super(message);
    this.code = CODES[codeName];
    this.codeName = codeName;
    this.extra = extra;
  }
}

export function errorReply(err: unknown): Record<string, unknown> {
  if (err instanceof CommandError) {
    return { ok: 0, errmsg: err.message, code: err.code, codeName: err.codeName, ...err.extra };
  }
  // mingo throws plain errors for bad operators/expressions; mongod would answer a user error.
  const message = err instanceof Error ? err.message : String(err);
  return { ok: 0, errmsg: message, code: CODES.BadValue, codeName: 'BadValue' };
}
