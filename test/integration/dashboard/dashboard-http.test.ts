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
    expect(wrong.headers.location).toBe('/dashboard#sign-in-refused');
    expect(wrong.headers['set-cookie']).toBeUndefined();
    const foreign = await request(hub.app)
      .post('/dashboard/sign-in')
      .set('Origin', 'https://evil.example')
      .type('form')
      .send({ token: SECRETS.adminToken });
    expect(foreign.headers['set-cookie']).toBeUndefined();
    expect(logs.text()).toContain('dashboard sign-in refused');
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

describe('dashboard behind an HTTPS proxy (server.trustProxy)', () => {
  it('marks the cookie Secure when the proxy says the request came over HTTPS', async () => {
    const hub = createHub({
      config: parseConfig(rawConfig({ server: { port: 0, publicUrl: 'https://hub.example.com', trustProxy: true } })),
      log: capturingLog().log,
    });
    try {
      const res = await request(hub.app)
        .post('/dashboard/sign-in')
        .set('X-Forwarded-Proto', 'https')
        .type('form')
        .send({ token: SECRETS.adminToken });
      expect(String(res.headers['set-cookie'])).toMatch(/HttpOnly; SameSite=Strict; Max-Age=\d+; Secure$/);
    } finally {
      await hub.stop();
    }
  });
});

describe('dashboard sign-in guessing', () => {
  it('after 10 wrong tokens from one address, even the right one is refused for a while', async () => {
    const hub = createHub({ config: parseConfig(rawConfig()), log: capturingLog().log });
    try {
      const post = (token: string) => request(hub.app).post('/dashboard/sign-in').type('form').send({ token });
      for (let i = 0; i < 10; i++) expect((await post(`guess-${i}`)).headers['set-cookie']).toBeUndefined();
      const right = await post(SECRETS.adminToken);
      expect(right.headers.location).toBe('/dashboard#sign-in-refused');
      expect(right.headers['set-cookie']).toBeUndefined();
    } finally {
      await hub.stop();
    }
  });
});
