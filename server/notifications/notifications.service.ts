import { Types, type Connection, type Model } from 'mongoose';
import {
  DEFAULT_NOTIFICATION_SETTINGS,
  type NotificationSettings,
  type NotificationSettingsPatch,
} from '../../shared/schemas/notifications.js';
import { isDuplicateKey } from '../db/errors.js';
import { notificationSettingsModel, type NotificationSettingsDoc } from './notification-settings.model.js';

/** Each person's choice of what notifies them. The only writer of `notificationsettings`. */
export class NotificationsService {
  private readonly settings: Model<NotificationSettingsDoc>;

  constructor(conn: Connection) {
    this.settings = notificationSettingsModel(conn);
  }

  async init(): Promise<void> {
    await this.settings.createIndexes();
  }

  /** The person's settings; the defaults until they change something. One read. */
  async get(userId: string): Promise<NotificationSettings> {
    const doc = await this.settings.collection.findOne<NotificationSettingsDoc>({ userId: new Types.ObjectId(userId) });
    return doc ? settingsOf(doc) : { ...DEFAULT_NOTIFICATION_SETTINGS };
  }

  /**
   * Changes only what the patch names, in one atomic upsert: `$set` for the named fields,
   * `$setOnInsert` the defaults for the rest, so two terminals changing different switches at
   * once both keep their change. Answers the stored result.
   */
  async update(userId: string, patch: NotificationSettingsPatch): Promise<NotificationSettings> {
    const set: Record<string, unknown> = { updatedAt: new Date() };
    const onInsert: Record<string, unknown> = {};
    for (const key of Object.keys(DEFAULT_NOTIFICATION_SETTINGS) as (keyof NotificationSettings)[]) {
      if (patch[key] !== undefined) set[key] = patch[key];
      else onInsert[key] = DEFAULT_NOTIFICATION_SETTINGS[key];
    }
    const write = () =>
      this.settings.collection.findOneAndUpdate(
        { userId: new Types.ObjectId(userId) },
        { $set: set, $setOnInsert: onInsert },
        { upsert: true, returnDocument: 'after' },
      );
    // Two first saves at once: one inserts, the other's upsert hits the unique index; it then
    // finds the document and updates it.
    const doc = await write().catch((err: unknown) => {
      if (isDuplicateKey(err)) return write();
      throw err;
    });
    return doc ? settingsOf(doc as NotificationSettingsDoc) : this.get(userId);
  }
}

function settingsOf(doc: NotificationSettingsDoc): NotificationSettings {
  return { dm: doc.dm, mentions: doc.mentions, acks: doc.acks, all: doc.all };
}
