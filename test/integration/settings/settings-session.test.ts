import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { createHub } from '../../../src/compose/create-hub';
import { parseConfig } from '../../../src/config/load-config';
import { accountRaw, rawAccountsConfig } from '../../helpers/accounts-config';
import { capturingLog, SECRETS } from '../../helpers/test-config';

const ACME = 'client-id-SECRET-acme';
const BETA = 'client-id-SECRET-beta';

async function twoAccountHub(overrides: Record<string, unknown> = {}) {
  const logs = capturingLog('debug');
  const config = parseConfig(rawAccountsConfig([accountRaw('acme'), accountRaw('beta')], overrides), {});
  const hub = createHub({ config, log: logs.log });
  const server: Server = hub.app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    hub,
    logs,
    base,
    close: async () => {
      await new Promise((r) => server.close(r));
      await hub.stop();
    },
  };
}

const cookieOf = (res: request.Response) => (res.headers['set-cookie'] as unknown as string[] | undefined)?.[0];

describe('the settings page: opened from the CRM with the clientId, a session bound to that one account', () => {
  let rig: Awaited<ReturnType<typeof twoAccountHub>>;
  beforeAll(async () => {
    rig = await twoAccountHub();
  });
  afterAll(() => rig.close());

  /** What the CRM does: a form POST of the clientId from its own site; the cookie the hub answers with. */
  async function openFromCrm(clientId = ACME) {
    const res = await request(rig.base)
      .post('/settings')
      .set('Origin', 'https://acme.retailcrm.ru')
      .type('form')
      .send({ clientId });
    const cookie = cookieOf(res)!;
    const session = await request(rig.base).get('/settings/session').set('Cookie', cookie.split(';')[0]);
    return { res, cookie: cookie.split(';')[0], csrf: (session.body as { csrf: string }).csrf };
  }

  it('a POSTed clientId becomes a Lax, HttpOnly session cookie and a redirect to a URL without it', async () => {
    const { res, cookie } = await openFromCrm();
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/settings');
    const set = cookieOf(res)!;
    expect(set).toMatch(/^stockbridge_settings=[\w-]{40,}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=\d+$/);
    expect(set).not.toContain(ACME);
    const page = await request(rig.base).get('/settings').set('Cookie', cookie);
    expect(page.status).toBe(200);
    expect(page.text).toContain('<script src="/settings/assets/settings.js" defer></script>');
    expect(page.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(page.text).not.toMatch(/\sstyle=|<style/);
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
  });

  it('the clientId in the query works the same, and the final URL has no clientId', async () => {
    const res = await request(rig.base).get(`/settings?clientId=${ACME}`);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/settings');
    const session = await request(rig.base).get('/settings/session').set('Cookie', cookieOf(res)!.split(';')[0]);
    expect(session.body).toMatchObject({ account: 'acme', lang: 'en' });
  });

  it('behind HTTPS (trusted proxy) the cookie is Secure', async () => {
    const https = await twoAccountHub({
      server: { port: 0, host: '127.0.0.1', publicUrl: 'https://hub.example.com', trustProxy: true },
    });
    try {
      const res = await request(https.base).get(`/settings?clientId=${ACME}`).set('X-Forwarded-Proto', 'https');
      expect(cookieOf(res)).toMatch(/; SameSite=Lax; Max-Age=\d+; Secure$/);
    } finally {
      await https.close();
    }
  });

  it('no clientId and no session: 401 saying how to open it from the CRM, with a link to /connect', async () => {
    const res = await request(rig.base).get('/settings');
    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.text).toContain('Open these settings from your CRM');
    expect(res.text).toContain('<a href="/connect">');
    expect(res.text).not.toMatch(/<script/);
  });

  it('an unknown clientId: 403, no cookie, in the browser’s language; the id is not logged', async () => {
    const res = await request(rig.base)
      .post('/settings')
      .set('Accept-Language', 'ru-RU,ru;q=0.9,en;q=0.5')
      .type('form')
      .send({ clientId: 'client-id-SECRET-unknown' });
    expect(res.status).toBe(403);
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(res.text).toContain('<html lang="ru">');
    expect(res.text).toContain('Сначала подключите вашу CRM');
    expect(rig.logs.text()).toContain('settings refused: unknown clientId');
    for (const s of ['client-id-SECRET-unknown', ACME, BETA]) expect(rig.logs.text()).not.toContain(s);
  });

  it('the page gets its labels in the browser’s language when the account has none', async () => {
    const { cookie } = await openFromCrm();
    const ru = await request(rig.base).get('/settings/session').set('Cookie', cookie).set('Accept-Language', 'ru');
    expect(ru.body).toMatchObject({ account: 'acme', lang: 'ru', messages: { shops: 'Ваши магазины' } });
    expect(JSON.stringify(ru.body)).not.toContain(ACME);
  });

  it('the session sees its own account only; another account’s target is refused and left alone', async () => {
    const { cookie, csrf } = await openFromCrm();
    const list = await request(rig.base).get('/settings/api/targets').set('Cookie', cookie);
    expect(list.status).toBe(200);
    expect((list.body as { targets: Array<{ name: string }> }).targets.map((t) => t.name)).toEqual(['shop']);
    const foreign = await request(rig.base)
      .post(`/settings/api/targets/${encodeURIComponent('beta/shop')}/pause`)
      .set('Cookie', cookie)
      .set('X-CSRF-Token', csrf)
      .set('Origin', rig.base);
    expect(foreign.status).toBe(404);
    expect((await rig.hub.storage.hubState.getTarget('beta/shop')).paused).toBe(false);
    const foreignRead = await request(rig.base)
      .get(`/settings/api/targets/${encodeURIComponent('beta/shop')}/dead-letters`)
      .set('Cookie', cookie);
    expect(foreignRead.status).toBe(404);
    // Its own target, with the CSRF token from this origin: done, on its own store key.
    const own = () => request(rig.base).post('/settings/api/targets/shop/pause').set('Cookie', cookie);
    expect((await own()).status).toBe(403);
    expect((await own().set('X-CSRF-Token', csrf).set('Origin', 'https://evil.example')).status).toBe(403);
    expect((await own().set('X-CSRF-Token', csrf).set('Origin', rig.base)).status).toBe(200);
    expect((await rig.hub.storage.hubState.getTarget('acme/shop')).paused).toBe(true);
    expect((await rig.hub.storage.hubState.getTarget('beta/shop')).paused).toBe(false);
  });

  it('a merchant’s session is no operator’s (and the reverse)', async () => {
    const { cookie } = await openFromCrm();
    expect((await request(rig.base).get('/admin/accounts/beta/targets').set('Cookie', cookie)).status).toBe(401);
    const op = await request(rig.base).post('/dashboard/sign-in').type('form').send({ token: SECRETS.adminToken });
    const opCookie = cookieOf(op)!.split(';')[0];
    expect((await request(rig.base).get('/settings/api/targets').set('Cookie', opCookie)).status).toBe(401);
    expect((await request(rig.base).get('/settings').set('Cookie', opCookie)).status).toBe(401);
  });

  it('revoking the account’s sessions, or signing out, ends them', async () => {
    const a = await openFromCrm();
    const b = await openFromCrm();
    const revoked = await request(rig.base)
      .post('/admin/accounts/acme/sessions/revoke')
      .set('Authorization', `Bearer ${SECRETS.adminToken}`);
    expect(revoked.status).toBe(200);
    expect((revoked.body as { revoked: number }).revoked).toBeGreaterThanOrEqual(2);
    expect((await request(rig.base).get('/settings/api/targets').set('Cookie', a.cookie)).status).toBe(401);
    expect((await request(rig.base).get('/settings').set('Cookie', b.cookie)).status).toBe(401);
    const c = await openFromCrm();
    const out = await request(rig.base)
      .post('/settings/sign-out')
      .set('Cookie', c.cookie)
      .set('X-CSRF-Token', c.csrf)
      .set('Origin', rig.base);
    expect(out.status).toBe(204);
    expect((await request(rig.base).get('/settings/session').set('Cookie', c.cookie)).status).toBe(401);
  });
});

describe('the settings door is guarded against guessing clientIds', () => {
  it('after ten unknown clientIds from one address, even the right one is refused for the window', async () => {
    // trustProxy: addresses are real, so the guard counts tries per address (see sign-in-guard.ts).
    const rig = await twoAccountHub({
      server: { port: 0, host: '127.0.0.1', publicUrl: 'https://hub.example.com', trustProxy: true },
    });
    try {
      for (let i = 0; i < 10; i++)
        expect((await request(rig.base).get(`/settings?clientId=guess-${i}`)).status).toBe(403);
      const right = await request(rig.base).get(`/settings?clientId=${ACME}`);
      expect(right.status).toBe(429);
      expect(right.headers['set-cookie']).toBeUndefined();
      expect(right.text).toContain('Too many tries');
    } finally {
      await rig.close();
    }
  });
});
