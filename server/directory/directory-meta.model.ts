import { Schema, type Connection, type Model } from 'mongoose';

/**
 * One document, `{_id: 'directory', version}`: raised on every write to `users` or `departments`,
 * so every process (and every restart) agrees on the directory's version without reading it.
 */
const directoryMetaSchema = new Schema(
  {
    _id: { type: String, required: true },
    version: { type: Number, required: true, default: 0 },
  },
  { collection: 'directorymeta', versionKey: false },
);

export interface DirectoryMetaDoc {
  _id: string;
  version: number;
}

export function directoryMetaModel(conn: Connection): Model<DirectoryMetaDoc> {
  return (conn.models.DirectoryMeta as Model<DirectoryMetaDoc>) ?? conn.model<DirectoryMetaDoc>('DirectoryMeta', directoryMetaSchema);
}
