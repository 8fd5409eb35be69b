import mongoose, { Schema, type Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDbUri, uniqueDbName } from '../support/database';

interface Member {
  email: string;
  org: string;
  login: string;
  visits: number;
  tags: string[];
  createdAt?: Date;
}

const memberSchema = new Schema<Member>(
  {
    email: { type: String, required: true, unique: true },
    org: { type: String, required: true },
    login: { type: String, required: true },
    visits: { type: Number, default: 0 },
    tags: { type: [String], default: [] },
  },
  { timestamps: true },
);
memberSchema.index({ org: 1, login: 1 }, { unique: true });

let conn: Connection;

beforeAll(async () => {
  conn = await mongoose.createConnection(testDbUri(uniqueDbName('mongoose')), { serverSelectionTimeoutMS: 5000 }).asPromise();
});

afterAll(async () => {
  await conn.dropDatabase();
  await conn.close();
});

describe('mongoose', () => {
  it('builds the schema indexes, and its unique and compound unique indexes refuse duplicates with 11000', async () => {
    const Member = conn.model<Member>('Member', memberSchema);
    await Member.init();
    const names = (await Member.listIndexes()).map((i) => i.name);
    expect(names).toEqual(expect.arrayContaining(['_id_', 'email_1', 'org_1_login_1']));

    await Member.create({ email: 'ann@city.example', org: 'city', login: 'ann' });
    await expect(Member.create({ email: 'ann@city.example', org: 'city', login: 'ann2' })).rejects.toMatchObject({
      code: 11000,
      keyPattern: { email: 1 },
    });
    await expect(Member.create({ email: 'other@city.example', org: 'city', login: 'ann' })).rejects.toMatchObject({
      code: 11000,
      keyPattern: { org: 1, login: 1 },
      keyValue: { org: 'city', login: 'ann' },
    });
    await Member.create({ email: 'ann@town.example', org: 'town', login: 'ann' });
    expect(await Member.countDocuments()).toBe(2);
  });

  it('upserts with findOneAndUpdate and then updates the same document', async () => {
    const Member = conn.model<Member>('Member', memberSchema);
    const created = await Member.findOneAndUpdate(
      { org: 'city', login: 'bob' },
      { $set: { email: 'bob@city.example' }, $inc: { visits: 1 } },
      { upsert: true, returnDocument: 'after', setDefaultsOnInsert: true },
    ).lean();
    expect(created).toMatchObject({ org: 'city', login: 'bob', email: 'bob@city.example', visits: 1, tags: [] });
    expect(created?.createdAt).toBeInstanceOf(Date);

    const updated = await Member.findOneAndUpdate(
      { org: 'city', login: 'bob' },
      { $inc: { visits: 1 }, $addToSet: { tags: 'night' } },
      { upsert: true, returnDocument: 'after' },
    ).lean();
    expect(updated?._id.toString()).toBe(created?._id.toString());
    expect(updated).toMatchObject({ visits: 2, tags: ['night'] });
  });

  it('finds with sort and select, aggregates, saves a changed document and deletes it', async () => {
    const Member = conn.model<Member>('Member', memberSchema);
    const logins = (await Member.find({ org: 'city' }).sort({ login: -1 }).select('login -_id').lean()).map((m) => m.login);
    expect(logins).toEqual(['bob', 'ann']);
    const perOrg = await Member.aggregate<{ _id: string; n: number }>([
      { $group: { _id: '$org', n: { $sum: 1 } } },
      { $sort: { _id: 1 } },
    ]);
    expect(perOrg).toEqual([
      { _id: 'city', n: 2 },
      { _id: 'town', n: 1 },
    ]);
    const doc = await Member.findOne({ login: 'ann', org: 'town' });
    doc!.visits = 5;
    await doc!.save();
    expect((await Member.findById(doc!._id).lean())?.visits).toBe(5);
    await Member.deleteOne({ _id: doc!._id });
    expect(await Member.exists({ _id: doc!._id })).toBeNull();
  });
});
