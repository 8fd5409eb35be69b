import type { DirectoryService } from '../directory/directory.service.js';
import { log } from '../log.js';
import type { MessagingService } from '../messaging/messaging.service.js';
import type { ConversationsService } from './conversations.service.js';

/**
 * Department channels follow their department: whenever the directory writes a person's
 * department (a new person, an admin's edit, an import), they leave their old department's channel
 * and enter the new one's, and each channel records it with a system message (「〇〇さんが異動しました」
 * in the old one, 「〇〇さんが参加しました」 in the new one). The directory stays the truth: a failure
 * here is logged and does not undo the person's change (see README.md, "Department channels").
 */
export function followDepartmentChannels(directory: DirectoryService, conversations: ConversationsService, messaging: MessagingService): void {
  directory.onDepartmentMoves(async (moves) => {
    try {
      const changes = await conversations.followDepartments(moves);
      for (const change of changes) {
        if (change.removed.length) {
          await messaging.sendSystem(change.conversationId, change.removed[0]!, { type: 'department_moved', userIds: change.removed }, change.memberIds);
        }
        if (change.added.length) {
          await messaging.sendSystem(change.conversationId, change.added[0]!, { type: 'members_added', userIds: change.added }, change.memberIds);
        }
      }
    } catch (err) {
      log.error({ err: (err as Error).message, people: moves.length }, 'department channels did not follow a department change');
    }
  });
}
