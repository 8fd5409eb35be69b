import { describe, expect, test } from 'vitest';
import { formatFileSize, kindOfName, thumbnailBox } from '../../client/src/files/format';
import { pastedName, pasteIsFiles } from '../../client/src/composer/attachments/pick';

describe('file sizes as people read them', () => {
  test('bytes, then KB and MB in binary units, one decimal below 10', () => {
    expect(formatFileSize(0, 'ja')).toBe('0 B');
    expect(formatFileSize(512, 'ja')).toBe('512 B');
    expect(formatFileSize(1024, 'ja')).toBe('1 KB');
    expect(formatFileSize(1536, 'ja')).toBe('1.5 KB');
    expect(formatFileSize(350 * 1024, 'ja')).toBe('350 KB');
    expect(formatFileSize(20 * 1024 * 1024, 'ja')).toBe('20 MB');
    expect(formatFileSize(1.44 * 1024 * 1024, 'en')).toBe('1.4 MB');
  });

  test('group digits in the language’s way and round up to the next unit instead of showing 1,024', () => {
    expect(formatFileSize(1023 * 1024, 'ja')).toBe('1,023 KB');
    expect(formatFileSize(1024 * 1024 - 1, 'ja')).toBe('1 MB');
    expect(formatFileSize(3 * 1024 ** 3, 'en')).toBe('3 GB');
  });
});

describe('attaching', () => {
  test('a pasted screenshot without a name of its own is named after the Tokyo time it was pasted', () => {
    const at = new Date('2026-12-04T01:15:30Z'); // 10:15 in Tokyo
    expect(pastedName('image.png', 'image/png', 'ja', at)).toBe('スクリーンショット 2026-12-04 10.15.png');
    expect(pastedName('', 'image/jpeg', 'en', at)).toBe('Screenshot 2026-12-04 10.15.jpg');
    expect(pastedName('会議室の写真.jpg', 'image/jpeg', 'ja', at)).toBe('会議室の写真.jpg');
  });

  test('a paste holding text as well as a picture (cells copied from Excel) pastes the text', () => {
    const file = new File([new Uint8Array([1])], 'image.png', { type: 'image/png' });
    const clipboard = (types: string[]) => ({ types, files: [file], items: [] }) as unknown as DataTransfer;
    expect(pasteIsFiles(clipboard(['Files']))).toBe(true);
    expect(pasteIsFiles(clipboard(['text/plain', 'text/html', 'Files']))).toBe(false);
  });

  test('a file not yet stored gets its icon from its name', () => {
    expect(kindOfName('令和7年度 予算案（修正版）.xlsx')).toBe('spreadsheet');
    expect(kindOfName('議事録.PDF')).toBe('pdf');
    expect(kindOfName('スクリーンショット.png', 'image/png')).toBe('image');
    expect(kindOfName('README')).toBe('other');
  });

  test('a thumbnail is drawn in a box of its final size, never larger than the image', () => {
    expect(thumbnailBox(1920, 1080)).toEqual({ width: 240, height: 135 });
    expect(thumbnailBox(100, 50)).toEqual({ width: 100, height: 50 });
    expect(thumbnailBox(undefined, undefined)).toEqual({ width: 240, height: 180 });
  });
});
