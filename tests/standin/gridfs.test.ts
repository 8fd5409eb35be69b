// GridFS through the driver's own GridFSBucket, as the attachments feature stores files:
// chunked uploads with metadata, whole and ranged downloads, listing by metadata, rename and
// delete. Everything asserted here is what a real mongod gives as well.
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Binary, GridFSBucket, ObjectId, UUID, type GridFSBucketWriteStreamOptions } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { useTestDb } from './client';

const t = useTestDb('gridfs');

/** Uploads `bytes` (in uneven pieces, as a network stream delivers them) and returns the file id. */
async function upload(bucket: GridFSBucket, filename: string, bytes: Buffer, options: GridFSBucketWriteStreamOptions = {}, id?: ObjectId): Promise<ObjectId> {
  const stream = id ? bucket.openUploadStreamWithId(id, filename, options) : bucket.openUploadStream(filename, options);
  const pieces: Buffer[] = [];
  for (let at = 0, step = 1; at < bytes.length; at += step, step = (step * 7 + 13_001) % 100_000) pieces.push(bytes.subarray(at, at + step));
  await pipeline(Readable.from(pieces), stream);
  return stream.id as ObjectId;
}

async function download(bucket: GridFSBucket, id: ObjectId, range?: { start?: number; end?: number }): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of bucket.openDownloadStream(id, range)) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

const CHUNK = 255 * 1024;

describe('GridFS through GridFSBucket', () => {
  it('a 2.5 MB file is stored in 255 KB chunks and comes back byte for byte, with its metadata', async () => {
    const bucket = new GridFSBucket(t.db, { bucketName: 'attachments' });
    const conversationId = new ObjectId();
    const bytes = randomBytes(Math.floor(2.5 * 1024 * 1024) + 17);
    const id = await upload(bucket, '令和7年度 予算案（修正版）.xlsx', bytes, { metadata: { conversationId, contentType: 'application/vnd.ms-excel' } });

    const file = await t.db.collection('attachments.files').findOne({ _id: id });
    expect(file).toMatchObject({ length: bytes.length, chunkSize: CHUNK, filename: '令和7年度 予算案（修正版）.xlsx', metadata: { conversationId, contentType: 'application/vnd.ms-excel' } });
    expect(file?.uploadDate).toBeInstanceOf(Date);

    const chunks = await t.db.collection('attachments.chunks').find({ files_id: id }, { projection: { data: 0 } }).sort({ n: 1 }).toArray();
    expect(chunks.map((c) => c.n)).toEqual(Array.from({ length: Math.ceil(bytes.length / CHUNK) }, (_, n) => n));

    const back = await download(bucket, id);
    expect(back.length).toBe(bytes.length);
    expect(back.equals(bytes)).toBe(true);
  });

  it('a ranged download returns exactly the bytes from start up to end, across chunk borders', async () => {
    const bucket = new GridFSBucket(t.db, { bucketName: 'ranges' });
    const bytes = randomBytes(3 * 1024 * 1024);
    const id = await upload(bucket, 'big.bin', bytes);
    for (const [start, end] of [[0, 10], [CHUNK - 5, CHUNK + 5], [CHUNK * 3 + 1, CHUNK * 7 + 100], [bytes.length - 1000, bytes.length]]) {
      expect((await download(bucket, id, { start, end })).equals(bytes.subarray(start, end))).toBe(true);
    }
    // (The driver wants an end with a start: alone, a start is checked against an end of 0.)
    expect((await download(bucket, id, { start: CHUNK * 10, end: bytes.length })).equals(bytes.subarray(CHUNK * 10))).toBe(true);
  });

  it('openUploadStreamWithId keeps the given id, and an empty or one-chunk file round-trips', async () => {
    const bucket = new GridFSBucket(t.db, { bucketName: 'withid' });
    const id = new ObjectId();
    const small = randomBytes(1000);
    expect(await upload(bucket, 'small.png', small, { metadata: { kind: 'image' } }, id)).toEqual(id);
    expect((await download(bucket, id)).equals(small)).toBe(true);
    const empty = await upload(bucket, 'empty.txt', Buffer.alloc(0));
    expect((await download(bucket, empty)).length).toBe(0);
    expect(await t.db.collection('withid.chunks').countDocuments({ files_id: empty })).toBe(0);
    const exact = randomBytes(CHUNK);
    const exactId = await upload(bucket, 'exact.bin', exact);
    expect(await t.db.collection('withid.chunks').countDocuments({ files_id: exactId })).toBe(1);
    expect((await download(bucket, exactId)).equals(exact)).toBe(true);
  });

  it('the bucket creates its indexes: {files_id, n} unique on chunks and {filename, uploadDate} on files', async () => {
    const bucket = new GridFSBucket(t.db, { bucketName: 'indexed' });
    await upload(bucket, 'a.txt', Buffer.from('あいうえお'));
    await upload(bucket, 'b.txt', Buffer.from('かきくけこ'));
    const chunkIndexes = await t.db.collection('indexed.chunks').listIndexes().toArray();
    expect(chunkIndexes.find((i) => i.name !== '_id_')).toMatchObject({ key: { files_id: 1, n: 1 }, unique: true });
    const fileIndexes = await t.db.collection('indexed.files').listIndexes().toArray();
    expect(fileIndexes.find((i) => i.name !== '_id_')).toMatchObject({ key: { filename: 1, uploadDate: 1 } });
    expect(fileIndexes).toHaveLength(2);
    expect(chunkIndexes).toHaveLength(2);
    // The unique chunk index refuses a second chunk 0 for the same file.
    const [first] = await t.db.collection('indexed.chunks').find({}).limit(1).toArray();
    await expect(t.db.collection('indexed.chunks').insertOne({ files_id: first.files_id, n: first.n, data: first.data })).rejects.toMatchObject({ code: 11000 });
  });

  it('find by metadata.conversationId with a sort lists only that conversation newest first', async () => {
    const bucket = new GridFSBucket(t.db, { bucketName: 'listed' });
    const [mine, other] = [new ObjectId(), new ObjectId()];
    const names: string[] = [];
    for (let i = 0; i < 5; i++) {
      const name = `資料${i}.pdf`;
      await upload(bucket, name, randomBytes(100 + i), { metadata: { conversationId: i % 2 ? other : mine, seq: i } });
      if (i % 2 === 0) names.push(name);
    }
    const listed = await bucket.find({ 'metadata.conversationId': mine }, { sort: { 'metadata.seq': -1 } }).toArray();
    expect(listed.map((f) => f.filename)).toEqual(names.reverse());
    expect(listed.map((f) => f.length)).toEqual([104, 102, 100]);
    const byName = await bucket.find({ filename: '資料3.pdf' }).toArray();
    expect(byName.map((f) => String(f.metadata?.conversationId))).toEqual([String(other)]);
  });

  it('delete removes the file document and every chunk; rename changes only the name', async () => {
    const bucket = new GridFSBucket(t.db, { bucketName: 'gone' });
    const keep = await upload(bucket, 'keep.bin', randomBytes(CHUNK * 2 + 1));
    const drop = await upload(bucket, 'drop.bin', randomBytes(CHUNK * 3 + 1));
    expect(await t.db.collection('gone.chunks').countDocuments({ files_id: drop })).toBe(4);

    await bucket.delete(drop);
    expect(await t.db.collection('gone.files').countDocuments({ _id: drop })).toBe(0);
    expect(await t.db.collection('gone.chunks').countDocuments({ files_id: drop })).toBe(0);
    expect(await t.db.collection('gone.chunks').countDocuments({ files_id: keep })).toBe(3);
    await expect(bucket.delete(drop)).rejects.toThrow(/File not found/);
    await expect(download(bucket, drop)).rejects.toThrow(/FileNotFound|file not found/i);

    await bucket.rename(keep, '名前を変えた.bin');
    const [renamed] = await bucket.find({ _id: keep }).toArray();
    expect(renamed).toMatchObject({ filename: '名前を変えた.bin', length: CHUNK * 2 + 1 });
    expect((await bucket.openDownloadStreamByName('名前を変えた.bin').toArray()).length).toBeGreaterThan(0);
  });

  it('Binary values of any size and subtype, stored in one batch, come back byte for byte', async () => {
    const coll = t.db.collection('binaries');
    const docs = [0, 1, 100, 5000, 300_000].map((size, i) => ({ i, data: new Binary(randomBytes(size)), id: new UUID() }));
    await coll.insertMany(docs.map((d) => ({ ...d })));
    const back = await coll.find({}).sort({ i: 1 }).toArray();
    expect(back.map((d) => (d.data as Binary).length())).toEqual([0, 1, 100, 5000, 300_000]);
    back.forEach((d, i) => {
      expect(Buffer.from((d.data as Binary).buffer).equals(Buffer.from(docs[i].data.buffer))).toBe(true);
      expect((d.id as Binary).sub_type).toBe(4);
      expect(Buffer.from((d.id as Binary).buffer).equals(Buffer.from(docs[i].id.buffer))).toBe(true);
    });
  });
});
