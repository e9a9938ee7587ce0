import pino from 'pino';
import { createPostgresStores } from '../../src/storage/postgres/create-postgres-stores';
import type { OpenStores } from '../../src/storage/stores';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres-database';
import { storesConformance } from './conformance';

const logger = pino({ level: 'silent' });

// One database for the suite; every test starts from empty tables (TRUNCATE is far cheaper than a database each).
let tdb: TestDatabase | undefined;
afterAll(async () => {
  await tdb?.drop();
});

const TABLES = [
  'callbacks',
  'figures',
  'items',
  'unmapped',
  'shipments',
  'idempotency',
  'source_state',
  'sync_runs',
  'locks',
  'account_state',
  'accounts',
  'target_state',
];

const openPostgres: OpenStores = async () => {
  tdb ??= await createTestDatabase('conf');
  const url = tdb.url;
  const stores = await createPostgresStores({ url, poolSize: 4, logger });
  await stores.db.query(`TRUNCATE ${TABLES.join(', ')} RESTART IDENTITY`);
  await stores.db.query('UPDATE projector SET cursor = 0');
  let current = stores;
  return {
    stores,
    reopen: async () => (current = await createPostgresStores({ url, poolSize: 4, logger })),
    dispose: async () => {
      await current.close();
      if (current !== stores) await stores.close();
    },
  };
};

storesConformance('postgres', openPostgres);
