import type { ErrorBody } from '../../../shared/errors.js';
import type { Conversation, Message } from '../../../shared/schemas/conversations.js';
import type { User } from '../../../shared/schemas/auth.js';
import type { Department } from '../../../shared/schemas/directory.js';
import type { Presence } from '../../../shared/schemas/presence.js';
import type { TeleworkSession, TeleworkStatus } from '../../../shared/schemas/telework.js';
import { createStore, useStore } from './store';

export type ConnectionState = 'idle' | 'connecting' | 'connected' | 'disconnected';

/** The loaded part of one conversation's history, ascending `seq`, without gaps or repeats. */
export interface Thread {
  messages: Message[];
  /** Older messages exist before `messages[0]`. */
  hasMoreBefore: boolean;
  loadingOlder: boolean;
}

/** An outgoing message the server has not yet acknowledged (matrix-js-sdk's local echo). */
export interface Outgoing {
  clientMsgId: string;
  conversationId: string;
  body: string;
  status: 'pending' | 'failed';
  error?: ErrorBody | { code: 'timeout'; message: string };
  createdAt: string;
  /** Bumped on each send attempt, so that a late answer to an earlier attempt is ignored. */
  attempt: number;
  /** The people mentioned (user ids) and @全員, sent with every attempt. */
  mentions?: string[];
  mentionsAll?: boolean;
  /** The message this one answers (返信). */
  replyToId?: string;
  /** 確認依頼: recipients are asked to confirm. */
  ackRequested?: boolean;
  /** Attached files (local upload ids, composer/attachments/uploads.ts): sent once all are stored. */
  uploadIds?: string[];
}

export interface AppState {
  me: User | null;
  connection: ConnectionState;
  /** The socket has been connected at least once since sign-in. */
  everConnected: boolean;
  departments: Department[];
  users: Record<string, User>;
  presence: Record<string, Presence>;
  conversations: Record<string, Conversation>;
  conversationsLoaded: boolean;
  threads: Record<string, Thread>;
  outbox: Record<string, Outgoing>;
  /** conversationId → userId → the highest seq that member has read. */
  reads: Record<string, Record<string, number>>;
  /** conversationId → userId → when their typing indicator lapses (ms since epoch). */
  typing: Record<string, Record<string, number>>;
  telework: TeleworkStatus | null;
  mySession: TeleworkSession | null;
}

export function initialState(): AppState {
  return {
    me: null,
    connection: 'idle',
    everConnected: false,
    departments: [],
    users: {},
    presence: {},
    conversations: {},
    conversationsLoaded: false,
    threads: {},
    outbox: {},
    reads: {},
    typing: {},
    telework: null,
    mySession: null,
  };
}

export const appStore = createStore<AppState>(initialState());

export function useApp<T>(select: (state: AppState) => T): T {
  return useStore(appStore, select);
}

/** Forget everything (sign-out): no message content outlives the session, even in memory. */
export function resetState(): void {
  appStore.set(() => initialState());
}
