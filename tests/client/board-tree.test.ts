import { describe, expect, test } from 'vitest';
import type { Presence } from '../../shared/schemas/presence.js';
import { countsByDepartment } from '../../client/src/supervisor/overview';

const p = (state: Presence['state'], availability: Presence['availability'] = 'available'): Presence => ({ state, availability });

describe("the board's counts per department", () => {
  // 福祉部 › 介護保険課 › 認定係, and 福祉部 › 障害福祉課
  const parentOf = new Map<string, string | null>([
    ['bu', null],
    ['kaigo', 'bu'],
    ['nintei', 'kaigo'],
    ['shogai', 'bu'],
  ]);

  test('each node counts everyone below it, and away is counted among the connected', () => {
    const counts = countsByDepartment(
      [
        { departmentId: 'nintei', presence: p('teleworking') },
        { departmentId: 'nintei', presence: p('in_office', 'away') },
        { departmentId: 'kaigo', presence: p('offline', 'away') },
        { departmentId: 'shogai', presence: p('teleworking', 'away') },
        { departmentId: 'bu', presence: p('in_office') },
      ],
      parentOf,
    );
    expect(counts.get('nintei')).toEqual({ teleworking: 1, in_office: 1, away: 1, offline: 0 });
    expect(counts.get('kaigo')).toEqual({ teleworking: 1, in_office: 1, away: 1, offline: 1 });
    expect(counts.get('shogai')).toEqual({ teleworking: 1, in_office: 0, away: 1, offline: 0 });
    expect(counts.get('bu')).toEqual({ teleworking: 2, in_office: 2, away: 2, offline: 1 });
  });

  test('a cycle in a broken tree does not loop', () => {
    const broken = new Map<string, string | null>([
      ['a', 'b'],
      ['b', 'a'],
    ]);
    expect(countsByDepartment([{ departmentId: 'a', presence: p('offline') }], broken).get('b')).toEqual({ teleworking: 0, in_office: 0, away: 0, offline: 1 });
  });
});
