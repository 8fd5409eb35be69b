import { describe, expect, it } from 'vitest';
import { gramPlanOf, gramsOf, literalPattern, normalizeText } from '../../server/search/normalize.js';
import { editedSearchFields, searchFieldsOf } from '../../server/search/search-fields.js';
import { snippetOf } from '../../server/search/snippet.js';

/**
 * Search matching (server/search/README.md, "Matching"): what a person types finds what was
 * written however either was spelled — width, kana, case — and the part that matched is shown.
 */

/** Whether a query finds a text by the server's rule: every bounding gram stored, then the phrase. */
function finds(query: string, text: string): boolean {
  const q = normalizeText(query);
  const stored = searchFieldsOf(text);
  const plan = gramPlanOf(q);
  const bounded = plan.kind === 'all' ? plan.grams.every((g) => stored.searchGrams.includes(g)) : stored.searchGrams.some((g) => g.startsWith(plan.char));
  return bounded && new RegExp(literalPattern(q)).test(stored.searchText);
}

describe('normalising text', () => {
  it('「カイギ」 finds 「かいぎ」, and 「かいぎ」 finds 「カイギ」', () => {
    expect(finds('カイギ', '明日のかいぎは10時')).toBe(true);
    expect(finds('かいぎ', '明日のカイギは10時')).toBe(true);
  });

  it('「ＡＢＣ」 finds 「abc」, and half-width 「ｶｲｷﾞ」 finds 「会議」 only where it is written in kana', () => {
    expect(finds('ＡＢＣ', 'abc社との打合せ')).toBe(true);
    expect(finds('abc', 'ＡＢＣ社との打合せ')).toBe(true);
    expect(finds('ｶｲｷﾞ', '定例カイギの件')).toBe(true);
    expect(finds('ｶｲｷﾞ', '定例会議の件')).toBe(false);
  });

  it('full-width digits and spaces fold: 「１０時　会議」 finds 「10時 会議」', () => {
    expect(normalizeText('１０時　会議')).toBe('10時 会議');
    expect(finds('１０時　会議', '明日 10時 会議です')).toBe(true);
  });

  it('「会議資料」 finds the phrase, not the same characters scattered', () => {
    expect(finds('会議資料', '来週の会議資料を共有します')).toBe(true);
    expect(finds('会議資料', '会議の前に資料を読んでください')).toBe(false);
  });

  it('a query of one character finds it anywhere in a word, also at its end', () => {
    expect(finds('会', '議会だより')).toBe(true);
    expect(finds('料', '資料')).toBe(true);
    expect(finds('x', 'abc')).toBe(false);
  });

  it('regular-expression characters in a query are taken literally', () => {
    expect(finds('a.b', 'a.b を確認')).toBe(true);
    expect(finds('a.b', 'axb を確認')).toBe(false);
    expect(finds('(案)', '予算(案)です')).toBe(true);
  });
});

describe('the stored n-grams', () => {
  it('are the bigrams within each word and each word’s last character', () => {
    expect(gramsOf(normalizeText('会議資料 ok'))).toEqual(['会議', '議資', '資料', '料', 'ok', 'k']);
  });

  it('a query is bounded by its kanji bigrams first, and by at most 8 grams', () => {
    const plan = gramPlanOf(normalizeText('あしたの会議'));
    expect(plan).toEqual({ kind: 'all', grams: ['の会', '会議', 'あし', 'した', 'たの'] });
    const long = gramPlanOf(normalizeText('あいうえおかきくけこさしすせそ'));
    expect(long.kind === 'all' && long.grams.length).toBe(8);
  });

  it('file names are searched with the text, each on its own line, and an edit keeps them', () => {
    const fields = searchFieldsOf('修正版です', ['令和7年度 予算案（修正版）.xlsx']);
    expect(fields.searchText).toBe('修正版です\n令和7年度 予算案(修正版).xlsx');
    expect(fields.searchGrams).toEqual(expect.arrayContaining(['修正', '予算', 'xl']));
    expect(fields.searchFileText).toBe('\n令和7年度 予算案(修正版).xlsx');
    const edit = editedSearchFields('$set 差し替え') as { searchText: { $concat: unknown[] } };
    expect(edit.searchText.$concat[0]).toEqual({ $literal: '$set 差し替え' });
  });
});

describe('snippets', () => {
  it('highlight every match in the original spelling, whatever the query’s spelling', () => {
    const s = snippetOf('明日のカイギと、来週のｶｲｷﾞ', normalizeText('かいぎ'))!;
    expect(s.highlights.map(([a, b]) => s.snippet.slice(a, b))).toEqual(['カイギ', 'ｶｲｷﾞ']);
  });

  it('cut long text around the first match, with an ellipsis, never splitting an emoji', () => {
    const text = `${'😀'.repeat(40)}予算案の確認${'あ'.repeat(200)}`;
    const s = snippetOf(text, normalizeText('予算案'))!;
    expect(s.snippet.startsWith('…')).toBe(true);
    expect(s.snippet.endsWith('…')).toBe(true);
    expect(s.snippet).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/);
    expect(s.highlights.map(([a, b]) => s.snippet.slice(a, b))).toEqual(['予算案']);
  });

  it('say so when the query is not in the text', () => {
    expect(snippetOf('会議の件', normalizeText('資料'))).toBeNull();
  });
});
