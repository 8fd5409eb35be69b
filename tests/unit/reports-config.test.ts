import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.js';

describe('REPORTS_DEPARTMENT_IDS', () => {
  it('names the departments whose supervisors may view reports, and is empty (admins only) when unset', () => {
    expect(loadConfig({}).REPORTS_DEPARTMENT_IDS).toEqual([]);
    expect(loadConfig({ REPORTS_DEPARTMENT_IDS: ' 0123456789abcdef01234567, 89abcdef0123456789abcdef ' }).REPORTS_DEPARTMENT_IDS).toEqual([
      '0123456789abcdef01234567',
      '89abcdef0123456789abcdef',
    ]);
  });

  it('stops the server naming the variable when an entry is not a department id', () => {
    expect(() => loadConfig({ REPORTS_DEPARTMENT_IDS: '0123456789abcdef01234567,人事課' })).toThrow(/REPORTS_DEPARTMENT_IDS/);
  });
});
