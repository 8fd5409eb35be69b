import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConversation, createTeam, type SignedIn } from '../support/factories.js';
import { upload } from '../support/file-fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * The limits of server/files (README.md there): the size per file, enforced while the upload
 * streams in; the attachment scan hook (ATTACHMENT_SCAN_COMMAND); the upload rate. Whatever is
 * refused leaves nothing in the database and nothing on disk.
 */

const EICAR = 'X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*';

let scanDir: string;
let t: TestServer;
let alice: SignedIn;
let conv: { id: string };

const stored = async () => ({
  files: await t.server.services.conn.db!.collection('files.files').countDocuments({}),
  chunks: await t.server.services.conn.db!.collection('files.chunks').countDocuments({}),
});

beforeAll(async () => {
  // A stand-in virus scanner: refuses files carrying the EICAR test marker, never answers for
  // SLOW-SCAN; it notes each path it was given, so the test can see the temporary file is gone after.
  scanDir = await mkdtemp(path.join(tmpdir(), 'scan-test-'));
  const script = path.join(scanDir, 'scan.sh');
  await writeFile(
    script,
    [
      '#!/bin/sh',
      `echo "$1" >> ${path.join(scanDir, 'seen.log')}`,
      "if grep -q 'EICAR-STANDARD-ANTIVIRUS-TEST-FILE' \"$1\"; then exit 1; fi",
      "if grep -q 'SLOW-SCAN' \"$1\"; then exec sleep 30; fi",
      'exit 0',
      '',
    ].join('\n'),
  );
  t = await startTestServer({
    config: { FILE_MAX_BYTES: 2048, ATTACHMENT_SCAN_COMMAND: `/bin/sh ${script}`, ATTACHMENT_SCAN_TIMEOUT_S: 1 },
  });
  const team = await createTeam(t.url, 2);
  alice = team.people[0]!;
  conv = await createConversation(alice, 'group', [team.people[1]!], '上限');
});
afterAll(async () => {
  await t.stop();
  await rm(scanDir, { recursive: true, force: true });
});

describe('the size limit (FILE_MAX_BYTES)', () => {
  it('a file over the limit is refused with 413, the limit named, and nothing is stored', async () => {
    const before = await stored();
    const res = await upload(t.url, alice, conv.id, '大きすぎる.txt', Buffer.alloc(2049, 'a'));
    expect(res.status).toBe(413);
    expect(res.body.error).toEqual({ code: 'payload_too_large', message: expect.stringContaining('2 KB') });
    // The web client learns the limit from the answer and checks the next file itself.
    expect(res.headers['x-max-file-bytes']).toBe('2048');
    expect(await stored()).toEqual(before);
  });

  it('a request declaring far more than the limit is refused before it is read', async () => {
    const before = await stored();
    const res = await upload(t.url, alice, conv.id, 'huge.txt', Buffer.alloc(256 * 1024, 'a'));
    expect([res.status, res.body.error.code]).toEqual([413, 'payload_too_large']);
    expect(await stored()).toEqual(before);
  });

  it('a file of exactly the limit is accepted', async () => {
    const res = await upload(t.url, alice, conv.id, 'ちょうど.txt', Buffer.alloc(2048, 'a'));
    expect([res.status, res.body.size, res.headers['x-max-file-bytes']]).toEqual([201, 2048, '2048']);
  });
});

describe('the attachment scan (ATTACHMENT_SCAN_COMMAND)', () => {
  it('a file the scanner refuses (non-zero exit) gets a clear refusal, nothing is stored, and the temporary file is gone', async () => {
    const before = await stored();
    const res = await upload(t.url, alice, conv.id, 'invoice.txt', Buffer.from(EICAR));
    expect(res.status).toBe(400);
    expect(res.body.error).toEqual({ code: 'bad_request', message: expect.stringContaining('scan refused') });
    expect(await stored()).toEqual(before);
    const seen = (await readFile(path.join(scanDir, 'seen.log'), 'utf8')).trim().split('\n');
    expect(seen.length).toBeGreaterThan(0);
    for (const file of seen) expect(existsSync(file)).toBe(false);
  });

  it('a clean file passes the scan and is stored', async () => {
    const res = await upload(t.url, alice, conv.id, 'clean.txt', Buffer.from('ただのメモ'));
    expect(res.status).toBe(201);
  });

  it('a scan that does not answer in time refuses the file as unavailable (try again), storing nothing', async () => {
    const before = await stored();
    const res = await upload(t.url, alice, conv.id, 'slow.txt', Buffer.from('SLOW-SCAN'));
    expect([res.status, res.body.error.code]).toEqual([503, 'unavailable']);
    expect(await stored()).toEqual(before);
  });
});

describe('the upload rate (FILE_UPLOAD_RATE_LIMIT)', () => {
  let limited: TestServer;
  afterAll(() => limited?.stop());

  it('one person uploading too many files in the window is told to wait, with Retry-After', async () => {
    limited = await startTestServer({ config: { FILE_UPLOAD_RATE_LIMIT: 2, FILE_UPLOAD_RATE_WINDOW_S: 600 } });
    const team = await createTeam(limited.url, 2);
    const [dave, erin] = team.people as [SignedIn, SignedIn];
    const room = await createConversation(dave, 'group', [erin], '連投');
    for (let i = 0; i < 2; i++) expect((await upload(limited.url, dave, room.id, `${i}.txt`, Buffer.from('x'))).status).toBe(201);
    const refused = await upload(limited.url, dave, room.id, '3.txt', Buffer.from('x'));
    expect([refused.status, refused.body.error.code]).toEqual([429, 'rate_limited']);
    expect(refused.body.error.retryAfterS).toBeGreaterThan(0);
    // Another person is not held back by it.
    expect((await upload(limited.url, erin, room.id, 'mine.txt', Buffer.from('x'))).status).toBe(201);
  });
});
