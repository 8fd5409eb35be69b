// vitest globalSetup: one database for the whole run, handed to tests through provide/inject:
//   import { inject } from 'vitest';  inject('mongoUri'), inject('dbKind')
// Tests should open their own database on it with testDbUri() from ./database.
import type { TestProject } from 'vitest/node';
import { startTestDatabase, type DatabaseKind } from './database';

declare module 'vitest' {
  export interface ProvidedContext {
    mongoUri: string;
    dbKind: DatabaseKind;
  }
}

const LABELS: Record<DatabaseKind, string> = {
  external: 'external MongoDB (TEST_MONGODB_URI)',
  'mongodb-memory-server': 'mongod via mongodb-memory-server',
  standin: 'MongoDB stand-in (mingo + bson, in-memory)',
};

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const db = await startTestDatabase();
  console.log(`[tests] database: ${LABELS[db.kind]} at ${db.uri}`);
  project.provide('mongoUri', db.uri);
  project.provide('dbKind', db.kind);
  return () => db.stop();
}
