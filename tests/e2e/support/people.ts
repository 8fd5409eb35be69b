import type { Department } from '../../../shared/schemas/directory.js';
import { createDepartment, createUser, loginAdmin, type SignedIn } from '../../support/factories.js';

/** The people of the end-to-end tests, with real Japanese names and readings. */
export const NAMES = {
  yamada: { name: '山田 太郎', nameKana: 'やまだ たろう', title: '主任' },
  sato: { name: '佐藤 花子', nameKana: 'さとう はなこ', title: '主事' },
  suzuki: { name: '鈴木 一郎', nameKana: 'すずき いちろう', title: '主事' },
  tanaka: { name: '田中 美咲', nameKana: 'たなか みさき', title: '課長', role: 'supervisor' as const },
};

export interface Office {
  admin: SignedIn;
  division: Department;
  section: Department;
  yamada: SignedIn;
  sato: SignedIn;
  suzuki: SignedIn;
  tanaka: SignedIn;
}

/** 総務部 › 情報政策課, three staff and their supervisor, created through the admin API. */
export async function createOffice(baseUrl: string): Promise<Office> {
  const admin = await loginAdmin(baseUrl);
  const division = await createDepartment(admin, '総務部');
  const section = await createDepartment(admin, '情報政策課', division.id);
  const [yamada, sato, suzuki, tanaka] = await Promise.all([
    createUser(admin, section.id, NAMES.yamada),
    createUser(admin, section.id, NAMES.sato),
    createUser(admin, section.id, NAMES.suzuki),
    createUser(admin, division.id, NAMES.tanaka),
  ]);
  return { admin, division, section, yamada: yamada!, sato: sato!, suzuki: suzuki!, tanaka: tanaka! };
}
