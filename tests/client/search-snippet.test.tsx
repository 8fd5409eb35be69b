// @vitest-environment happy-dom
import { afterEach, describe, expect, test } from 'vitest';
import { cleanup, render } from '@testing-library/react';
import { highlightParts } from '../../client/src/search/highlight';
import { Snippet } from '../../client/src/search/Snippet';

afterEach(cleanup);

describe('a search snippet', () => {
  test('is cut at the server’s offsets into plain and matching parts that add up to the snippet', () => {
    const parts = highlightParts('来週の会議資料を送ります。会議資料は共有フォルダにも', [
      [3, 7],
      [13, 17],
    ]);
    expect(parts).toEqual([
      { text: '来週の', mark: false },
      { text: '会議資料', mark: true },
      { text: 'を送ります。', mark: false },
      { text: '会議資料', mark: true },
      { text: 'は共有フォルダにも', mark: false },
    ]);
  });

  test('joins overlapping or touching highlights, clamps those out of range and drops empty ones', () => {
    expect(highlightParts('かいぎしつ', [[2, 4], [0, 2], [3, 3], [4, 99], [-5, 0]])).toEqual([{ text: 'かいぎしつ', mark: true }]);
    expect(highlightParts('abc', [[5, 9]])).toEqual([{ text: 'abc', mark: false }]);
    expect(highlightParts('', [])).toEqual([{ text: '', mark: false }]);
  });

  test('keeps characters outside the Basic Multilingual Plane whole (offsets are UTF-16 units)', () => {
    // 𠮷 is two UTF-16 units.
    const parts = highlightParts('𠮷野家で昼食', [[0, 3]]);
    expect(parts[0]).toEqual({ text: '𠮷野', mark: true });
    expect(parts.map((p) => p.text).join('')).toBe('𠮷野家で昼食');
  });

  test('is drawn with the matching parts as <mark>, and markup in a message stays text', () => {
    const text = '<img src=x onerror=alert(1)> の資料';
    const { container } = render(<Snippet text={text} highlights={[[text.indexOf('資料'), text.indexOf('資料') + 2]]} />);
    expect([...container.querySelectorAll('mark')].map((m) => m.textContent)).toEqual(['資料']);
    expect(container.querySelector('img')).toBeNull();
    expect(container.textContent).toBe(text);
  });
});
