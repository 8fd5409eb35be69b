import { CommandError } from '../errors';
import type { Cursors } from '../cursors';
import type { Store } from '../store';
import type { Doc } from '../values';

/** What a command handler gets besides the command document. */
export interface Context {
  store: Store;
  cursors: Cursors;
  dbName: string;
  connectionId: number;
  port: number;
}

export type Handler = (cmd: Doc, ctx: Context) => Doc;

/** The collection name a command addresses through its first field, e.g. `{ find: 'users' }`. */
export function collectionArg(cmd: Doc, command: string): string {
  const name = cmd[command];
  if (typeof name !== 'string' || name.length === 0) {
    throw new CommandError('InvalidNamespace', `collection name has invalid type ${typeof name}`);
  }
  return name;
}

export function optionalDoc(v: unknown): Doc | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Doc) : undefined;
}

export function optionalNumber(v: unknown): number | undefined {
  if (v === undefined || v === null) return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}
