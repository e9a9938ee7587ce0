import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { parseConfig } from '../../src/config/load-config';
import type { Config } from '../../src/config/config-types';

export const SECRETS = {
  crmApiKey: 'crm-key-SECRET-1111',
  clientId: 'client-id-SECRET-2222',
  shipmentsToken: 'ship-token-SECRET-3333',
  adminToken: 'admin-token-SECRET-4444',
  mpKey: 'mp-key-SECRET-5555',
  mpSecret: 'mp-secret-SECRET-6666',
};

export const silentLog = pino({ level: 'silent' });

const made: string[] = [];

/** A fresh folder in the OS temp folder; removed after the test file (see test/helpers/clean-tmp.ts). */
export function tmpDir(prefix = 'stockbridge-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** Remove every folder tmpDir made in this test file. */
export function removeTmpDirs(): void {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
}

export function targetRaw(name: string, url: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name,
    type: 'merchantpro',
    url,
    apiKey: SECRETS.mpKey,
    apiSecret: SECRETS.mpSecret,
    offerKey: 'xmlId',
    identifier: 'sku',
    warehouses: { main: 'Depozit central', north: 'Depozit nord' },
    multiWarehouse: true,
    requestsPerSecond: 1000,
    concurrency: 4,
    ...extra,
  };
}

/** A raw config object as a user would write it, with literal secrets; override any section. */
export function rawConfig(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    server: { port: 0, host: '127.0.0.1', publicUrl: 'https://hub.example.com' },
    storage: { driver: 'sqlite', path: path.join(tmpDir(), 'stockbridge.db') },
    crm: { url: 'http://127.0.0.1:9', apiKey: SECRETS.crmApiKey, clientId: SECRETS.clientId, site: 'main-shop' },
    auth: { shipmentsToken: SECRETS.shipmentsToken, adminToken: SECRETS.adminToken },
    log: { level: 'silent' },
    targets: [
      targetRaw('ro-shop', 'http://127.0.0.1:9'),
      targetRaw('bg-shop', 'http://127.0.0.1:9', {
        offerKey: 'externalId',
        warehouses: { main: 'Main' },
        multiWarehouse: false,
      }),
    ],
    ...overrides,
  };
}

export function testConfig(overrides: Record<string, unknown> = {}): Config {
  return parseConfig(rawConfig(overrides), {});
}

/** Poll a condition until it holds or the deadline passes (never a fixed sleep). */
export async function waitFor<T>(
  fn: () => T | Promise<T>,
  opts: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<NonNullable<T>> {
  const deadline = Date.now() + (opts.timeoutMs ?? 10_000);
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${opts.what ?? 'condition'}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 20));
  }
}

/** Capture everything a pino logger writes, to assert no secret ever reaches the logs. */
export function capturingLog(level = 'debug') {
  const lines: string[] = [];
  const log = pino(
    { level },
    {
      write: (s: string) => {
        lines.push(s);
      },
    },
  );
  return { log, lines, text: () => lines.join('') };
}
