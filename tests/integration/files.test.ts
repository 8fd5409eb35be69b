import { Types } from 'mongoose';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageNewEventSchema, messageSchema, type Message } from '../../shared/schemas/conversations.js';
import { fileInfoSchema, filesPageSchema, type FileInfo } from '../../shared/schemas/files.js';
import { messageUpdatedEventSchema } from '../../shared/schemas/message-actions.js';
import { syncAnswerSchema } from '../../shared/schemas/sync.js';
import { CommandLog } from '../support/command-log.js';
import { createConversation, createTeam, type SignedIn } from '../support/factories.js';
import { download, pdf, png, rotatedJpeg, savedName, upload, uploaded, xlsx, XLSX_TYPE } from '../support/file-fixtures.js';
import { emitAck, EventLog, settle, type ClientSocket } from '../support/sockets.js';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * Files (server/files/README.md): uploaded to a conversation, attached to a message with
 * `message:send {fileIds}`, downloaded by members only — the name intact, never run by the browser —
 * and gone from everyone's view when the message is taken back.
 */

const BUDGET = '令和7年度 予算案（修正版）.xlsx';

let t: TestServer;
let alice: SignedIn;
let bob: SignedIn;
let carol: SignedIn;
let outsider: SignedIn;
let aliceS: ClientSocket;
let bobS: ClientSocket;
let group: { id: string };
let other: { id: string };

beforeAll(async () => {
  t = await startTestServer({ config: { CONVERSATION_ACTIVITY_FLUSH_MS: 60_000 } });
  const team = await createTeam(t.url, 4);
  [alice, bob, carol, outsider] = team.people as [SignedIn, SignedIn, SignedIn, SignedIn];
  group = await createConversation(alice, 'group', [bob, carol], '予算係');
  other = await createConversation(alice, 'group', [bob], '別の会話');
  [aliceS, bobS] = await Promise.all([t.connect(alice), t.connect(bob)]);
});
afterAll(() => t.stop());

let sent = 0;
const nextId = () => `files-${++sent}-${Date.now()}`;

function sendAck(socket: ClientSocket, payload: { conversationId?: string; body?: string; fileIds?: string[]; clientMsgId?: string }): Promise<any> {
  return emitAck(socket, 'message:send', { conversationId: group.id, body: '', clientMsgId: nextId(), ...payload });
}

async function send(socket: ClientSocket, payload: Parameters<typeof sendAck>[1]): Promise<Message> {
  const ack = await sendAck(socket, payload);
  expect(ack.ok, JSON.stringify(ack)).toBe(true);
  return messageSchema.parse(ack.message);
}

async function history(who: SignedIn, conversationId = group.id): Promise<Message[]> {
  const res = await who.api.get(`/api/conversations/${conversationId}/messages?limit=200`);
  expect(res.status).toBe(200);
  return res.body.messages;
}

const db = () => t.server.services.conn.db!;
const storedFile = (id: string) => db().collection('files.files').findOne({ _id: new Types.ObjectId(id) });
const countFiles = async () => ({
  files: await db().collection('files.files').countDocuments({}),
  chunks: await db().collection('files.chunks').countDocuments({}),
});

describe('sending a document instead of e-mailing it', () => {
  it('a member uploads 「令和7年度 予算案（修正版）.xlsx」, sends it, and every member downloads the same bytes under the same name', async () => {
    const bytes = xlsx();
    const res = await upload(t.url, alice, group.id, BUDGET, bytes);
    expect(res.status).toBe(201);
    const info = fileInfoSchema.parse(res.body);
    expect(info).toEqual({ id: info.id, name: BUDGET, size: bytes.length, type: XLSX_TYPE, kind: 'spreadsheet', thumbnail: false });

    const events = new EventLog(bobS, 'message:new', messageNewEventSchema);
    const message = await send(aliceS, { body: '修正版です', fileIds: [info.id] });
    expect(message.files).toEqual([info]);
    expect((await events.until((e) => e.some((x) => x.message.id === message.id))).find((e) => e.message.id === message.id)!.message).toEqual(message);
    expect((await history(carol)).find((m) => m.id === message.id)!.files).toEqual([info]);

    for (const who of [alice, bob, carol]) {
      const got = await download(t.url, who, info.id);
      expect(got.status).toBe(200);
      expect(got.bytes.equals(bytes)).toBe(true);
      expect(got.headers.get('content-type')).toBe(XLSX_TYPE);
      expect(got.headers.get('content-length')).toBe(String(bytes.length));
      const disposition = got.headers.get('content-disposition')!;
      expect(disposition.startsWith('attachment;')).toBe(true);
      expect(savedName(disposition)).toBe(BUDGET);
      // Older clients get an ASCII name that keeps the extension.
      expect(disposition).toMatch(/filename="[\x20-\x7e]*\.xlsx"/);
      expect(got.headers.get('x-content-type-options')).toBe('nosniff');
      // Message content: nothing stays in the browser's cache on the remote terminal.
      expect(got.headers.get('cache-control')).toBe('private, no-store');
      expect(got.headers.get('content-security-policy')).toContain('sandbox');
    }
  });

  it('several files go with one message, in the order given, and the text may be left out', async () => {
    const a = await uploaded(t.url, alice, group.id, '資料1.pdf', pdf('one'));
    const b = await uploaded(t.url, alice, group.id, '資料2.pdf', pdf('two'));
    const message = await send(aliceS, { fileIds: [b.id, a.id] });
    expect(message.body).toBe('');
    expect(message.files!.map((f) => f.name)).toEqual(['資料2.pdf', '資料1.pdf']);
    expect(message.files!.every((f) => f.type === 'application/pdf' && f.kind === 'pdf')).toBe(true);
  });

  it('a message with neither text nor files is still refused', async () => {
    expect(await sendAck(aliceS, { body: '  ' })).toEqual({ ok: false, error: { code: 'bad_request', message: expect.any(String) } });
  });

  it('the stored name is cleaned: the last path part only, NFC, no control or bidi-override characters', async () => {
    const info = await uploaded(t.url, alice, group.id, 'C:\\Users\\yamada\\か\u3099いき\u202Etxt.log', Buffer.from('memo\n'));
    expect(info.name).toBe('がいきtxt.log');
    expect(info.type).toBe('text/plain');
    const long = await uploaded(t.url, alice, group.id, `${'長'.repeat(300)}.pdf`, pdf());
    expect([[...long.name].length, long.name.endsWith('長.pdf')]).toEqual([255, true]);
  });
});

describe('images', () => {
  it('an image gets its size and a thumbnail made on the server, and is shown inline', async () => {
    const image = await uploaded(t.url, alice, group.id, 'スクリーンショット.png', await png(800, 600));
    expect(image).toMatchObject({ type: 'image/png', kind: 'image', thumbnail: true, width: 800, height: 600 });
    await send(aliceS, { fileIds: [image.id] });

    const thumb = await download(t.url, bob, image.id, '/thumbnail');
    expect(thumb.status).toBe(200);
    expect(thumb.headers.get('content-type')).toBe('image/webp');
    expect(thumb.headers.get('content-length')).toBe(String(thumb.bytes.length));
    const meta = await sharp(thumb.bytes).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['webp', 320, 240]);

    const full = await download(t.url, bob, image.id);
    expect(full.headers.get('content-type')).toBe('image/png');
    expect(full.headers.get('content-disposition')!.startsWith('inline;')).toBe(true);
  });

  it("a phone's portrait photo (EXIF rotation) is measured and thumbnailed upright", async () => {
    const photo = await uploaded(t.url, alice, group.id, 'IMG_0001.jpg', await rotatedJpeg(400, 300));
    expect(photo).toMatchObject({ type: 'image/jpeg', width: 300, height: 400, thumbnail: true });
    await send(aliceS, { fileIds: [photo.id] });
    const meta = await sharp((await download(t.url, bob, photo.id, '/thumbnail')).bytes).metadata();
    expect([meta.width, meta.height]).toEqual([240, 320]);
  });

  it('a file that is not an image has no thumbnail to fetch', async () => {
    const doc = await uploaded(t.url, alice, group.id, '議事録.pdf', pdf());
    await send(aliceS, { fileIds: [doc.id] });
    expect(doc.thumbnail).toBe(false);
    expect((await download(t.url, bob, doc.id, '/thumbnail')).status).toBe(404);
  });
});

describe('what is accepted is decided by the content', () => {
  const refused = { error: { code: 'bad_request', message: expect.stringContaining('not accepted') } };

  it('HTML and SVG are refused, whatever their names say, and nothing is stored', async () => {
    const before = await countFiles();
    for (const [name, content] of [
      ['page.html', '<!doctype html><html><script>alert(1)</script></html>'],
      ['logo.svg', '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'],
    ] as const) {
      const res = await upload(t.url, alice, group.id, name, Buffer.from(content), name.endsWith('svg') ? 'image/svg+xml' : 'text/html');
      expect([name, res.status, res.body]).toEqual([name, 400, refused]);
    }
    expect(await countFiles()).toEqual(before);
  });

  it('a program named like a PDF is recognised as a program and refused', async () => {
    const exe = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(62), Buffer.from('PE\0\0'), Buffer.alloc(200)]);
    exe.writeUInt32LE(64, 0x3c);
    const res = await upload(t.url, alice, group.id, '請求書.pdf', exe, 'application/pdf');
    expect([res.status, res.body]).toEqual([400, refused]);
  });

  it('a CSV has no magic bytes and is taken by its extension when it reads as text (Shift_JIS included)', async () => {
    const sjisCsv = Buffer.from([0x96, 0xbc, 0x91, 0x4f, 0x2c, 0x31, 0x0d, 0x0a]); // 「名前,1」 in Shift_JIS
    const info = await uploaded(t.url, alice, group.id, '名簿.csv', sjisCsv);
    expect(info).toMatchObject({ type: 'text/csv', kind: 'spreadsheet' });
    const binary = await upload(t.url, alice, group.id, 'data.csv', Buffer.from([0x00, 0x01, 0x02, 0x03]));
    expect(binary.status).toBe(400);
  });

  it('a zip that is not an Office document stays a zip', async () => {
    const { zip } = await import('../support/file-fixtures.js');
    const info = await uploaded(t.url, alice, group.id, 'まとめ.xlsx', zip([['readme.txt', 'hello']]));
    expect(info).toMatchObject({ type: 'application/zip', kind: 'archive' });
  });

  it('an upload without the field "file" is refused', async () => {
    const form = new FormData();
    form.append('other', new Blob([Buffer.from('x')]), 'x.txt');
    const res = await fetch(`${t.url}/api/conversations/${group.id}/files`, { method: 'POST', headers: { authorization: `Bearer ${alice.token}` }, body: form });
    expect(res.status).toBe(400);
    expect((await res.json()).error.code).toBe('bad_request');
  });
});

describe('who may have a file', () => {
  let file: FileInfo;
  let unsent: FileInfo;

  beforeAll(async () => {
    file = await uploaded(t.url, alice, group.id, '人事資料.pdf', pdf('secret'));
    await send(aliceS, { fileIds: [file.id] });
    unsent = await uploaded(t.url, alice, group.id, '下書き.pdf', pdf('draft'));
  });

  it('a non-member can never download, fetch a thumbnail, list or upload — and cannot tell whether a file exists', async () => {
    const unknown = new Types.ObjectId().toHexString();
    const notFound = await download(t.url, outsider, unknown);
    expect(notFound.status).toBe(404);
    for (const id of [file.id, unsent.id]) {
      for (const part of ['', '/thumbnail'] as const) {
        const got = await download(t.url, outsider, id, part);
        expect(got.status).toBe(404);
        expect(got.bytes.toString()).toBe(notFound.bytes.toString());
      }
    }
    expect((await outsider.api.get(`/api/conversations/${group.id}/files`)).status).toBe(403);
    expect((await upload(t.url, outsider, group.id, 'x.txt', Buffer.from('x'))).status).toBe(403);
  });

  it('a file not yet sent is its uploader’s alone', async () => {
    expect((await download(t.url, alice, unsent.id)).status).toBe(200);
    expect((await download(t.url, bob, unsent.id)).status).toBe(404);
    const listed = filesPageSchema.parse((await alice.api.get(`/api/conversations/${group.id}/files?limit=100`)).body);
    expect(listed.files.map((f) => f.id)).not.toContain(unsent.id);
  });

  it('someone removed from the conversation can no longer download what they could a moment ago', async () => {
    const team = await createConversation(alice, 'group', [bob, carol], '一時的');
    const doc = await uploaded(t.url, alice, team.id, '回覧.pdf', pdf());
    await send(aliceS, { conversationId: team.id, fileIds: [doc.id] });
    expect((await download(t.url, carol, doc.id)).status).toBe(200);
    expect((await alice.api.delete(`/api/conversations/${team.id}/members/${carol.user.id}`)).status).toBeLessThan(300);
    expect((await download(t.url, carol, doc.id)).status).toBe(404);
    expect((await download(t.url, bob, doc.id)).status).toBe(200);
  });

  it('an ended meeting takes no more files', async () => {
    const meeting = await alice.api.post('/api/meetings', { topic: '短い打ち合わせ', memberIds: [bob.user.id], durationMin: 5 });
    expect(meeting.status).toBe(201);
    expect((await upload(t.url, alice, meeting.body.conversationId, 'before.txt', Buffer.from('ok'))).status).toBe(201);
    expect((await alice.api.post(`/api/meetings/${meeting.body.id}/end`)).status).toBe(200);
    const res = await upload(t.url, alice, meeting.body.conversationId, 'after.txt', Buffer.from('late'));
    expect([res.status, res.body.error.code]).toEqual([403, 'forbidden']);
  });
});

describe('message:send checks its fileIds', () => {
  const refusal = { ok: false, error: { code: 'bad_request', message: expect.any(String) } };

  it("another person's file, a file of another conversation, one already sent, or an unknown id: bad_request, and nothing is stored", async () => {
    const bobs = await uploaded(t.url, bob, group.id, 'bob.pdf', pdf());
    const elsewhere = await uploaded(t.url, alice, other.id, 'other.pdf', pdf());
    const used = await uploaded(t.url, alice, group.id, 'used.pdf', pdf());
    await send(aliceS, { fileIds: [used.id] });
    const mine = await uploaded(t.url, alice, group.id, 'mine.pdf', pdf());
    const before = await history(alice);

    for (const bad of [bobs.id, elsewhere.id, used.id, new Types.ObjectId().toHexString()]) {
      expect(await sendAck(aliceS, { body: '添付', fileIds: [mine.id, bad] })).toEqual(refusal);
    }
    expect(await sendAck(aliceS, { body: '二重', fileIds: [mine.id, mine.id] })).toEqual(refusal);
    expect(await history(alice)).toEqual(before);
    // Still unsent, still the uploader's: it can go with the next message.
    expect((await storedFile(mine.id))!.metadata.messageId).toBeUndefined();
    expect((await send(aliceS, { fileIds: [mine.id] })).files!.map((f) => f.id)).toEqual([mine.id]);
  });

  it('a retry with the same clientMsgId returns the same message and tells no one twice; other files under that id are a conflict', async () => {
    const doc = await uploaded(t.url, alice, group.id, '再送.pdf', pdf());
    const events = new EventLog(bobS, 'message:new', messageNewEventSchema);
    const clientMsgId = nextId();
    const first = await send(aliceS, { body: '再送テスト', fileIds: [doc.id], clientMsgId });
    const again = await send(aliceS, { body: '再送テスト', fileIds: [doc.id], clientMsgId });
    expect(again).toEqual(first);
    await settle(bobS);
    expect(events.events.filter((e) => e.message.clientMsgId === clientMsgId)).toHaveLength(1);

    const another = await uploaded(t.url, alice, group.id, '別.pdf', pdf());
    const conflict = await sendAck(aliceS, { body: '再送テスト', fileIds: [another.id], clientMsgId });
    expect(conflict).toEqual({ ok: false, error: { code: 'conflict', message: expect.any(String) } });
    expect((await storedFile(another.id))!.metadata.messageId).toBeUndefined();
  });
});

describe('taking back a message with files', () => {
  it('removes its files from everyone’s view: the message, history, the files list and downloads; the record keeps them', async () => {
    const image = await uploaded(t.url, alice, group.id, '誤送信.png', await png(64, 64));
    const message = await send(aliceS, { body: '間違い', fileIds: [image.id] });
    expect((await download(t.url, bob, image.id)).status).toBe(200);

    const updates = new EventLog(bobS, 'message:updated', messageUpdatedEventSchema);
    const ack = await emitAck(aliceS, 'message:delete', { messageId: message.id });
    expect(ack.ok).toBe(true);
    expect(ack.message.files).toBeUndefined();
    const event = (await updates.until((e) => e.some((x) => x.message.id === message.id))).find((e) => e.message.id === message.id)!;
    expect(event.message.files).toBeUndefined();
    expect((await history(bob)).find((m) => m.id === message.id)!.files).toBeUndefined();

    for (const who of [alice, bob]) {
      expect((await download(t.url, who, image.id)).status).toBe(404);
      expect((await download(t.url, who, image.id, '/thumbnail')).status).toBe(404);
    }
    const listed = filesPageSchema.parse((await bob.api.get(`/api/conversations/${group.id}/files?limit=100`)).body);
    expect(listed.files.map((f) => f.id)).not.toContain(image.id);

    const stored = await db().collection('messages').findOne({ _id: new Types.ObjectId(message.id) });
    expect(stored!.files).toBeUndefined();
    expect(stored!.takenBackFiles.map((f: { id: unknown }) => String(f.id))).toEqual([image.id]);
    expect(await storedFile(image.id)).not.toBeNull();
  });
});

describe('catching up after a reconnect', () => {
  it('a sync brings new messages with their files, and a take-back without them', async () => {
    const conv = await createConversation(alice, 'group', [bob], '同期');
    const early = await uploaded(t.url, alice, conv.id, '先の資料.pdf', pdf());
    const held = await send(aliceS, { conversationId: conv.id, fileIds: [early.id] });
    const sync = (cursor?: string) =>
      bob.api.post('/api/sync', { ...(cursor ? { cursor } : {}), seqs: { [conv.id]: held.seq }, froms: { [conv.id]: held.seq } });
    const { cursor } = syncAnswerSchema.parse((await sync()).body);

    // While bob is away: a new message with a file, and the one he holds is taken back.
    const later = await uploaded(t.url, alice, conv.id, '後の資料.png', await png(40, 40));
    const fresh = await send(aliceS, { conversationId: conv.id, body: '新着', fileIds: [later.id] });
    expect((await emitAck(aliceS, 'message:delete', { messageId: held.id })).ok).toBe(true);

    const answer = syncAnswerSchema.parse((await sync(cursor)).body);
    expect(answer.messages[conv.id]!.messages.find((m) => m.id === fresh.id)!.files).toEqual([later]);
    const change = answer.changes[conv.id]!.find((m) => m.id === held.id)!;
    expect(change.deletedAt).toBeDefined();
    expect(change.files).toBeUndefined();
  });
});

describe("a conversation's files list", () => {
  it('lists the files of its messages newest first, filters by kind, and pages by file id', async () => {
    const conv = await createConversation(alice, 'group', [bob], '資料置き場');
    const sheet = await uploaded(t.url, alice, conv.id, '集計.xlsx', xlsx());
    const photo = await uploaded(t.url, bob, conv.id, '現場.png', await png(30, 20));
    const minutes = await uploaded(t.url, alice, conv.id, '議事録.pdf', pdf());
    const m1 = await send(aliceS, { conversationId: conv.id, body: '集計', fileIds: [sheet.id] });
    const m2 = await send(bobS, { conversationId: conv.id, body: '写真', fileIds: [photo.id] });
    const m3 = await send(aliceS, { conversationId: conv.id, fileIds: [minutes.id] });

    const all = filesPageSchema.parse((await bob.api.get(`/api/conversations/${conv.id}/files`)).body);
    expect(all.hasMore).toBe(false);
    expect(all.files.map((f) => [f.name, f.messageId, f.seq, f.senderId])).toEqual([
      ['議事録.pdf', m3.id, m3.seq, alice.user.id],
      ['現場.png', m2.id, m2.seq, bob.user.id],
      ['集計.xlsx', m1.id, m1.seq, alice.user.id],
    ]);
    expect(all.files[1]).toMatchObject({ kind: 'image', thumbnail: true, width: 30, height: 20, createdAt: m2.createdAt });

    const images = filesPageSchema.parse((await bob.api.get(`/api/conversations/${conv.id}/files?kind=image`)).body);
    expect(images.files.map((f) => f.id)).toEqual([photo.id]);

    const page1 = filesPageSchema.parse((await bob.api.get(`/api/conversations/${conv.id}/files?limit=2`)).body);
    expect([page1.files.map((f) => f.name), page1.hasMore]).toEqual([['議事録.pdf', '現場.png'], true]);
    const page2 = filesPageSchema.parse((await bob.api.get(`/api/conversations/${conv.id}/files?limit=2&before=${page1.files[1]!.id}`)).body);
    expect([page2.files.map((f) => f.name), page2.hasMore]).toEqual([['集計.xlsx'], false]);

    expect((await bob.api.get(`/api/conversations/${conv.id}/files?kind=video`)).status).toBe(400);
  });
});

describe('database commands of files', () => {
  it('one read of all the files, the insert, one update marking them sent — and a plain send is still the insert alone', async () => {
    const log = new CommandLog(t.server.services.conn.getClient(), ['messages', 'conversations', 'users', 'readmarks', 'files.files', 'files.chunks']);
    const conv = await createConversation(alice, 'group', [bob], '計数');
    await send(aliceS, { conversationId: conv.id, body: '最初' });
    const files = [
      await uploaded(t.url, alice, conv.id, 'a.pdf', pdf()),
      await uploaded(t.url, alice, conv.id, 'b.pdf', pdf()),
      await uploaded(t.url, alice, conv.id, 'c.png', await png(10, 10)),
    ];
    let message: Message | undefined;
    expect(await log.during(async () => (message = await send(aliceS, { conversationId: conv.id, fileIds: files.map((f) => f.id) })))).toEqual([
      'find files.files',
      'insert messages',
      'update files.files',
    ]);
    expect(message!.files).toHaveLength(3);
    expect(await log.during(() => send(aliceS, { conversationId: conv.id, body: 'ふつうの送信' }))).toEqual(['insert messages']);

    // Reading: the list is one query; a download is our read of the record, the driver's, then the chunks.
    expect(await log.during(() => bob.api.get(`/api/conversations/${conv.id}/files?kind=pdf`))).toEqual(['find files.files']);
    expect(await log.during(() => download(t.url, bob, files[0]!.id))).toEqual(['find files.files', 'find files.files', 'find files.chunks']);
  });
});

describe('uploads never sent', () => {
  it('are deleted with their thumbnails once FILE_UNSENT_TTL_H has passed; files of messages stay', async () => {
    const conv = await createConversation(alice, 'group', [bob], '片付け');
    const sentImage = await uploaded(t.url, alice, conv.id, '送った.png', await png(50, 50));
    await send(aliceS, { conversationId: conv.id, fileIds: [sentImage.id] });
    const leftOver = await uploaded(t.url, alice, conv.id, '送らなかった.png', await png(50, 50));
    const thumbnailId = (await storedFile(leftOver.id))!.metadata.thumbnailId;

    // The hourly sweep, run as it would run a day later.
    expect(await t.server.services.files.sweepUnsent(new Date(Date.now() + 25 * 3600 * 1000))).toBeGreaterThanOrEqual(1);

    expect(await storedFile(leftOver.id)).toBeNull();
    expect(await db().collection('files.files').findOne({ _id: thumbnailId })).toBeNull();
    expect(await db().collection('files.chunks').countDocuments({ files_id: { $in: [new Types.ObjectId(leftOver.id), thumbnailId] } })).toBe(0);
    expect((await download(t.url, alice, leftOver.id)).status).toBe(404);
    for (const part of ['', '/thumbnail'] as const) expect((await download(t.url, bob, sentImage.id, part)).status).toBe(200);
  });
});
