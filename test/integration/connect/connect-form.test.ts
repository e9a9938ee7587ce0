import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { createHub, type Hub } from '../../../src/compose/create-hub';
import { parseConfig } from '../../../src/config/load-config';
import type { ConnectAccount, ConnectRequest } from '../../../src/connect/connect-account';
import { AppError } from '../../../src/domain/app-error';
import { capturingLog, rawConfig } from '../../helpers/test-config';

const GOOD_KEY = 'merchant-key-SECRET-good';

/** Refuses as the connect routine does (its messages), or answers the hub's account; records what it was asked. */
function recordingConnect(hub: () => Hub) {
  const calls: ConnectRequest[] = [];
  const connect: ConnectAccount = (req) => {
    calls.push(req);
    if (!/^https:\/\/[a-z0-9-]+\.retailcrm\.ru\/?$/.test(req.url))
      return Promise.reject(
        new AppError(400, 'not a RetailCRM address: the host must be under retailcrm.ru, retailcrm.pro, simla.com …', {
          details: { url: 'not a RetailCRM address: the host must be under retailcrm.ru, retailcrm.pro, simla.com …' },
        }),
      );
    if (req.apiKey === 'few-scopes')
      return Promise.reject(new AppError(400, 'the API key lacks the scopes store_write, order_write'));
    if (req.apiKey !== GOOD_KEY) return Promise.reject(new AppError(403, 'the CRM refused this API key'));
    return Promise.resolve({ account: hub().accounts.list()[0], created: true });
  };
  return { calls, connect };
}

async function rig() {
  const logs = capturingLog('debug');
  const box: { hub?: Hub } = {};
  const rec = recordingConnect(() => box.hub!);
  // trustProxy: addresses are real, so the guard counts tries per address (see sign-in-guard.ts).
  const raw = rawConfig({
    server: { port: 0, host: '127.0.0.1', publicUrl: 'https://hub.example.com', trustProxy: true },
  });
  const hub = createHub({ config: parseConfig(raw, {}), log: logs.log, connectAccount: rec.connect });
  box.hub = hub;
  const server: Server = hub.app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    hub,
    logs,
    rec,
    base,
    close: async () => {
      await new Promise((r) => server.close(r));
      await hub.stop();
    },
  };
}

const csrfOf = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';

describe('the connect form', () => {
  let r: Awaited<ReturnType<typeof rig>>;
  beforeAll(async () => {
    r = await rig();
  });
  afterAll(() => r.close());
  beforeEach(() => r.rec.calls.splice(0));

  /** A browser-like visitor: keeps cookies, posts from the hub's own origin with the form's token. */
  async function visitor(account = '') {
    const agent = request.agent(r.base);
    const form = await agent.get(`/connect${account ? `?account=${encodeURIComponent(account)}` : ''}`);
    const submit = (fields: Record<string, string>, origin = r.base) =>
      agent
        .post('/connect')
        .set('Origin', origin)
        .type('form')
        .send({ csrf: csrfOf(form.text), ...fields });
    return { agent, form, submit };
  }

  it('serves the form prefilled with ?account=, with a CSRF token, no script and a strict CSP', async () => {
    const { form } = await visitor('https://acme.retailcrm.ru');
    expect(form.status).toBe(200);
    expect(form.text).toContain('value="https://acme.retailcrm.ru"');
    expect(csrfOf(form.text)).toMatch(/^[\w-]{20,}$/);
    expect(form.text).not.toMatch(/<script/);
    expect(String(form.headers['content-security-policy'])).toContain("script-src 'self'");
    expect(String(form.headers['set-cookie'])).toMatch(
      /^stockbridge_connect=[\w-]+; Path=\/; HttpOnly; SameSite=Strict/,
    );
    expect(form.text).toContain('store_write');
  });

  it('a wrong key: shown beside the key field in plain words, the key never written back', async () => {
    const { submit } = await visitor();
    const res = await submit({ url: 'https://acme.retailcrm.ru', apiKey: 'wrong-key-SECRET-9' });
    expect(res.status).toBe(403);
    expect(res.text).toMatch(/id="apiKey-error"[^>]*>Not connected: the CRM refused this API key/);
    expect(res.text).not.toContain('wrong-key-SECRET-9');
    expect(res.text).toContain('value="https://acme.retailcrm.ru"');
  });

  it('missing scopes: listed beside the key field', async () => {
    const { submit } = await visitor();
    const res = await submit({ url: 'https://acme.retailcrm.ru', apiKey: 'few-scopes' });
    expect(res.status).toBe(400);
    expect(res.text).toMatch(
      /id="apiKey-error"[^>]*>Not connected: the API key lacks the scopes store_write, order_write/,
    );
  });

  it('not a RetailCRM address: shown beside the address field', async () => {
    const { submit } = await visitor();
    const res = await submit({ url: 'https://shop.example.com', apiKey: GOOD_KEY });
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/id="url-error"[^>]*>Not connected: not a RetailCRM address/);
    expect(res.text).not.toContain(GOOD_KEY);
  });

  it('in Russian for a Russian browser', async () => {
    const agent = request.agent(r.base);
    const form = await agent.get('/connect').set('Accept-Language', 'ru-RU,ru;q=0.9');
    expect(form.text).toContain('<html lang="ru">');
    expect(form.text).toContain('Подключите вашу CRM');
  });

  it('a post from another site, or without the form’s token, is refused and nothing is called', async () => {
    const { submit } = await visitor();
    const foreign = await submit({ url: 'https://acme.retailcrm.ru', apiKey: GOOD_KEY }, 'https://evil.example');
    expect(foreign.status).toBe(403);
    expect(foreign.text).toContain('The form expired');
    const bare = await request(r.base)
      .post('/connect')
      .type('form')
      .send({ url: 'https://acme.retailcrm.ru', apiKey: GOOD_KEY, csrf: 'forged' });
    expect(bare.status).toBe(403);
    expect(r.rec.calls).toEqual([]);
  });

  it('success: the routine ran once, and the merchant lands signed in on that account’s settings', async () => {
    const { agent, submit } = await visitor();
    const res = await submit({ url: 'https://acme.retailcrm.ru', apiKey: GOOD_KEY });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/settings');
    expect(String(res.headers['set-cookie'])).toMatch(/^stockbridge_settings=[\w-]+; Path=\/; HttpOnly; SameSite=Lax/);
    expect(r.rec.calls).toEqual([{ url: 'https://acme.retailcrm.ru', apiKey: GOOD_KEY, via: 'form' }]);
    const session = await agent.get('/settings/session');
    expect(session.body).toMatchObject({ account: 'default' });
  });

  it('no key reaches the logs', () => {
    expect(r.logs.text()).toContain('connect form refused');
    for (const k of [GOOD_KEY, 'wrong-key-SECRET-9']) expect(r.logs.text()).not.toContain(k);
  });
});

describe('the connect form is guarded against guessing keys', () => {
  it('after ten refused tries from one address the form refuses even a good key, without calling the CRM', async () => {
    const r = await rig();
    try {
      const agent = request.agent(r.base);
      // Each answer is a fresh form with a fresh token, as a browser would submit it again.
      let csrf = csrfOf((await agent.get('/connect')).text);
      const submit = async (apiKey: string) => {
        const res = await agent
          .post('/connect')
          .set('Origin', r.base)
          .type('form')
          .send({ csrf, url: 'https://acme.retailcrm.ru', apiKey });
        csrf = csrfOf(res.text);
        return res;
      };
      for (let i = 0; i < 10; i++) expect((await submit(`guess-${i}`)).text).toContain('refused this API key');
      const good = await submit(GOOD_KEY);
      expect(good.status).toBe(429);
      expect(good.text).toContain('Too many wrong tries');
      expect(r.rec.calls).toHaveLength(10);
    } finally {
      await r.close();
    }
  });
});
