import fs from 'node:fs';

export default async function teardown() {
  const pg = globalThis.__STOCKBRIDGE_PG__;
  if (!pg) return;
  await pg.server.stop().catch(() => undefined);
  fs.rmSync(pg.dir, { recursive: true, force: true });
  delete process.env.STOCKBRIDGE_TEST_PG_URL;
}
