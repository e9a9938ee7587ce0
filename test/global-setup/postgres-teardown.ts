import { holder } from './integration-setup';

/** Stop the run's PostgreSQL and remove its temporary folder. */
export default async function teardown(): Promise<void> {
  const server = holder.__STOCKBRIDGE_PG__;
  if (!server) return;
  delete holder.__STOCKBRIDGE_PG__;
  await server.stop();
  delete process.env.STOCKBRIDGE_TEST_PG_URL;
}
