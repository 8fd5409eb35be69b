/**
 * The demo organisation as plain data: departments, people and a few conversations.
 * Everything here is fictional. `seed.ts` writes it through the services, in this order, so the
 * result is the same on every run (no randomness).
 */
import type { Role } from '../../shared/schemas/auth.js';

/** Every demo account signs in with this password (the demo keeps nothing; see main.ts). */
export const DEMO_PASSWORD = 'demo-pass-2026';

export interface DemoDepartment {
  /** A key used only inside this file. */
  key: string;
  name: string;
  /** The parent's key; `null` hangs the department under the city's top-level department. */
  parent: string | null;
}

/**
 * Hangs under the directory's top-level department (「市役所」, created when the directory is
 * empty; an existing one is reused).
 */
export const DEPARTMENTS: readonly DemoDepartment[] = [
  { key: 'mayor', name: '市長公室', parent: null },
  { key: 'secretariat', name: '秘書課', parent: 'mayor' },
  { key: 'pr', name: '広報課', parent: 'mayor' },
  { key: 'general', name: '総務局', parent: null },
  { key: 'hr', name: '人事課', parent: 'general' },
  { key: 'it', name: '情報システム課', parent: 'general' },
  { key: 'citizens', name: '市民局', parent: null },
  { key: 'counter', name: '市民課', parent: 'citizens' },
  { key: 'registry', name: '戸籍課', parent: 'citizens' },
];

export interface DemoPerson {
  loginId: string;
  staffNo: string;
  name: string;
  /** Hiragana reading, family name first, as the directory sorts and searches it. */
  nameKana: string;
  department: string;
  role: Role;
  title: string;
}

const person = (
  loginId: string,
  staffNo: string,
  name: string,
  nameKana: string,
  department: string,
  title: string,
  role: Role = 'staff',
): DemoPerson => ({ loginId, staffNo, name, nameKana, department, role, title });

/** 40 people: one admin, one supervisor per department (9), and 30 staff. */
export const PEOPLE: readonly DemoPerson[] = [
  // 市長公室
  person('takahashi.m', 'S10001', '高橋 誠', 'たかはし まこと', 'mayor', '室長', 'supervisor'),
  // 秘書課
  person('watanabe.m', 'S10002', '渡辺 美穂', 'わたなべ みほ', 'secretariat', '課長', 'supervisor'),
  person('ito.s', 'S10003', '伊藤 翔太', 'いとう しょうた', 'secretariat', '主任'),
  person('nakamura.m', 'S10004', '中村 真由美', 'なかむら まゆみ', 'secretariat', '係長'),
  person('kobayashi.d', 'S10005', '小林 大輔', 'こばやし だいすけ', 'secretariat', '主事'),
  person('suzuki.m', 'S10006', '鈴木 美香', 'すずき みか', 'secretariat', '主事'),
  // 広報課
  person('kato.y', 'S10007', '加藤 裕子', 'かとう ゆうこ', 'pr', '課長', 'supervisor'),
  person('yoshida.t', 'S10008', '吉田 拓也', 'よしだ たくや', 'pr', '係長'),
  person('yamada.h', 'S10009', '山田 花子', 'やまだ はなこ', 'pr', '主任'),
  person('sasaki.m', 'S10010', '佐々木 恵', 'ささき めぐみ', 'pr', '主事'),
  person('yamaguchi.k', 'S10011', '山口 健太', 'やまぐち けんた', 'pr', '主事'),
  // 総務局
  person('matsumoto.t', 'S10012', '松本 隆', 'まつもと たかし', 'general', '局長', 'supervisor'),
  // 人事課
  person('inoue.s', 'S10013', '井上 聡', 'いのうえ さとし', 'hr', '課長', 'supervisor'),
  person('sato.k', 'S10014', '佐藤 健一', 'さとう けんいち', 'hr', '主任'),
  person('kimura.a', 'S10015', '木村 彩', 'きむら あや', 'hr', '主事'),
  person('hayashi.k', 'S10016', '林 健二', 'はやし けんじ', 'hr', '係長'),
  person('shimizu.y', 'S10017', '清水 由美', 'しみず ゆみ', 'hr', '主査'),
  person('yamazaki.r', 'S10018', '山崎 亮', 'やまざき りょう', 'hr', '主事'),
  person('mori.c', 'S10019', '森 千尋', 'もり ちひろ', 'hr', '主事'),
  // 情報システム課
  person('ikeda.h', 'S10020', '池田 浩之', 'いけだ ひろゆき', 'it', '課長', 'supervisor'),
  person('admin', 'S10021', '前田 一郎', 'まえだ いちろう', 'it', 'システム管理者', 'admin'),
  person('hashimoto.n', 'S10022', '橋本 直樹', 'はしもと なおき', 'it', '主任'),
  person('abe.s', 'S10023', '阿部 沙織', 'あべ さおり', 'it', '係長'),
  person('ishikawa.y', 'S10024', '石川 陽介', 'いしかわ ようすけ', 'it', '主事'),
  person('yamashita.a', 'S10025', '山下 愛', 'やました あい', 'it', '主事'),
  person('nakajima.y', 'S10026', '中島 悠斗', 'なかじま ゆうと', 'it', '主事'),
  // 市民局
  person('fujita.a', 'S10027', '藤田 明', 'ふじた あきら', 'citizens', '局長', 'supervisor'),
  // 市民課
  person('okada.t', 'S10028', '岡田 智子', 'おかだ ともこ', 'counter', '課長', 'supervisor'),
  person('goto.d', 'S10029', '後藤 大樹', 'ごとう だいき', 'counter', '係長'),
  person('hasegawa.m', 'S10030', '長谷川 舞', 'はせがわ まい', 'counter', '主任'),
  person('murakami.k', 'S10031', '村上 和也', 'むらかみ かずや', 'counter', '主事'),
  person('kondo.y', 'S10032', '近藤 優子', 'こんどう ゆうこ', 'counter', '主事'),
  person('ishii.t', 'S10033', '石井 達也', 'いしい たつや', 'counter', '主査'),
  person('sakamoto.n', 'S10034', '坂本 奈々', 'さかもと なな', 'counter', '主事'),
  // 戸籍課
  person('endo.m', 'S10035', '遠藤 正人', 'えんどう まさと', 'registry', '課長', 'supervisor'),
  person('aoki.m', 'S10036', '青木 美咲', 'あおき みさき', 'registry', '主任'),
  person('fujii.s', 'S10037', '藤井 信也', 'ふじい しんや', 'registry', '係長'),
  person('nishimura.k', 'S10038', '西村 香織', 'にしむら かおり', 'registry', '主事'),
  person('fukuda.y', 'S10039', '福田 洋平', 'ふくだ ようへい', 'registry', '主事'),
  person('ota.r', 'S10040', '太田 玲奈', 'おおた れいな', 'registry', '主事'),
];

export interface DemoConversation {
  /** Used in the messages' clientMsgIds (`demo-<key>-<n>`), which must be unique per sender. */
  key: string;
  kind: 'dm' | 'group' | 'channel';
  title?: string;
  /** Login id of the creator; a channel's creator must be a supervisor or admin. */
  creator: string;
  /** Login ids of the other members. */
  members: string[];
  /** `[sender login id, body]`, sent in this order. */
  messages: [string, string][];
}

/** Sent in this order, so the last one is each member's most recent activity. */
export const CONVERSATIONS: readonly DemoConversation[] = [
  {
    key: 'ch-hr',
    kind: 'channel',
    title: '人事課',
    creator: 'inoue.s',
    members: ['sato.k', 'kimura.a', 'hayashi.k', 'shimizu.y', 'yamazaki.r', 'mori.c'],
    messages: [
      ['inoue.s', 'おはようございます。本日から人事課の連絡はこのチャンネルでお願いします。'],
      ['hayashi.k', '承知しました。今週の会計年度任用職員の面接日程を共有します。水曜14時と木曜10時です。'],
      ['shimizu.y', '木曜10時の面接は第2会議室を押さえました。'],
      ['inoue.s', '@sato.k 年末調整の案内文、今日中に確認をお願いできますか。'],
      ['sato.k', '承知しました。午後に確認して、修正があればこちらに書きます。'],
    ],
  },
  {
    key: 'ch-counter',
    kind: 'channel',
    title: '市民課 窓口連絡',
    creator: 'okada.t',
    members: ['goto.d', 'hasegawa.m', 'murakami.k', 'kondo.y', 'ishii.t', 'sakamoto.n'],
    messages: [
      ['okada.t', '月曜は転入届の窓口が混み合う見込みです。10時から2番窓口を増やします。'],
      ['goto.d', '2番窓口には村上さんと近藤さんに入ってもらいます。'],
      ['murakami.k', '了解です。番号札の発券機も補充しておきます。'],
      ['ishii.t', 'マイナンバーカードの交付予約が午後に12件入っています。'],
    ],
  },
  {
    key: 'grp-dx',
    kind: 'group',
    title: '庁内DX推進プロジェクト',
    creator: 'hashimoto.n',
    members: ['ikeda.h', 'abe.s', 'sato.k', 'yamada.h'],
    messages: [
      ['hashimoto.n', '電子申請の対象手続きの洗い出し、各課の回答が揃いました。'],
      ['abe.s', '集計表を共有フォルダの「DX推進/2026」に置きました。'],
      ['yamada.h', '広報紙の来月号で電子申請の特集を組む予定です。掲載できる手続きを教えてください。'],
      ['ikeda.h', '次回の打合せは金曜15時にしましょう。テレワーク中の方はこのチャットで参加してください。'],
      ['sato.k', '人事関係の届出は3件が対象です。金曜までに資料にまとめます。'],
    ],
  },
  {
    key: 'grp-party',
    kind: 'group',
    title: '歓送迎会 幹事',
    creator: 'kimura.a',
    members: ['yoshida.t', 'aoki.m', 'hasegawa.m'],
    messages: [
      ['kimura.a', '4月の歓送迎会、候補日を3つに絞りました。第2金曜、第3水曜、第3金曜です。'],
      ['yoshida.t', '広報課は第3金曜だと全員参加できそうです。'],
      ['aoki.m', '戸籍課も第3金曜で大丈夫です。'],
      ['hasegawa.m', '市民課も問題ありません。お店の予約は私がします。'],
    ],
  },
  {
    key: 'dm-counter',
    kind: 'dm',
    creator: 'hasegawa.m',
    members: ['goto.d'],
    messages: [
      ['hasegawa.m', '後藤係長、明日は在宅勤務なので、午前の窓口当番を交代していただけますか。'],
      ['goto.d', 'いいですよ。代わりに来週火曜の当番をお願いします。'],
      ['hasegawa.m', 'ありがとうございます。当番表を直しておきます。'],
    ],
  },
  {
    key: 'dm-it',
    kind: 'dm',
    creator: 'sato.k',
    members: ['hashimoto.n'],
    messages: [
      ['sato.k', '橋本さん、自宅からリモートデスクトップに繋がらなくなりました。'],
      ['hashimoto.n', '端末の再起動は試しましたか。証明書の更新が必要な場合があります。'],
      ['sato.k', '再起動したら繋がりました。助かりました。'],
    ],
  },
  {
    key: 'dm-hr',
    kind: 'dm',
    creator: 'sato.k',
    members: ['inoue.s'],
    messages: [
      ['sato.k', '課長、来週の木曜と金曜のテレワーク申請を出しました。ご承認をお願いします。'],
      ['inoue.s', '承認しました。木曜午後の課内会議はオンラインで参加してください。'],
      ['sato.k', '承知しました。よろしくお願いします。'],
    ],
  },
];

/** The accounts the banner suggests (all share DEMO_PASSWORD). */
export const FEATURED_SIGN_INS: readonly string[] = [
  'admin',
  'inoue.s',
  'okada.t',
  'sato.k',
  'hashimoto.n',
  'hasegawa.m',
  'kimura.a',
];
