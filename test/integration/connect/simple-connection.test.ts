import crypto from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHub, type Hub } from '../../../src/compose/create-hub';
import { parseConfig } from '../../../src/config/load-config';
import type { ConnectAccount, ConnectRequest } from '../../../src/connect/connect-account';
import { AppError } from '../../../src/domain/app-error';
import { REQUIRED_SCOPES as MODULE_SCOPES } from '../../../src/accounts/crm-access';
import { capturingLog, rawConfig } from '../../helpers/test-config';

const SECRET = 'marketplace-SECRET-7777-abcdef';
const API_KEY = 'merchant-key-SECRET-8888';
const sign = (apiKey: string, secret = SECRET) => crypto.createHmac('sha256', secret).update(apiKey).digest('hex');

/** Records what the routes asked of the connect routine; answers as the routine does (same CRM → same account). */
function recordingConnect(hub: () => Hub) {
  const calls: ConnectRequest[] = [];
  const seen = new Set<string>();
  const connect: ConnectAccount = (req) => {
    calls.push(req);
    if (!req.url.startsWith('https://')) return Promise.reject(new AppError(400, 'the CRM address must use https'));
    const created = !seen.has(req.url);
    seen.add(req.url);
    return Promise.resolve({ account: hub().accounts.list()[0], created });
  };
  return { calls, connect };
}

async function serve(hub: Hub) {
  const server = hub.app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const form = (register: unknown) =>
  new URLSearchParams({ register: typeof register === 'string' ? register : JSON.stringify(register) }).toString();

describe('simple connection from the marketplace', () => {
  let hub: Hub;
  let server: Server;
  let base: string;
  const logs = capturingLog('debug');
  const rec = recordingConnect(() => hub);
  beforeAll(async () => {
    const config = parseConfig(rawConfig({ connect: { marketplaceSecret: '${MARKETPLACE_SECRET}' } }), {
      MARKETPLACE_SECRET: SECRET,
    });
    hub = createHub({ config, log: logs.log, connectAccount: rec.connect });
    ({ server, base } = await serve(hub));
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await hub.stop();
  });
  beforeEach(() => rec.calls.splice(0));

  const register = (body: string, type = 'application/x-www-form-urlencoded') =>
    fetch(`${base}/simple-connection/register`, { method: 'POST', headers: { 'content-type': type }, body });

  it('the config names the scopes the module needs and the register URL under server.publicUrl', async () => {
    const res = await fetch(`${base}/simple-connection/config`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      success: true,
      scopes: [...MODULE_SCOPES],
      registerUrl: 'https://hub.example.com/simple-connection/register',
    });
  });

  it('a well-signed registration runs the connect routine and answers the settings page; a replay the same', async () => {
    const body = form({ systemUrl: 'https://acme.retailcrm.ru', apiKey: API_KEY, token: sign(API_KEY) });
    const first = await register(body);
    expect(first.status).toBe(201);
    expect(await first.json()).toEqual({ success: true, accountUrl: 'https://hub.example.com/settings' });
    const again = await register(body);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ success: true, accountUrl: 'https://hub.example.com/settings' });
    expect(rec.calls).toEqual([
      { url: 'https://acme.retailcrm.ru', apiKey: API_KEY, via: 'simple' },
      { url: 'https://acme.retailcrm.ru', apiKey: API_KEY, via: 'simple' },
    ]);
  });

  it.each([
    ['another secret', () => sign(API_KEY, 'some-other-secret-0000')],
    ['the signature of another key', () => sign('another-key')],
    ['upper-case hex', () => sign(API_KEY).toUpperCase()],
    ['a truncated signature', () => sign(API_KEY).slice(0, 40)],
  ])('a token signed with %s is 401 in the CRM envelope and the routine is never called', async (_what, token) => {
    const res = await register(form({ systemUrl: 'https://acme.retailcrm.ru', apiKey: API_KEY, token: token() }));
    expect(res.status).toBe(401);
    const answer = (await res.json()) as { success: boolean; errorMsg: string };
    expect(answer).toEqual({ success: false, errorMsg: expect.stringContaining('not signed') as unknown });
    expect(rec.calls).toEqual([]);
  });

  it('a missing token is 401 too, before any other field is read', async () => {
    const res = await register(form({ systemUrl: 'https://acme.retailcrm.ru', apiKey: API_KEY }));
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({
      success: false,
      errorMsg: 'register.token is missing: the request is not signed',
    });
    expect(rec.calls).toEqual([]);
  });

  it.each([
    ['no register field', 'other=1', 'register is missing'],
    ['malformed JSON', form('{"systemUrl": '), 'register is not valid JSON'],
    ['a JSON list', form('[1]'), 'register must be a JSON object'],
    ['no apiKey', form({ systemUrl: 'https://acme.retailcrm.ru', token: sign('') }), 'register.apiKey is missing'],
    ['no systemUrl', form({ apiKey: API_KEY, token: sign(API_KEY) }), 'register.systemUrl is missing'],
  ])('%s is 400 naming the problem, nothing called', async (_what, body, message) => {
    const res = await register(body);
    expect(res.status).toBe(400);
    const answer = (await res.json()) as { success: boolean; errorMsg: string };
    expect(answer.success).toBe(false);
    expect(answer.errorMsg).toContain(message);
    expect(rec.calls).toEqual([]);
  });

  it('a refusal of the connect routine (a non-https CRM) answers 400 in the CRM envelope', async () => {
    const res = await register(form({ systemUrl: 'http://acme.retailcrm.ru', apiKey: API_KEY, token: sign(API_KEY) }));
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ success: false, errorMsg: 'the CRM address must use https' });
  });

  it('another encoding than the CRM form is 415 in the CRM envelope', async () => {
    const res = await register(JSON.stringify({ register: '{}' }), 'application/json');
    expect(res.status).toBe(415);
    expect(((await res.json()) as { success: boolean }).success).toBe(false);
  });

  it('no key, token or secret reaches the logs', () => {
    expect(logs.text()).toContain('simple connection refused: bad signature');
    for (const s of [API_KEY, SECRET, sign(API_KEY)]) expect(logs.text()).not.toContain(s);
  });
});

describe('simple connection without connect.marketplaceSecret', () => {
  it('both routes are 404: the feature is off', async () => {
    const rec = recordingConnect(() => hub);
    const hub: Hub = createHub({
      config: parseConfig(rawConfig(), {}),
      log: capturingLog().log,
      connectAccount: rec.connect,
    });
    const { server, base } = await serve(hub);
    try {
      expect((await fetch(`${base}/simple-connection/config`)).status).toBe(404);
      const res = await fetch(`${base}/simple-connection/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form({ systemUrl: 'https://acme.retailcrm.ru', apiKey: API_KEY, token: sign(API_KEY) }),
      });
      expect(res.status).toBe(404);
      expect(rec.calls).toEqual([]);
    } finally {
      await new Promise((r) => server.close(r));
      await hub.stop();
    }
  });
});
