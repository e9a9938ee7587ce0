import crypto from 'node:crypto';
import { Client } from 'pg';

/** The server jest's global setup started (or one given in STOCKBRIDGE_TEST_PG_URL). */
export function testPostgresUrl(): string {
  const url = process.env.STOCKBRIDGE_TEST_PG_URL;
  if (!url) throw new Error('STOCKBRIDGE_TEST_PG_URL is not set: run the tests through jest (its global setup)');
  return url;
}

export interface TestDatabase {
  readonly url: string;
  readonly name: string;
  drop(): Promise<void>;
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** A fresh, empty database with a unique name, so suites running side by side never see each other's rows. */
export async function createTestDatabase(prefix = 'sb'): Promise<TestDatabase> {
  const admin = testPostgresUrl();
  const name = `${prefix}_${Date.now().toString(36)}_${crypto.randomBytes(4).toString('hex')}`.toLowerCase();
  const client = new Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  return {
    url: withDatabase(admin, name),
    name,
    async drop() {
      const c = new Client({ connectionString: admin });
      await c.connect();
      try {
        // FORCE ends sessions a crashed child process may have left behind.
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

/** Polls `check` every `stepMs` until it holds; throws naming `what` after `ms`. */
export async function until(check: () => boolean | Promise<boolean>, what: string, ms = 10_000, stepMs = 20) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}
