/**
 * The folding every Japanese-aware search here shares (people's names in server/directory, message
 * text in server/search): NFKC folds half-width kana and full-width Latin and digits
 * (「ｶｲｷﾞ」→「カイギ」, 「ＡＢＣ」→「ABC」), katakana becomes hiragana (「カイギ」→「かいぎ」; the long-vowel
 * mark ー stays), Latin becomes lower case. Whitespace is left as it is: each caller decides.
 */
export function foldJapanese(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/[\u30a1-\u30f6]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0x60))
    .toLowerCase();
}
