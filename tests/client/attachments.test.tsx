// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import type { Message } from '../../shared/schemas/conversations.js';
import type { FileInfo } from '../../shared/schemas/files.js';

// The network is replaced at its edges: the socket (message:send) and the upload request. Each
// test decides when an upload progresses, is stored or fails, and what the server answers.
const net = vi.hoisted(() => ({
  connected: true,
  sent: [] as Array<{ clientMsgId: string; body: string; fileIds?: string[] }>,
  uploads: [] as Array<{
    name: string;
    progress: (loaded: number, total: number) => void;
    store: (file: FileInfo) => void;
    fail: (error: Error) => void;
    aborted: boolean;
  }>,
}));
vi.mock('../../client/src/net/socket', () => ({
  isConnected: () => net.connected,
  sendTyping: () => {},
  emitSend: async (payload: { clientMsgId: string; body: string; conversationId: string; fileIds?: string[] }) => {
    net.sent.push({ clientMsgId: payload.clientMsgId, body: payload.body, ...(payload.fileIds ? { fileIds: payload.fileIds } : {}) });
    return { ok: true, message: stored(payload) };
  },
}));
vi.mock('../../client/src/composer/attachments/upload', () => {
  class UploadAborted extends Error {}
  return {
    UploadAborted,
    uploadFile: (_conversationId: string, _blob: Blob, name: string, onProgress: (loaded: number, total: number) => void) => {
      let resolve!: (file: FileInfo) => void;
      let reject!: (error: Error) => void;
      const done = new Promise<FileInfo>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      const entry = { name, progress: onProgress, store: resolve, fail: reject, aborted: false };
      net.uploads.push(entry);
      return {
        done,
        abort: () => {
          entry.aborted = true;
          reject(new UploadAborted());
        },
      };
    },
  };
});

// Drafts are stored on the server (tests/client/drafts.test.ts).
vi.mock('../../client/src/composer/drafts', () => ({
  peekDraft: () => undefined,
  loadDraft: () => Promise.resolve(''),
  saveDraft: () => {},
  clearDraft: () => {},
  flushDraft: () => Promise.resolve(),
  clearDrafts: () => {},
}));

const { appStore, initialState } = await import('../../client/src/app/state');
const { Composer } = await import('../../client/src/composer/Composer');
const { sendMessage } = await import('../../client/src/composer/outbox');
const uploads = await import('../../client/src/composer/attachments/uploads');
const { AttachmentChips } = await import('../../client/src/composer/attachments/AttachmentChips');
const { ApiError } = await import('../../client/src/net/api');

const ME = 'a'.repeat(24);
const CONV = 'c'.repeat(24);
let seq = 0;
function stored(payload: { clientMsgId: string; body: string; fileIds?: string[] }): Message {
  seq++;
  return {
    id: seq.toString(16).padStart(24, '0'),
    conversationId: CONV,
    seq,
    senderId: ME,
    body: payload.body,
    clientMsgId: payload.clientMsgId,
    createdAt: '2026-12-04T01:00:00.000Z',
    mentions: [],
    ...(payload.fileIds ? { files: payload.fileIds.map((id) => info(id, 'x.pdf')) } : {}),
  };
}
const info = (id: string, name: string): FileInfo => ({ id, name, size: 2048, type: 'application/pdf', kind: 'pdf', thumbnail: false });
const fileId = (n: number) => `e${String(n).padStart(23, '0')}`;
const blob = (bytes = 2048, type = 'application/pdf') => new Blob([new Uint8Array(bytes)], { type });
const tick = async () => {
  for (let i = 0; i < 3; i++) await new Promise((r) => setTimeout(r, 0));
};
const attach = (...names: string[]) => uploads.attachFiles(CONV, names.map((name) => ({ file: blob(), name })));
const composing = () => uploads.uploadStore.get().composing[CONV] ?? [];

beforeEach(() => {
  net.connected = true;
  net.sent = [];
  net.uploads = [];
  seq = 0;
  uploads.clearUploads();
  appStore.set(() => ({
    ...initialState(),
    me: { id: ME, loginId: 'me', staffNo: '1', name: '自分', nameKana: 'じぶん', departmentId: 'd'.repeat(24), role: 'staff' },
    threads: { [CONV]: { messages: [], hasMoreBefore: false, loadingOlder: false } },
  }));
});
afterEach(cleanup);

describe('a message with files', () => {
  test('waits in the outbox until every one of its files is stored, then goes once with their ids', async () => {
    attach('予算案.xlsx', '議事録.pdf');
    const ids = uploads.takeComposerUploads(CONV);
    const id = sendMessage(CONV, '資料です', { uploadIds: ids });
    await tick();
    expect(net.sent).toEqual([]);
    expect(appStore.get().outbox[id]!.status).toBe('pending');

    net.uploads[1]!.store(info(fileId(2), '議事録.pdf'));
    await tick();
    expect(net.sent).toEqual([]); // one file is still on its way

    net.uploads[0]!.store(info(fileId(1), '予算案.xlsx'));
    await tick();
    expect(net.sent).toEqual([{ clientMsgId: id, body: '資料です', fileIds: [fileId(1), fileId(2)] }]);
    expect(appStore.get().outbox[id]).toBeUndefined();
    expect(appStore.get().threads[CONV]!.messages[0]!.files?.map((f) => f.id)).toEqual([fileId(1), fileId(2)]);
    // Nothing of the uploads is kept once the message is stored.
    expect(uploads.uploadStore.get().uploads).toEqual({});
  });

  test('does not hold back a text message written after it', async () => {
    attach('大きな資料.pdf');
    const withFile = sendMessage(CONV, '', { uploadIds: uploads.takeComposerUploads(CONV) });
    const text = sendMessage(CONV, '先にこちら');
    await tick();
    expect(net.sent.map((s) => s.clientMsgId)).toEqual([text]);
    net.uploads[0]!.store(info(fileId(1), '大きな資料.pdf'));
    await tick();
    expect(net.sent.map((s) => s.clientMsgId)).toEqual([text, withFile]);
    expect(net.sent[1]).toEqual({ clientMsgId: withFile, body: '', fileIds: [fileId(1)] });
  });

  test('whose upload failed keeps waiting; trying again uploads the file again and then sends', async () => {
    attach('報告書.pdf');
    const id = sendMessage(CONV, '報告書を送ります', { uploadIds: uploads.takeComposerUploads(CONV) });
    net.uploads[0]!.fail(new ApiError('unavailable', 0, 'network error'));
    await tick();
    const [upload] = Object.values(uploads.uploadStore.get().uploads);
    expect(upload!.status).toBe('failed');
    expect(appStore.get().outbox[id]!.status).toBe('pending');
    expect(net.sent).toEqual([]);

    uploads.retryUpload(upload!.id);
    expect(net.uploads).toHaveLength(2);
    net.uploads[1]!.store(info(fileId(7), '報告書.pdf'));
    await tick();
    expect(net.sent).toEqual([{ clientMsgId: id, body: '報告書を送ります', fileIds: [fileId(7)] }]);
  });

  test('with its only file removed and no text is dropped; with text it goes without the file', async () => {
    attach('間違い.pdf');
    const alone = sendMessage(CONV, '', { uploadIds: uploads.takeComposerUploads(CONV) });
    attach('これも違う.pdf');
    const withText = sendMessage(CONV, '本文だけ送ります', { uploadIds: uploads.takeComposerUploads(CONV) });
    const [first, second] = Object.keys(uploads.uploadStore.get().uploads);
    uploads.removeUpload(first!);
    uploads.removeUpload(second!);
    await tick();
    expect(net.uploads.map((u) => u.aborted)).toEqual([true, true]);
    expect(appStore.get().outbox[alone]).toBeUndefined();
    expect(net.sent).toEqual([{ clientMsgId: withText, body: '本文だけ送ります' }]);
  });
});

describe('attaching files', () => {
  test('refuses a file over the size limit before sending a byte, and says which and why', () => {
    const refused = uploads.attachFiles(CONV, [
      { file: blob(uploads.DEFAULT_MAX_FILE_BYTES + 1), name: '動画.mp4' },
      { file: blob(10), name: 'メモ.txt' },
    ]);
    expect(refused).toEqual([{ name: '動画.mp4', reason: 'tooLarge', size: uploads.DEFAULT_MAX_FILE_BYTES + 1 }]);
    expect(net.uploads.map((u) => u.name)).toEqual(['メモ.txt']);
    expect(uploads.uploadStore.get().refused[CONV]).toEqual(refused);
  });

  test('takes at most ten files for one message', () => {
    const refused = attach(...Array.from({ length: 12 }, (_, i) => `資料${i + 1}.pdf`));
    expect(composing()).toHaveLength(10);
    expect(refused.map((r) => [r.name, r.reason])).toEqual([
      ['資料11.pdf', 'tooMany'],
      ['資料12.pdf', 'tooMany'],
    ]);
  });

  test('chips show each file’s name, size and progress; × stops an upload under way', async () => {
    attach('令和7年度 予算案（修正版）.xlsx');
    const view = () => render(<AttachmentChips uploads={Object.values(uploads.uploadStore.get().uploads)} label="添付ファイル" />);
    act(() => net.uploads[0]!.progress(1024, 2048));
    view();
    const chip = screen.getByTestId('attachment');
    expect(chip.textContent).toContain('令和7年度 予算案（修正版）.xlsx');
    expect(chip.textContent).toContain('2 KB');
    expect((chip.querySelector('progress') as HTMLProgressElement).value).toBe(50);
    expect(screen.getByRole('progressbar').getAttribute('aria-label')).toBe('令和7年度 予算案（修正版）.xlsx を送信中 50%');

    fireEvent.click(screen.getByRole('button', { name: '令和7年度 予算案（修正版）.xlsx の送信を中止' }));
    await tick();
    expect(net.uploads[0]!.aborted).toBe(true);
    expect(composing()).toEqual([]);
  });

  test('a refused file’s chip gives the server’s reason; an upload cut off by the network offers to try again', async () => {
    attach('議事録.pdf', '報告書.pdf');
    net.uploads[0]!.fail(new ApiError('payload_too_large', 413, 'ファイルが大きすぎます(上限 20 MB)'));
    net.uploads[1]!.fail(new ApiError('unavailable', 0, 'network error'));
    await tick();
    render(<AttachmentChips uploads={Object.values(uploads.uploadStore.get().uploads)} label="添付ファイル" />);
    const [refused, cut] = screen.getAllByTestId('attachment');
    expect(refused!.querySelector('[data-testid="attachment-error"]')!.textContent).toBe('ファイルを送れませんでした: ファイルが大きすぎます(上限 20 MB)');
    // The same file would be refused again: only × is offered.
    expect(refused!.querySelector('[data-testid="attachment-retry"]')).toBeNull();
    expect(cut!.querySelector('[data-testid="attachment-error"]')!.textContent).toBe('ファイルを送れませんでした: サーバーに接続できません。');
    fireEvent.click(cut!.querySelector('[data-testid="attachment-retry"]')!);
    expect(net.uploads).toHaveLength(3);
  });
});

describe('the composer with files', () => {
  test('a pasted screenshot is attached under a dated name, and files alone may be sent', async () => {
    const send = vi.fn();
    render(<Composer conversationId={CONV} send={send} />);
    const input = screen.getByTestId('composer-input');
    const button = screen.getByTestId('composer-send') as HTMLButtonElement;
    expect(button.disabled).toBe(true);

    const shot = new File([new Uint8Array(300)], 'image.png', { type: 'image/png' });
    fireEvent.paste(input, { clipboardData: { types: ['Files'], files: [shot], items: [] } });
    const chip = await screen.findByTestId('attachment');
    expect(chip.textContent).toMatch(/スクリーンショット \d{4}-\d{2}-\d{2} \d{2}\.\d{2}\.png/);
    expect(net.uploads.map((u) => u.name)).toEqual([expect.stringMatching(/^スクリーンショット /)]);

    // No text, one file: 送信 is offered, and the message goes with the file (it waits for the upload).
    expect(button.disabled).toBe(false);
    fireEvent.click(button);
    const [id] = Object.keys(uploads.uploadStore.get().uploads);
    expect(send).toHaveBeenCalledWith(CONV, '', { uploadIds: [id] });
    // The composer is empty again: its file went with the message.
    expect(screen.queryByTestId('attachment')).toBeNull();
  });

  test('a paste of text that also carries a picture (cells from Excel) pastes the text only', () => {
    render(<Composer conversationId={CONV} send={vi.fn()} />);
    const picture = new File([new Uint8Array(300)], 'image.png', { type: 'image/png' });
    fireEvent.paste(screen.getByTestId('composer-input'), { clipboardData: { types: ['text/plain', 'Files'], files: [picture], items: [] } });
    expect(net.uploads).toEqual([]);
    expect(screen.queryByTestId('attachment')).toBeNull();
  });

  test('a file over the limit chosen with the file button is refused with its name, size and the limit', async () => {
    render(<Composer conversationId={CONV} send={vi.fn()} />);
    const big = new File([new Uint8Array(21 * 1024 * 1024)], '説明会の録画.mp4', { type: 'video/mp4' });
    fireEvent.change(screen.getByTestId('file-input'), { target: { files: [big] } });
    expect((await screen.findByTestId('attachment-refused')).textContent).toBe(
      '「説明会の録画.mp4」(21 MB)は大きすぎるため添付できません。1 ファイル 20 MB までです。',
    );
    expect(net.uploads).toEqual([]);
  });
});
