import type { PresenceState } from '../../shared/schemas/presence.js';
import type { Overview } from '../../shared/schemas/telework.js';

type Counts = Overview['counts'];

/**
 * The supervisor boards watched from this process: for each department, each member's state and
 * the counts per state. Built once from the full overview at `overview:watch`, then kept up to date
 * from each pushed change, so that a change costs O(1) per board instead of rebuilding the
 * department (PROTOCOL.md `overview:member` carries the counts).
 */
export class OverviewBoards {
  private readonly boards = new Map<string, { states: Map<string, PresenceState>; counts: Counts }>();

  get size(): number {
    return this.boards.size;
  }

  has(departmentId: string): boolean {
    return this.boards.has(departmentId);
  }

  /** Starts following a department from a freshly built overview (kept if already followed). */
  follow(overview: Overview): void {
    if (this.boards.has(overview.department.id)) return;
    const states = new Map(overview.members.map((m) => [m.user.id, m.presence.state]));
    this.boards.set(overview.department.id, { states, counts: { ...overview.counts } });
  }

  /** Forgets the boards `stillWatched` says nobody here watches any more. */
  prune(stillWatched: (departmentId: string) => boolean): void {
    for (const id of [...this.boards.keys()]) if (!stillWatched(id)) this.boards.delete(id);
  }

  /**
   * A member's new state on a board: returns the board's counts after it. A person who was not on
   * the board (new in the department) joins it.
   */
  apply(departmentId: string, userId: string, state: PresenceState): Counts | undefined {
    const board = this.boards.get(departmentId);
    if (!board) return undefined;
    const before = board.states.get(userId);
    if (before) board.counts[before] -= 1;
    board.counts[state] += 1;
    board.states.set(userId, state);
    return { ...board.counts };
  }

  /** Someone who moved to another department leaves the boards they are no longer under. */
  leaveOthers(userId: string, underDepartments: ReadonlySet<string>): void {
    for (const [departmentId, board] of this.boards) {
      if (underDepartments.has(departmentId)) continue;
      const before = board.states.get(userId);
      if (!before) continue;
      board.counts[before] -= 1;
      board.states.delete(userId);
    }
  }
}
