import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHub, type Hub } from '../../src/compose/create-hub';
import { parseConfig } from '../../src/config/load-config';
import { startFakeCrm, type FakeCrm } from '../../src/demo/fakes/fake-crm';
import { startFakeMerchantPro, type FakeMerchantPro } from '../../src/demo/fakes/fake-merchantpro';
import { accountRaw, rawAccountsConfig } from './accounts-config';
import { SECRETS, silentLog, targetRaw } from './test-config';
import path from 'node:path';
import type { Logger } from 'pino';
import type { SecretBox } from '../../src/accounts/secret-box';
import type { HttpClient } from '../../src/integrations/http-client/http-client';

/** The repository's module description, as a deployment registers it. */
export const MODULE_FILE = path.join(__dirname, '../../module-config.json');

/** A JSON answer, read as each test expects it (as supertest's `body`). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers of many shapes, checked by the tests
export type Json = any;

/** An account of the rig: its fake CRM, its shops by target name, and its literal secrets. */
export interface RigAccount {
  name: string;
  crm: FakeCrm;
  shops: Record<string, FakeMerchantPro>;
  apiKey: string;
  clientId: string;
  shipmentsToken: string;
}

export interface AccountsRig {
  hub: Hub;
  server: Server;
  /** The hub's origin, e.g. http://127.0.0.1:4321. */
  base: string;
  accounts: Record<string, RigAccount>;
  /** Any request to the hub over its socket; JSON in and out. */
  call(
    method: string,
    path: string,
    opts?: { body?: unknown; token?: string | null; form?: Record<string, unknown>; headers?: Record<string, string> },
  ): Promise<{ status: number; body: Json; text: string }>;
  /** An inventoriesUpload callback as the account's CRM sends it (form encoding, its clientId). */
  upload(account: string, offers: unknown[]): Promise<{ status: number; body: Json }>;
  activity(account: string, active: boolean, freeze?: boolean): Promise<{ status: number; body: Json }>;
  close(): Promise<void>;
}

/**
 * A hub serving several file-declared accounts on a real socket; each account has its own fake CRM and its own
 * fake MerchantPro shop per target (every target name may repeat across accounts).
 */
export async function startAccountsRig(
  spec: Array<{ name: string; targets: string[]; sources?: (a: { name: string }) => unknown[] }>,
  opts: {
    log?: Logger;
    extra?: Record<string, unknown>;
    secretBox?: SecretBox | null;
    storagePath?: string;
    accountsReloadMs?: number;
    /** The hub's HTTP client (default: its own); the caller closes one it passes. */
    http?: HttpClient;
  } = {},
): Promise<AccountsRig> {
  const accounts: Record<string, RigAccount> = {};
  const raws: unknown[] = [];
  for (const s of spec) {
    const raw = accountRaw(s.name);
    const crmRaw = raw.crm as Record<string, string>;
    const crm = await startFakeCrm({ apiKey: crmRaw.apiKey });
    const shops: Record<string, FakeMerchantPro> = {};
    for (const t of s.targets)
      shops[t] = await startFakeMerchantPro({
        apiKey: SECRETS.mpKey,
        apiSecret: SECRETS.mpSecret,
        multiWarehouse: true,
      });
    raws.push({
      ...raw,
      crm: { ...crmRaw, url: crm.url },
      targets: s.targets.map((t) => targetRaw(t, shops[t].url, { timeoutMs: 1000 })),
      sources: s.sources?.(s) ?? [],
    });
    accounts[s.name] = {
      name: s.name,
      crm,
      shops,
      apiKey: crmRaw.apiKey,
      clientId: crmRaw.clientId,
      shipmentsToken: raw.shipmentsToken as string,
    };
  }
  const config = parseConfig(
    rawAccountsConfig(raws, {
      worker: { leaseMs: 3000, pollMs: 50, backoffBaseMs: 20, backoffMaxMs: 200, drainMs: 2000 },
      shipments: { maxAttempts: 2 },
      ...(opts.storagePath ? { storage: { driver: 'sqlite', path: opts.storagePath } } : {}),
      ...opts.extra,
    }),
    {},
  );
  const hub = createHub({
    config,
    log: opts.log ?? silentLog,
    secretBox: opts.secretBox,
    moduleFile: MODULE_FILE,
    accountsReloadMs: opts.accountsReloadMs,
    http: opts.http,
  });
  try {
    await hub.start();
  } catch (e) {
    await hub.stop();
    for (const a of Object.values(accounts)) {
      await a.crm.close();
      for (const sh of Object.values(a.shops)) await sh.close();
    }
    throw e;
  }
  const server = hub.app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const call: AccountsRig['call'] = async (method, path, o = {}) => {
    const headers: Record<string, string> = { ...o.headers };
    const token = o.token === undefined ? SECRETS.adminToken : o.token;
    if (token) headers.authorization = `Bearer ${token}`;
    let body: string | undefined;
    if (o.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      const f = new URLSearchParams();
      for (const [k, v] of Object.entries(o.form)) f.append(k, typeof v === 'string' ? v : JSON.stringify(v));
      body = f.toString();
    } else if (o.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(o.body);
    }
    const res = await fetch(base + path, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = null;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = null;
    }
    return { status: res.status, body: parsed, text };
  };

  return {
    hub,
    server,
    base,
    accounts,
    call,
    upload: (account, offers) =>
      call('POST', '/callbacks/inventories-upload', {
        token: null,
        form: { clientId: accounts[account].clientId, offers },
      }),
    activity: (account, active, freeze = false) =>
      call('POST', '/callbacks/activity', {
        token: null,
        form: { clientId: accounts[account].clientId, activity: { active, freeze } },
      }),
    async close() {
      await new Promise((r) => server.close(r));
      await hub.stop();
      for (const a of Object.values(accounts)) {
        await a.crm.close();
        for (const s of Object.values(a.shops)) await s.close();
      }
    },
  };
}
