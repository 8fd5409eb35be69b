/**
 * Plain values both sides need at run time. Nothing here imports zod (or anything else), so the
 * web client can use them without pulling the schema library into its first load; the schemas in
 * ./schemas are built from these same values.
 */
export const PRESENCE_STATES = ['teleworking', 'in_office', 'offline'] as const;
export const AVAILABILITIES = ['available', 'away', 'busy', 'in_meeting'] as const;
export const CONVERSATION_KINDS = ['dm', 'group', 'channel', 'meeting'] as const;

/** Longest message body, counted in characters (Unicode code points) after trimming. */
export const MAX_BODY_CHARS = 10_000;

/** A quick meeting's time box, in minutes (issue 10), and what the host may add at a time. */
export const MEETING_DURATIONS = [5, 10, 15, 30, 60] as const;
export const MEETING_EXTENSIONS = [5, 10] as const;

/** What the audit log records (issue 11, server/audit). */
export const AUDIT_ACTIONS = [
  'setup.first_admin',
  'department.create',
  'department.update',
  'department.retire',
  'user.create',
  'user.update',
  'user.disable',
  'user.enable',
  'user.password_reset',
  'user.sessions_end',
  'telework.force_end',
  'staff.import',
  'staff.export',
  'transfer.schedule',
  'transfer.cancel',
  'audit.export',
  'report.export',
] as const;

/** Files (issue 12, server/files): at most this many attached to one message. */
export const MAX_FILES_PER_MESSAGE = 10;
/** How a file is shown: an image (thumbnail, viewer) or an icon by kind. */
export const FILE_KINDS = ['image', 'pdf', 'document', 'spreadsheet', 'presentation', 'text', 'archive', 'other'] as const;
/** Search (issue 12, server/search): the longest query, in characters, and the largest page. */
export const MAX_SEARCH_QUERY_CHARS = 100;
export const MAX_SEARCH_PAGE = 50;
