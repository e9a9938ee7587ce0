import type { Server } from 'node:http';
import type { Logger } from 'pino';
import type { Config } from '../config/config-types';
import { createHub, type Hub } from '../compose/create-hub';
import { openStorage } from '../storage/open-storage';
import { startEmbeddedPostgres } from '../storage/postgres/start-embedded-postgres';

/** `npm run demo -- --postgres`: a PostgreSQL server of its own (embedded binaries, temp folder) and a database. */
export async function startDemoPostgres(): Promise<{ url: string; stop(): Promise<void> }> {
  const server = await startEmbeddedPostgres({ fast: true });
  const url = await server.createDatabase('stockbridge_demo');
  return { url, stop: () => server.stop() };
}

export interface DemoInstance {
  hub: Hub;
  base: string;
  stop(): Promise<void>;
}

/** One more hub instance on the same PostgreSQL, listening on its own port, as a second machine would run it. */
export async function startDemoInstance(config: Config, log: Logger): Promise<DemoInstance> {
  const storage = await openStorage(config, log, { role: 'service' });
  const hub = createHub({ config, log, storage });
  await hub.start();
  const server: Server = hub.app.listen(0, '127.0.0.1');
  await new Promise<void>((r) => server.once('listening', () => r()));
  const addr = server.address();
  return {
    hub,
    base: `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`,
    async stop() {
      await new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      });
      await hub.stop();
    },
  };
}
