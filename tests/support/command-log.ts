import type { MongoClient } from 'mongodb';

export interface LoggedCommand {
  name: string;
  collection: string;
  command: Record<string, any>;
}

/**
 * Records the database commands a server sends on the given collections, through the driver's
 * command monitoring (`monitorCommands` is on in server/db/connect.ts).
 */
export class CommandLog {
  readonly commands: LoggedCommand[] = [];

  constructor(client: MongoClient, collections: readonly string[]) {
    const watched = new Set(collections);
    client.on('commandStarted', (e) => {
      const collection = e.command[e.commandName];
      if (typeof collection === 'string' && watched.has(collection)) {
        this.commands.push({ name: e.commandName, collection, command: e.command });
      }
    });
  }

  /** The commands sent while `action` ran, as `name collection` (e.g. `insert messages`). */
  async during(action: () => Promise<unknown>): Promise<string[]> {
    const from = this.commands.length;
    await action();
    return this.commands.slice(from).map((c) => `${c.name} ${c.collection}`);
  }
}
