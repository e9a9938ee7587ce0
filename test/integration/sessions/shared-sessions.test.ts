import request from 'supertest';
import { parseConfig } from '../../../src/config/load-config';
import { createHub, type Hub } from '../../../src/compose/create-hub';
import { openStorage } from '../../../src/storage/open-storage';
import { createSessionService } from '../../../src/sessions/session-service';
import { createSignInGuard } from '../../../src/sessions/sign-in-guard';
import { createSqliteStores } from '../../../src/storage/sqlite/create-sqlite-stores';
import { createTestDatabase, type TestDatabase } from '../../helpers/postgres-database';
import { rawConfig, SECRETS, silentLog, tmpDir } from '../../helpers/test-config';

/** Two hub instances on one PostgreSQL database, as behind a load balancer (not started: no background work). */
describe('sessions and the sign-in guard live in the database: any instance serves them', () => {
  let tdb: TestDatabase;
  const hubs: Hub[] = [];
  beforeAll(async () => {
    tdb = await createTestDatabase('sess');
    // trustProxy: addresses are real, so the guard counts per address (see sign-in-guard.ts).
    const config = parseConfig(
      rawConfig({
        storage: { driver: 'postgres', url: tdb.url },
        server: { port: 0, host: '127.0.0.1', publicUrl: 'https://hub.example.com', trustProxy: true },
      }),
      {},
    );
    for (let i = 0; i < 2; i++) {
      const storage = await openStorage(config, silentLog, { role: 'command' });
      hubs.push(createHub({ config, log: silentLog, storage }));
    }
  });
  afterAll(async () => {
    for (const h of hubs) await h.stop();
    await tdb.drop();
  });

  it('signed in on one instance, the operator is signed in on the other; signed out there, on both', async () => {
    const [a, b] = hubs;
    const signIn = await request(a.app).post('/dashboard/sign-in').type('form').send({ token: SECRETS.adminToken });
    const cookie = signIn.headers['set-cookie'] as unknown as string[];
    expect(cookie).toBeDefined();
    const onB = await request(b.app).get('/dashboard/session').set('Cookie', cookie);
    expect(onB.status).toBe(200);
    const csrf = (onB.body as { csrf: string }).csrf;
    expect((await request(b.app).get('/admin/targets').set('Cookie', cookie)).status).toBe(200);
    const out = await request(b.app).post('/dashboard/sign-out').set('Cookie', cookie).set('X-CSRF-Token', csrf);
    expect(out.status).toBe(204);
    expect((await request(a.app).get('/dashboard/session').set('Cookie', cookie)).status).toBe(401);
    expect((await request(a.app).get('/admin/targets').set('Cookie', cookie)).status).toBe(401);
  });

  it('wrong tokens tried on both instances add up: the address is refused after ten, the right token too', async () => {
    const [a, b] = hubs;
    for (let i = 0; i < 10; i++) {
      const res = await request(i % 2 ? a.app : b.app)
        .post('/dashboard/sign-in')
        .type('form')
        .send({ token: `wrong-${i}` });
      expect(res.headers.location).toBe('/dashboard#sign-in-refused=wrong-token');
    }
    const right = await request(a.app).post('/dashboard/sign-in').type('form').send({ token: SECRETS.adminToken });
    expect(right.headers.location).toMatch(/^\/dashboard#sign-in-refused=locked-\d+$/);
    expect(right.headers['set-cookie']).toBeUndefined();
  });
});

describe('session service: expiry, sliding, revocation, kinds', () => {
  it('an idle session ends after its lifetime, a used one slides; revoked ones end at once', async () => {
    const stores = createSqliteStores({ path: `${tmpDir()}/s.db` });
    let t = 1_000_000;
    const sessions = createSessionService({
      store: stores.sessions,
      ttlMs: { dashboard: 12_000, merchant: 6_000 },
      now: () => t,
    });
    try {
      const op = await sessions.create('dashboard');
      const m = await sessions.create('merchant', 'acme');
      expect(await sessions.get(m.id, 'merchant')).toEqual({ kind: 'merchant', account: 'acme', csrf: m.session.csrf });
      // A merchant's session is no operator's, and the reverse.
      expect(await sessions.get(m.id, 'dashboard')).toBeUndefined();
      expect(await sessions.get(op.id, 'merchant')).toBeUndefined();
      t += 5_000;
      expect(await sessions.get(m.id, 'merchant')).toBeDefined(); // used: now lasts until t + 6 s
      t += 5_000;
      expect(await sessions.get(m.id, 'merchant')).toBeDefined();
      expect(await sessions.get(op.id, 'dashboard')).toBeDefined();
      t += 6_001;
      expect(await sessions.get(m.id, 'merchant')).toBeUndefined(); // idle past its lifetime
      const m2 = await sessions.create('merchant', 'acme');
      const other = await sessions.create('merchant', 'beta');
      expect(await sessions.revokeAccount('acme')).toBe(1);
      expect(await sessions.get(m2.id, 'merchant')).toBeUndefined();
      expect(await sessions.get(other.id, 'merchant')).toBeDefined();
      await sessions.destroy(other.id);
      expect(await sessions.get(other.id, 'merchant')).toBeUndefined();
      expect(await sessions.get('not-a-session', 'merchant')).toBeUndefined();
      expect(await sessions.get(undefined, 'merchant')).toBeUndefined();
    } finally {
      await stores.close();
    }
  });

  it('the guard counts per door and address, and forgets after its window', async () => {
    const stores = createSqliteStores({ path: `${tmpDir()}/g.db` });
    let t = 0;
    const guard = createSignInGuard({ store: stores.sessions, maxFailures: 2, windowMs: 1000, now: () => t });
    try {
      await guard.failed('connect', 'a');
      expect(await guard.blocked('connect', 'a')).toBe(false);
      await guard.failed('connect', 'a');
      expect(await guard.blocked('connect', 'a')).toBe(true);
      expect(await guard.locked('connect', 'a')).toEqual({ seconds: 1, scope: 'address' });
      expect(await guard.blocked('connect', 'b')).toBe(false);
      expect(await guard.blocked('dashboard', 'a')).toBe(false);
      t = 1000;
      expect(await guard.blocked('connect', 'a')).toBe(false);
    } finally {
      await stores.close();
    }
  });

  it('without real addresses (no trusted proxy) only the global ceiling of a door counts, and it locks everyone', async () => {
    const stores = createSqliteStores({ path: `${tmpDir()}/g2.db` });
    let t = 0;
    const guard = createSignInGuard({
      store: stores.sessions,
      perAddress: false,
      maxFailures: 2,
      globalMaxFailures: 5,
      windowMs: 10_000,
      now: () => t,
    });
    try {
      for (let i = 0; i < 4; i++) await guard.failed('dashboard', 'one-typist');
      // Four typos from one (shared) address lock nobody out: the address is not counted.
      expect(await guard.blocked('dashboard', 'one-typist')).toBe(false);
      await guard.failed('dashboard', 'one-typist');
      t = 2500;
      expect(await guard.locked('dashboard', 'someone-else')).toEqual({ seconds: 8, scope: 'everyone' });
      expect(await guard.blocked('connect', 'someone-else')).toBe(false);
      t = 10_000;
      expect(await guard.blocked('dashboard', 'someone-else')).toBe(false);
    } finally {
      await stores.close();
    }
  });
});
