/**
 * Realistic office Japanese for the search benchmark: greetings, subjects and requests of a city
 * office's chat, combined at random (seeded, so every run writes the same text), 15–70 characters.
 */
const OPENINGS = ['', '', '', 'お疲れさまです。', 'おはようございます。', '至急：', 'ご連絡です。', '山田さん、', '課長、', 'すみません、', '【共有】'];
const SUBJECTS = [
  '来週の会議資料', '予算案', '議事録', '住民説明会', '防災訓練', '窓口の混雑', 'システム更新', '契約書の原本', '申請書類',
  '出張報告', '勤務表', 'テレワークの申請', '庁内LANの障害', '見積書', '広報誌の原稿', '議会答弁の案', '監査対応', '補助金の交付',
  '人事異動の内示', '研修の日程', '公用車の予約', '会議室の予約', '決裁の回付', 'ＰＤＦの資料', 'Excelの集計表', 'アンケート結果',
  '市民からの問い合わせ', '子育て支援の案内', 'ゴミ収集の変更', '道路工事のお知らせ', '選挙事務', '税務証明', '保険年金の手続き',
];
const PREDICATES = [
  'を共有します', 'の件、確認をお願いします', 'について相談させてください', 'は金曜までに提出してください', 'を修正しました',
  'が届きました', 'の締切は明日です', 'を共有フォルダに置きました', 'の件で電話がありました', 'はどうなっていますか',
  'を差し替えました', 'の最新版です', 'は来週に延期になりました', 'について課内で検討します', 'の回答を作成中です',
];
const CLOSINGS = [
  '', '', '', 'よろしくお願いします。', '承知しました。', '10時から3階の会議室です。', '資料は共有フォルダに置きました。',
  '午後は外出しています。', '不明点があれば連絡ください。', '本日中に回答します。', 'ありがとうございます。', '13時半に戻ります。',
];

/** A small fast PRNG (mulberry32): the same seed, the same corpus. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function sentence(rand: () => number): string {
  const pick = <T>(list: readonly T[]) => list[Math.floor(rand() * list.length)]!;
  const number = rand() < 0.2 ? `（${1 + Math.floor(rand() * 12)}月${1 + Math.floor(rand() * 28)}日）` : '';
  return `${pick(OPENINGS)}${pick(SUBJECTS)}${number}${pick(PREDICATES)}。${pick(CLOSINGS)}`;
}
