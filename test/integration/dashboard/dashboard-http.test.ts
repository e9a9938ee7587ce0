import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { createHub, type Hub } from '../../../src/compose/create-hub';
import { parseConfig } from '../../../src/config/load-config';
import { capturingLog, rawConfig, SECRETS } from '../../helpers/test-config';

describe('dashboard: sign-in, session cookie, CSRF', () => {
  let hub: Hub;
  let logs: ReturnType<typeof capturingLog>;
  beforeAll(() => {
    logs = capturingLog('info');
    hub = createHub({ config: parseConfig(rawConfig(), {}), log: logs.log });
  });
  afterAll(() => hub.stop());

  async function signIn(token = SECRETS.adminToken) {
    return request(hub.app).post('/dashboard/sign-in').type('form').send({ token });
  }
  async function session() {
    const res = await signIn();
    const cookie = res.headers['set-cookie'] as unknown as string[];
    const body: unknown = (await request(hub.app).get('/dashboard/session').set('Cookie', cookie)).body;
    return { cookie, csrf: (body as { csrf: string }).csrf };
  }

  it('serves the page and the registered logo; the CSP allows no inline script or style', async () => {
    const page = await request(hub.app).get('/dashboard');
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['content-security-policy']).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(page.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(page.text).not.toMatch(/\sstyle=|<style/);
    expect(page.text).toContain('method="post" action="/dashboard/sign-in"');
    const logo = await request(hub.app).get('/logo.svg');
    expect(logo.status).toBe(200);
    expect(logo.headers['content-type']).toContain('image/svg+xml');
    const js = await request(hub.app).get('/dashboard/assets/dashboard.js');
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toContain('javascript');
  });

  it('a right token sets an HttpOnly, SameSite=Strict session cookie (not Secure over plain HTTP)', async () => {
    const res = await signIn();
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/dashboard');
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/^stockbridge_session=[\w-]{40,}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=\d+$/);
    expect(cookie).not.toContain(SECRETS.adminToken);
  });

  it('a wrong token, or a sign-in posted from another origin, gets no session', async () => {
    const wrong = await signIn('nope');
    expect(wrong.status).toBe(303);
    expect(wrong.headers.location).toBe('/dashboard#sign-in-refused=wrong-token');
    expect(wrong.headers['set-cookie']).toBeUndefined();
    const foreign = await request(hub.app)
      .post('/dashboard/sign-in')
      .set('Origin', 'https://evil.example')
      .type('form')
      .send({ token: SECRETS.adminToken });
    expect(foreign.headers['set-cookie']).toBeUndefined();
    expect(foreign.headers.location).toBe('/dashboard#sign-in-refused=origin');
    expect(logs.text()).toContain('dashboard sign-in refused: wrong token');
    expect(logs.text()).toMatch(/"reason":"origin"[^\n]*posted from https:\/\/evil.example[^\n]*server.trustProxy/);
    expect(logs.text()).not.toContain(SECRETS.adminToken);
  });

  it('the session reads admin endpoints; a state-changing call needs its CSRF token and this origin', async () => {
    const { cookie, csrf } = await session();
    const read = await request(hub.app).get('/admin/targets').set('Cookie', cookie);
    expect(read.status).toBe(200);
    const pause = () => request(hub.app).post('/admin/targets/ro-shop/pause').set('Cookie', cookie);
    expect((await pause()).status).toBe(403);
    expect((await pause().set('X-CSRF-Token', 'forged')).body).toMatchObject({ error: { code: 'csrf' } });
    const foreign = await pause().set('X-CSRF-Token', csrf).set('Origin', 'https://evil.example');
    expect(foreign.status).toBe(403);
    const ok = await pause().set('X-CSRF-Token', csrf).set('Origin', `http://127.0.0.1`).set('Host', '127.0.0.1');
    expect(ok.status).toBe(200);
    expect((await hub.storage.hubState.getTarget('ro-shop')).paused).toBe(true);
    const resumed = await request(hub.app)
      .post('/admin/targets/ro-shop/resume')
      .set('Cookie', cookie)
      .set('X-CSRF-Token', csrf);
    expect(resumed.status).toBe(200);
    expect(logs.text()).toMatch(/"level":30[^\n]*operator paused target/);
  });

  it('the bearer token still works, and without either the admin API answers 401', async () => {
    const bearer = await request(hub.app).get('/admin/targets').set('Authorization', `Bearer ${SECRETS.adminToken}`);
    expect(bearer.status).toBe(200);
    expect((await request(hub.app).get('/admin/targets')).status).toBe(401);
  });

  it('sign-out ends the session (with the CSRF token)', async () => {
    const { cookie, csrf } = await session();
    expect((await request(hub.app).post('/dashboard/sign-out').set('Cookie', cookie)).status).toBe(403);
    const out = await request(hub.app).post('/dashboard/sign-out').set('Cookie', cookie).set('X-CSRF-Token', csrf);
    expect(out.status).toBe(204);
    expect(String(out.headers['set-cookie'])).toContain('Max-Age=0');
    expect((await request(hub.app).get('/admin/targets').set('Cookie', cookie)).status).toBe(401);
  });

  it('no secret is in the page, its script, or what the page reads', async () => {
    const { cookie } = await session();
    const texts = await Promise.all(
      ['/dashboard', '/dashboard/assets/dashboard.js', '/admin/targets', '/admin/sources', '/admin/items/X'].map(
        async (p) => (await request(hub.app).get(p).set('Cookie', cookie)).text,
      ),
    );
    for (const secret of Object.values(SECRETS)) expect(texts.join('\n')).not.toContain(secret);
  });

  it('the static files are found from the source tree (also by the compiled service)', () => {
    expect(fs.existsSync(path.join(__dirname, '../../../src/dashboard/public/index.html'))).toBe(true);
  });
});

/** A hub of its own per case (the sign-in guard's counters are per app). */
async function withHub(server: Record<string, unknown>, fn: (hub: Hub) => Promise<void>) {
  const logs = capturingLog('info');
  const hub = createHub({
    config: parseConfig(rawConfig({ server: { port: 0, publicUrl: 'https://hub.example.com', ...server } })),
    log: logs.log,
  });
  try {
    await fn(hub);
  } finally {
    await hub.stop();
  }
  return logs.text();
}

const signInAt = (hub: Hub, token: string) => request(hub.app).post('/dashboard/sign-in').type('form').send({ token });

describe('dashboard behind an HTTPS proxy (server.trustProxy)', () => {
  it('default trustProxy false: a browser at the https publicUrl signs in (the hub sees http)', async () => {
    await withHub({}, async (hub) => {
      const res = await signInAt(hub, SECRETS.adminToken)
        .set('Host', 'hub.example.com')
        .set('Origin', 'https://hub.example.com');
      expect(res.headers.location).toBe('/dashboard');
      // The browser's connection is HTTPS (to the proxy), so the cookie is Secure.
      expect(String(res.headers['set-cookie'])).toMatch(/HttpOnly; SameSite=Strict; Max-Age=\d+; Secure$/);
    });
  });

  it('trustProxy: the origin is the one the proxy names (X-Forwarded-Proto and X-Forwarded-Host)', async () => {
    await withHub({ trustProxy: true, publicUrl: 'https://other.example.com' }, async (hub) => {
      const res = await signInAt(hub, SECRETS.adminToken)
        .set('X-Forwarded-Proto', 'https')
        .set('X-Forwarded-Host', 'hub.example.net')
        .set('Origin', 'https://hub.example.net');
      expect(res.headers.location).toBe('/dashboard');
      expect(String(res.headers['set-cookie'])).toMatch(/HttpOnly; SameSite=Strict; Max-Age=\d+; Secure$/);
      const csrf = await request(hub.app)
        .get('/dashboard/session')
        .set('Cookie', res.headers['set-cookie'] as unknown as string[]);
      expect(csrf.status).toBe(200);
    });
  });

  it('an origin that is neither is refused, saying so and what to set, in the redirect and the log', async () => {
    const log = await withHub({}, async (hub) => {
      const res = await signInAt(hub, SECRETS.adminToken)
        .set('Host', 'hub.example.com')
        .set('Origin', 'https://proxy-name.example.com');
      expect(res.headers.location).toBe('/dashboard#sign-in-refused=origin');
      expect(res.headers['set-cookie']).toBeUndefined();
    });
    expect(log).toMatch(/"reason":"origin"[^\n]*set server.trustProxy/);
  });

  it('marks the cookie Secure when the proxy says the request came over HTTPS', async () => {
    await withHub({ trustProxy: true }, async (hub) => {
      const res = await signInAt(hub, SECRETS.adminToken).set('X-Forwarded-Proto', 'https');
      expect(String(res.headers['set-cookie'])).toMatch(/HttpOnly; SameSite=Strict; Max-Age=\d+; Secure$/);
    });
  });

  it('CSP upgrade-insecure-requests only when the page is served over HTTPS', async () => {
    await withHub({ trustProxy: true }, async (hub) => {
      const plain = await request(hub.app).get('/dashboard');
      expect(plain.headers['content-security-policy']).toContain("script-src 'self'");
      expect(plain.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
      const https = await request(hub.app).get('/dashboard').set('X-Forwarded-Proto', 'https');
      expect(https.headers['content-security-policy']).toContain('upgrade-insecure-requests');
    });
  });
});

describe('dashboard sign-in guessing', () => {
  it('trustProxy (real addresses): after 10 wrong tokens one address is locked, with the seconds; others not', async () => {
    const log = await withHub({ trustProxy: true }, async (hub) => {
      const from = (ip: string, token: string) => signInAt(hub, token).set('X-Forwarded-For', ip);
      for (let i = 0; i < 10; i++) expect((await from('10.1.1.1', `guess-${i}`)).headers['set-cookie']).toBeUndefined();
      const right = await from('10.1.1.1', SECRETS.adminToken);
      expect(right.headers.location).toMatch(/^\/dashboard#sign-in-refused=locked-\d+$/);
      expect(right.headers['set-cookie']).toBeUndefined();
      expect((await from('10.2.2.2', SECRETS.adminToken)).headers.location).toBe('/dashboard');
    });
    expect(log).toMatch(/"reason":"locked"[^\n]*too many wrong tokens from this address, locked for \d+ s/);
  });

  it('without trustProxy (everyone behind a proxy shares an address): typos lock out nobody, a spray all', async () => {
    await withHub({}, async (hub) => {
      for (let i = 0; i < 10; i++) await signInAt(hub, `typo-${i}`);
      expect((await signInAt(hub, SECRETS.adminToken)).headers.location).toBe('/dashboard');
      for (let i = 10; i < 100; i++) await signInAt(hub, `guess-${i}`);
      const right = await signInAt(hub, SECRETS.adminToken);
      expect(right.headers.location).toMatch(/^\/dashboard#sign-in-refused=locked-\d+$/);
    });
  });
});
