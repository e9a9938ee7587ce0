import { startEmbeddedPostgres } from '../src/storage/postgres/start-embedded-postgres';
import { fmt, load, spawnServer, table, type LoadResult } from './bench-util';
import { record } from './summary';

/** Sum of several load generators run at once (one per instance). */
function combine(rs: LoadResult[]): LoadResult {
  return {
    rps: rs.reduce((s, r) => s + r.rps, 0),
    p50: Math.max(...rs.map((r) => r.p50)),
    p99: Math.max(...rs.map((r) => r.p99)),
    errors: rs.reduce((s, r) => s + r.errors, 0),
    non2xx: rs.reduce((s, r) => s + r.non2xx, 0),
  };
}

/**
 * `bench:intake -- --postgres`: the same callbacks into SQLite (sync=FULL), PostgreSQL with one instance and with
 * two (the connections split between them), in one run on an embedded PostgreSQL (fsync on: durable as SQLite's FULL).
 */
export async function intakePostgres(bodies: string[], seconds: number, connections: number, offers: number) {
  const server = await startEmbeddedPostgres({ fast: false });
  try {
    const run = async (servers: Array<{ port: number }>) => {
      const per = Math.max(1, Math.floor(connections / servers.length));
      const urls = servers.map((s) => `http://127.0.0.1:${s.port}/callbacks/inventories-upload`);
      await Promise.all(urls.map((u) => load(u, bodies, 'application/x-www-form-urlencoded', 2, 2))); // warm-up
      return combine(
        await Promise.all(urls.map((u) => load(u, bodies, 'application/x-www-form-urlencoded', per, seconds))),
      );
    };
    const results: Record<string, LoadResult> = {};
    const sqlite = await spawnServer('intake-server.js', ['hub', 'full']);
    try {
      results.sqlite = await run([sqlite]);
    } finally {
      await sqlite.stop();
    }
    for (const n of [1, 2]) {
      const url = await server.createDatabase(`bench_intake_${n}`);
      const hubs = [];
      // One at a time: the first migrates, the second finds the schema ready.
      for (let i = 0; i < n; i++)
        hubs.push(await spawnServerWithEnv('intake-server-postgres.js', { BENCH_PG_URL: url }));
      try {
        results[`pg${n}`] = await run(hubs);
      } finally {
        await Promise.all(hubs.map((h) => h.stop()));
      }
    }
    const rows = [
      ['SQLite (sync=FULL), 1 instance', results.sqlite],
      ['PostgreSQL, 1 instance', results.pg1],
      ['PostgreSQL, 2 instances', results.pg2],
    ].map(([name, r]) => {
      const x = r as LoadResult;
      return {
        storage: name as string,
        connections: connections,
        'req/s': fmt(x.rps),
        'offers/s': fmt(x.rps * offers),
        'p50 ms': x.p50,
        'p99 ms': x.p99,
        'errors/non2xx': `${x.errors}/${x.non2xx}`,
      };
    });
    console.log(table(rows));
    console.log(
      `\nratio PostgreSQL/SQLite intake: 1 instance ${fmt(results.pg1.rps / results.sqlite.rps, 2)} (aim ≥ 0.7), ` +
        `2 instances ${fmt(results.pg2.rps / results.sqlite.rps, 2)}; the database, the instances and the load ` +
        'generator share this machine’s cores',
    );
    const pgRatio = results.pg1.rps / results.sqlite.rps;
    record(
      'pg-intake-ratio',
      `${fmt(pgRatio, 2)} (2 instances ${fmt(results.pg2.rps / results.sqlite.rps, 2)})`,
      pgRatio >= 0.7,
    );
  } finally {
    await server.stop();
  }
}

async function spawnServerWithEnv(script: string, env: Record<string, string>) {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    return await spawnServer(script);
  } finally {
    for (const k of Object.keys(env)) if (saved[k] === undefined) delete process.env[k];
  }
}
