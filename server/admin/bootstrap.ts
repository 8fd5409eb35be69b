import { AppError } from '../../shared/errors.js';
import type { Config } from '../config.js';
import type { DirectoryService } from '../directory/directory.service.js';
import { log } from '../log.js';

/**
 * At start: if ADMIN_LOGIN_ID and ADMIN_PASSWORD are set and no admin exists yet, create one
 * (in the first top-level department, created if the directory is empty).
 */
export async function bootstrapAdmin(config: Config, directory: DirectoryService): Promise<void> {
  if (!config.ADMIN_LOGIN_ID || !config.ADMIN_PASSWORD) return;
  if (await directory.hasAdmin()) return;
  const root = await directory.rootDepartment();
  try {
    await directory.createUser({
      loginId: config.ADMIN_LOGIN_ID,
      password: config.ADMIN_PASSWORD,
      staffNo: `ADMIN-${Date.now().toString(36).toUpperCase()}`,
      name: '管理者',
      nameKana: 'かんりしゃ',
      departmentId: root.id,
      role: 'admin',
    });
    log.info({ loginId: config.ADMIN_LOGIN_ID }, `created the first admin "${config.ADMIN_LOGIN_ID}"`);
  } catch (err) {
    // Another process starting at the same moment created it first: that is fine.
    if (err instanceof AppError && err.code === 'conflict' && (await directory.hasAdmin())) return;
    // A weak ADMIN_PASSWORD stops the start with a message naming the variable.
    if (err instanceof AppError && err.code === 'bad_request') throw new Error(`ADMIN_PASSWORD refused: ${err.message}`);
    throw err;
  }
}
