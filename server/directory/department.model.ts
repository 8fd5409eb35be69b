import { Schema, type Connection, type InferSchemaType, type Model, type Types } from 'mongoose';

const departmentSchema = new Schema(
  {
    name: { type: String, required: true },
    parentId: { type: Schema.Types.ObjectId, default: null, index: true },
  },
  { timestamps: true, collection: 'departments' },
);

export type DepartmentDoc = InferSchemaType<typeof departmentSchema> & { _id: Types.ObjectId };

export function departmentModel(conn: Connection): Model<DepartmentDoc> {
  return (conn.models.Department as Model<DepartmentDoc>) ?? conn.model<DepartmentDoc>('Department', departmentSchema);
}
