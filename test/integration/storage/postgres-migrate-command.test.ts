import fs from 'node:fs';
import path from 'node:path';
import { migrateCommand } from '../../../src/cli/migrate-command';
import { urlPassword } from '../../../src/storage/postgres/redact-url';
import { createTestDatabase, type TestDatabase } from '../../helpers/postgres-database';
import { rawConfig, tmpDir } from '../../helpers/test-config';

describe('npm run migrate on PostgreSQL', () => {
  let tdb: TestDatabase;
  beforeAll(async () => {
    tdb = await createTestDatabase('migcmd');
  });
  afterAll(() => tdb.drop());

  test('migrates once, then has nothing to do; never prints the password', async () => {
    const file = path.join(tmpDir(), 'stockbridge.json');
    fs.writeFileSync(file, JSON.stringify(rawConfig({ storage: { driver: 'postgres', url: '${PG_URL}' } })));
    const lines: string[] = [];
    const io = {
      argv: ['--config', file],
      env: { PG_URL: tdb.url },
      out: (l: string) => lines.push(l),
      err: (l: string) => lines.push(l),
    };
    expect(await migrateCommand(io)).toBe(0);
    expect(await migrateCommand(io)).toBe(0);
    expect(lines[0]).toMatch(/postgres:\/\/postgres:\*\*\*@.*: migrated from schema version 0 to 4/);
    expect(lines[1]).toMatch(/schema version 4, nothing to do/);
    expect(lines.join('\n')).not.toContain(urlPassword(tdb.url));
  });
});
