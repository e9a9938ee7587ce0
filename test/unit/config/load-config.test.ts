import fs from 'node:fs';
import path from 'node:path';
import { loadConfig, parseConfig } from '../../../src/config/load-config';
import { rawConfig, SECRETS, tmpDir } from '../../helpers/test-config';
import { problemsOf } from '../../helpers/config-problems';

describe('config', () => {
  it('fills ${VAR} placeholders from the environment and applies defaults', () => {
    const cfg = parseConfig(
      rawConfig({
        crm: { url: 'https://x.retailcrm.ru/', apiKey: '${CRM_API_KEY}', clientId: 'pre-${CID}-post', site: 's' },
      }),
      { CRM_API_KEY: 'k1', CID: 'c' },
    );
    expect(cfg.crm).toMatchObject({
      url: 'https://x.retailcrm.ru',
      apiKey: 'k1',
      clientId: 'pre-c-post',
      requestsPerSecond: 10,
      batchSize: 250,
    });
    expect(cfg.targets[0]).toMatchObject({
      requestsPerSecond: 1000,
      concurrency: 4,
      enableInventory: false,
      maxAttempts: 20,
    });
    expect(cfg.storage.synchronous).toBe('full');
    expect(Object.isFrozen(cfg) && Object.isFrozen(cfg.crm) && Object.isFrozen(cfg.targets[0])).toBe(true);
  });

  it('PORT in the environment overrides server.port', () => {
    expect(parseConfig(rawConfig(), { PORT: '8123' }).server.port).toBe(8123);
  });

  it('lists every problem at once, each with its path and what to do', () => {
    const err = problemsOf(() =>
      parseConfig(
        {
          server: { port: 'eighty', publicUrl: 'nope' },
          crm: { url: 'ftp://x', apiKey: '${MISSING_KEY}', clientId: 'c' },
          auth: {},
          targets: [
            {
              type: 'merchantpro',
              name: 'a b',
              url: 'https://s',
              apiKey: 'k',
              apiSecret: 's',
              offerKey: 'sku',
              warehouses: {},
            },
            { type: 'bigcommerce' },
          ],
        },
        {},
      ),
    );
    const paths = err.problems.map((p) => p.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'server.port',
        'server.publicUrl',
        'crm.url',
        'crm.apiKey',
        'crm.site',
        'auth.shipmentsToken',
        'auth.adminToken',
        'targets[0].name',
        'targets[0].offerKey',
        'targets[0].warehouses',
        'targets[1].type',
      ]),
    );
    expect(err.problems.every((p) => p.fix.length > 0)).toBe(true);
    expect(err.describe()).toContain('environment variable MISSING_KEY is not set');
  });

  it('never prints a secret value, even when the field around it is wrong', () => {
    const err = problemsOf(() =>
      parseConfig(
        rawConfig({
          targets: [
            {
              type: 'merchantpro',
              name: 'x',
              url: SECRETS.mpKey,
              apiKey: SECRETS.mpKey,
              apiSecret: SECRETS.mpSecret,
              warehouses: { a: 1 },
            },
          ],
        }),
        {},
      ),
    );
    expect(err.describe()).not.toContain(SECRETS.mpKey);
    expect(err.describe()).not.toContain(SECRETS.mpSecret);
  });

  it('refuses duplicate target names and a lease not longer than a request', () => {
    const err = problemsOf(() =>
      parseConfig(
        rawConfig({
          worker: { leaseMs: 5000 },
          targets: [{ ...(rawConfig().targets as object[])[0], timeoutMs: 6000 }, (rawConfig().targets as object[])[0]],
        }),
        {},
      ),
    );
    expect(err.problems.map((p) => p.path)).toEqual(expect.arrayContaining(['targets[1].name', 'worker.leaseMs']));
  });

  it('loadConfig reports an unreadable file and invalid JSON with what to do', () => {
    const dir = tmpDir();
    expect(problemsOf(() => loadConfig(path.join(dir, 'none.json'), {})).describe()).toContain(
      'stockbridge.example.json',
    );
    fs.writeFileSync(path.join(dir, 'bad.json'), '{ "server": ');
    expect(problemsOf(() => loadConfig(path.join(dir, 'bad.json'), {})).describe()).toContain('not valid JSON');
  });

  it('the shipped example config is valid once its variables are set', () => {
    const env = {
      CRM_API_KEY: 'a',
      CRM_CLIENT_ID: 'b',
      SHIPMENTS_TOKEN: 'c',
      ADMIN_TOKEN: 'd',
      MP_API_KEY: 'e',
      MP_API_SECRET: 'f',
      SI_API_KEY: 'g',
      FLAMIX_API_TOKEN: 'h',
      WOO_CONSUMER_KEY: 'i',
      WOO_CONSUMER_SECRET: 'j',
      SHOPIFY_ACCESS_TOKEN: 'k',
      OZON_CLIENT_ID: 'l',
      OZON_API_KEY: 'm',
      MIRROR_CRM_API_KEY: 'n',
    };
    const cfg = loadConfig(path.join(__dirname, '../../../stockbridge.example.json'), env);
    expect(cfg.targets.map((x) => x.type)).toEqual(['merchantpro', 'woocommerce', 'shopify', 'ozon', 'retailcrm']);
    expect(cfg.sources.map((x) => x.type)).toEqual(['syncinventory', 'flamix']);
    // A fresh start against the example's placeholder hosts runs no failing sync loop: sources on demand.
    expect(cfg.sources.map((x) => x.everySeconds)).toEqual([0, 0]);
  });
});
