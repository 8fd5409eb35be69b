/**
 * The one database every server of a run uses: the MongoDB stand-in in its own process (or
 * TEST_MONGODB_URI / MONGODB_URI when set). Each session of a scenario gets a fresh database
 * name on it, seeded directly (no scrypt per sign-in), and dropped afterwards.
 */
import { createHash, randomBytes, scryptSync } from 'node:crypto';
import { MongoClient, ObjectId, type Collection, type IndexDescription } from 'mongodb';
import { messageSchema } from '../../server/messaging/message.model.js';
import { searchFieldsOf } from '../../server/search/search-fields.js';
import { firstMessage, spawnScript, stopChild, type Spawned } from './children.js';

export interface Database {
  baseUri: string;
  label: string;
  /** A stand-in this run started (and stops), not TEST_MONGODB_URI / MONGODB_URI. */
  ownProcess: boolean;
  pid?: number;
  uriFor(dbName: string): string;
  drop(dbName: string): Promise<void>;
  client: MongoClient;
  stop(): Promise<void>;
}

/** `name`: the stand-in's log file (bench/results/logs/<run>/<name>.log). */
export async function openDatabase(name = 'standin'): Promise<Database> {
  const external = process.env.TEST_MONGODB_URI || process.env.MONGODB_URI;
  let standin: Spawned | undefined;
  let baseUri: string;
  let label: string;
  if (external) {
    baseUri = external;
    label = process.env.TEST_MONGODB_URI ? 'TEST_MONGODB_URI' : 'MONGODB_URI';
  } else {
    // BENCH_STANDIN_NODE_ARGS: Node flags for the stand-in's process (e.g. "--trace-gc", to see its pauses).
    const nodeArgs = (process.env.BENCH_STANDIN_NODE_ARGS ?? '').split(' ').filter(Boolean);
    // A second stand-in (the history page's) takes any free port, whatever BENCH_STANDIN_PORT says.
    standin = await spawnScript('bench/suite/standin-process.ts', { name, nodeArgs, ...(name === 'standin' ? {} : { env: { BENCH_STANDIN_PORT: '0' } }) });
    baseUri = (await firstMessage<{ uri: string }>(standin, 'ready', 60_000)).uri;
    label = 'MongoDB stand-in (tests/support/mongo-standin, in-memory, own process)';
  }
  const uriFor = (dbName: string) => {
    const u = new URL(baseUri);
    u.pathname = `/${dbName}`;
    return u.toString();
  };
  const client = await new MongoClient(uriFor('admin')).connect();
  return {
    baseUri,
    label,
    ownProcess: standin !== undefined,
    pid: standin?.child.pid,
    uriFor,
    client,
    drop: async (dbName) => {
      await client.db(dbName).dropDatabase().catch(() => {});
    },
    stop: async () => {
      await client.close().catch(() => {});
      if (standin) await stopChild(standin);
    },
  };
}

export interface Person {
  index: number;
  userId: string;
  token: string;
  groupId: string;
  channelId: string;
}

export interface Organisation {
  people: Person[];
  groups: { id: string; memberIdx: number[] }[];
  channels: { id: string; memberIdx: number[] }[];
}

export const GROUP_SIZE = 10;
export const CHANNEL_SIZE = 100;

// One scrypt hash for everybody: nobody signs in with a password in the bench.
const PASSWORD_HASH = (() => {
  const salt = randomBytes(16);
  const key = scryptSync('bench-password', salt, 32, { N: 16384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 });
  return ['scrypt', 16384, 8, 1, salt.toString('base64'), key.toString('base64')].join('$');
})();

/**
 * `count` staff: person i is in group floor(i/10) (10 people) and department channel
 * floor(i/100) (100 people, the department's), each with a live session token.
 */
export async function seedOrganisation(client: MongoClient, dbName: string, count: number): Promise<Organisation> {
  const db = client.db(dbName);
  const now = new Date();
  const deptCount = Math.ceil(count / CHANNEL_SIZE);
  const deptIds = Array.from({ length: deptCount }, () => new ObjectId());
  const userIds = Array.from({ length: count }, () => new ObjectId());
  const groupIds = Array.from({ length: Math.ceil(count / GROUP_SIZE) }, () => new ObjectId());
  const channelIds = Array.from({ length: deptCount }, () => new ObjectId());
  const tokens = userIds.map(() => randomBytes(32).toString('base64url'));
  const batched = async (name: string, docs: object[]) => {
    for (let i = 0; i < docs.length; i += 5_000) await db.collection(name).insertMany(docs.slice(i, i + 5_000) as never[], { ordered: false });
  };
  await batched('departments', deptIds.map((_id, d) => ({ _id, name: `ベンチ課${d}`, parentId: null, createdAt: now, updatedAt: now })));
  await batched(
    'users',
    userIds.map((_id, i) => ({
      _id,
      loginId: `bench${i}`,
      staffNo: `B${i}`,
      name: `試験 ${i}`,
      nameKana: 'しけん',
      searchText: `試験 ${i} しけん bench${i} b${i}`,
      departmentId: deptIds[Math.floor(i / CHANNEL_SIZE)],
      role: 'staff',
      passwordHash: PASSWORD_HASH,
      createdAt: now,
      updatedAt: now,
    })),
  );
  await batched(
    'sessions',
    userIds.map((userId, i) => ({
      _id: new ObjectId(),
      tokenHash: createHash('sha256').update(tokens[i]!).digest('hex'),
      userId,
      createdAt: now,
      expiresAt: new Date(now.getTime() + 12 * 3600_000),
    })),
  );
  const members = (size: number, k: number) => Array.from({ length: Math.min(size, count - k * size) }, (_, j) => k * size + j);
  const groups = groupIds.map((id, k) => ({ id: String(id), memberIdx: members(GROUP_SIZE, k) }));
  const channels = channelIds.map((id, k) => ({ id: String(id), memberIdx: members(CHANNEL_SIZE, k) }));
  const conversation = (kind: string, _id: ObjectId, memberIdx: number[], title: string) => ({
    _id,
    kind,
    title,
    memberIds: memberIdx.map((i) => userIds[i]),
    key: `${kind}:${String(_id)}`,
    createdBy: userIds[memberIdx[0]!],
    lastActivityAt: now,
    createdAt: now,
  });
  await batched('conversations', [
    ...groups.map((g, k) => conversation('group', groupIds[k]!, g.memberIdx, `班${k}`)),
    ...channels.map((c, k) => conversation('channel', channelIds[k]!, c.memberIdx, `ベンチ課${k}`)),
  ]);
  return {
    people: userIds.map((id, i) => ({
      index: i,
      userId: String(id),
      token: tokens[i]!,
      groupId: String(groupIds[Math.floor(i / GROUP_SIZE)]),
      channelId: String(channelIds[Math.floor(i / CHANNEL_SIZE)]),
    })),
    groups,
    channels,
  };
}

/**
 * `count` messages in one conversation, inserted in bulk (the history scenario), stored as the
 * server stores them: every index of its message schema in place before the first batch, each
 * message with its search fields, and the search backfill (server/messaging/search-backfill.ts)
 * recorded as done, as on a database this server has written from the start. Seeded without them,
 * the server spent the measurement building the missing indexes over the whole conversation and
 * then giving a million messages their search fields, and the page times measured that instead.
 */
export async function seedHistory(client: MongoClient, dbName: string, conversationId: string, senderIds: string[], count: number): Promise<void> {
  const db = client.db(dbName);
  const coll = db.collection('messages');
  await coll.createIndexes(messageSchema.indexes().map(([key, options]) => ({ key: key as IndexDescription['key'], ...(options as Omit<IndexDescription, 'key'>) })));
  const conv = new ObjectId(conversationId);
  const start = Date.now() - count * 1000;
  const batch = 10_000;
  for (let from = 0; from < count; from += batch) {
    const docs = [];
    for (let seq = from + 1; seq <= Math.min(count, from + batch); seq++) {
      const body = `過去のメッセージ ${seq}`;
      docs.push({
        _id: new ObjectId(),
        conversationId: conv,
        seq,
        senderId: new ObjectId(senderIds[seq % senderIds.length]),
        body,
        clientMsgId: `hist-${seq}`,
        mentions: [],
        createdAt: new Date(start + seq * 1000),
        ...searchFieldsOf(body),
      });
    }
    await insertPatiently(coll, docs);
  }
  await db.collection<{ _id: string; doneAt: Date }>('searchbackfill').updateOne({ _id: 'messages' }, { $set: { doneAt: new Date() } }, { upsert: true });
}

/**
 * A batch, retried when the connection drops: at a million messages a stand-in's major garbage
 * collection can outlast the driver's monitor, which then interrupts the batch in flight. The retry
 * skips what was stored already (duplicate `_id`s; unordered, so the rest goes in).
 */
export async function insertPatiently(coll: Collection, docs: object[], onRetry: (reason: string, attempt: number) => void = () => undefined): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await coll.insertMany(docs as never[], { ordered: false });
      return;
    } catch (err) {
      const e = err as { writeErrors?: { code?: number }[]; name?: string };
      const onlyDuplicates = (e.writeErrors?.length ?? 0) > 0 && e.writeErrors!.every((w) => w.code === 11000);
      if (onlyDuplicates) return;
      if (attempt >= 5) throw err;
      onRetry(e.name ?? 'error', attempt);
      await new Promise((r) => setTimeout(r, 5000));
    }
  }
}
