import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notificationSettingsSchema } from '../../shared/schemas/notifications.js';
import { createTeam, login, type SignedIn } from '../support/factories.js';
import { Api } from '../support/http.js';
import { startTestServer, type TestServer } from '../support/server.js';

let t: TestServer;
let alice: SignedIn;
let bob: SignedIn;

beforeAll(async () => {
  t = await startTestServer();
  ({ people: [alice, bob] } = await createTeam(t.url, 2));
});
afterAll(async () => {
  await t.stop();
});

describe('notification settings are kept on the server, per person', () => {
  it('start as: direct messages, mentions and acknowledgement requests on, every message off', async () => {
    const res = await alice.api.get('/api/notification-settings');
    expect(res.status).toBe(200);
    expect(notificationSettingsSchema.parse(res.body)).toEqual({ dm: true, mentions: true, acks: true, all: false });
  });

  it('a change follows the person to another terminal (a new sign-in) and touches nobody else', async () => {
    const put = await alice.api.request('PUT', '/api/notification-settings', { dm: false, all: true });
    expect(put.status).toBe(200);
    expect(put.body).toEqual({ dm: false, mentions: true, acks: true, all: true });
    const elsewhere = await login(t.url, alice.user.loginId, alice.password);
    expect((await elsewhere.api.get('/api/notification-settings')).body).toEqual({ dm: false, mentions: true, acks: true, all: true });
    expect((await bob.api.get('/api/notification-settings')).body).toEqual({ dm: true, mentions: true, acks: true, all: false });
  });

  it('changes only the switches named; changes from two terminals at once both stay', async () => {
    await Promise.all([
      alice.api.request('PUT', '/api/notification-settings', { mentions: false }),
      alice.api.request('PUT', '/api/notification-settings', { acks: false }),
    ]);
    expect((await alice.api.get('/api/notification-settings')).body).toEqual({ dm: false, mentions: false, acks: false, all: true });
  });

  it('two first saves at once by a new person end in one settings document', async () => {
    await Promise.all([
      bob.api.request('PUT', '/api/notification-settings', { dm: false }),
      bob.api.request('PUT', '/api/notification-settings', { all: true }),
    ]);
    expect((await bob.api.get('/api/notification-settings')).body).toEqual({ dm: false, mentions: true, acks: true, all: true });
    const docs = await t.server.services.conn.collection('notificationsettings').countDocuments({});
    expect(docs).toBe(2);
  });

  it('refuses unknown switches and non-boolean values, changing nothing; needs a session', async () => {
    const before = (await alice.api.get('/api/notification-settings')).body;
    for (const body of [{ sound: true }, { dm: 'yes' }, { userId: bob.user.id, dm: true }]) {
      const res = await alice.api.request('PUT', '/api/notification-settings', body);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('bad_request');
    }
    expect((await alice.api.get('/api/notification-settings')).body).toEqual(before);
    expect((await new Api(t.url).get('/api/notification-settings')).status).toBe(401);
  });
});
