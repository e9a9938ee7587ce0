import path from 'node:path';
import { createSqliteStorage } from '../../../src/storage/sqlite-storage';
import { tmpDir } from '../../helpers/test-config';
import { storageConformance } from './storage-conformance';

storageConformance('sqlite', async () => {
  const file = path.join(tmpDir(), 'conformance.db');
  return { storage: createSqliteStorage({ path: file }), reopen: async () => createSqliteStorage({ path: file }) };
});
