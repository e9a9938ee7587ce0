import type { Config } from './config-types';
import type { ConfigReader, Section } from './config-reader';
import type { Env } from './substitute-env';
import { checkPostgresUrl } from '../storage/postgres/check-postgres-url';

/** `server.port`, overridden by a valid PORT from the environment. */
export function readPort(r: ConfigReader, server: Section, env: Env): number {
  const port = r.num(server, 'port', 'server', 3000, 0, 65535);
  if (env.PORT === undefined || env.PORT === '') return port;
  const p = Number(env.PORT);
  if (!Number.isInteger(p) || p < 0 || p > 65535) {
    r.problems.push({ path: 'PORT', problem: 'must be a port number', fix: 'Unset PORT or set it to 0-65535.' });
    return port;
  }
  return p;
}

export function readServer(r: ConfigReader, server: Section, port: number): Config['server'] {
  return Object.freeze({
    port,
    host: r.str(server, 'host', 'server', { def: '0.0.0.0' }),
    publicUrl: r.str(server, 'publicUrl', 'server', { url: true }),
    requestTimeoutMs: r.num(server, 'requestTimeoutMs', 'server', 30_000, 1000, 600_000),
    headersTimeoutMs: r.num(server, 'headersTimeoutMs', 'server', 10_000, 1000, 600_000),
    keepAliveTimeoutMs: r.num(server, 'keepAliveTimeoutMs', 'server', 5000, 1000, 600_000),
    trustProxy: r.bool(server, 'trustProxy', 'server', false),
  });
}

/** The storage driver and, for postgres, its URL (checked for shape, never printed). */
export function readStorageDriver(r: ConfigReader, storage: Section): Pick<Config['storage'], 'driver' | 'url'> {
  const driver = r.str(storage, 'driver', 'storage', { def: 'sqlite', oneOf: ['sqlite', 'postgres'] }) as
    'sqlite' | 'postgres';
  // A URL kept while on sqlite (to switch back later) is a known setting, just unused.
  if (driver !== 'postgres') r.take(storage, 'url');
  const url = driver === 'postgres' ? r.str(storage, 'url', 'storage', { secret: true }) : '';
  const urlProblem = url ? checkPostgresUrl(url) : null;
  if (urlProblem)
    r.problems.push({
      path: 'storage.url',
      problem: urlProblem,
      fix: 'Write it like postgres://stockbridge:${PG_PASSWORD}@db.internal:5432/stockbridge.',
    });
  return { driver, url };
}

export function readStorage(
  r: ConfigReader,
  storage: Section,
  { driver, url }: Pick<Config['storage'], 'driver' | 'url'>,
): Config['storage'] {
  return Object.freeze({
    driver,
    url,
    poolSize: r.num(storage, 'poolSize', 'storage', 10, 1, 200),
    path: r.str(storage, 'path', 'storage', { def: 'data/stockbridge.db' }),
    synchronous: r.str(storage, 'synchronous', 'storage', { def: 'full', oneOf: ['full', 'normal'] }) as
      'full' | 'normal',
    retainCallbacksDays: r.num(storage, 'retainCallbacksDays', 'storage', 7, 0, 3650),
  });
}

export function readCrm(r: ConfigReader, crm: Section, path = 'crm'): Config['crm'] {
  return Object.freeze({
    url: r.str(crm, 'url', path, { url: true }),
    apiKey: r.str(crm, 'apiKey', path, { secret: true }),
    clientId: r.str(crm, 'clientId', path, { secret: true }),
    site: r.str(crm, 'site', path),
    requestsPerSecond: r.num(crm, 'requestsPerSecond', path, 10, 0.1, 10, false),
    timeoutMs: r.num(crm, 'timeoutMs', path, 15_000, 100, 120_000),
    batchSize: r.num(crm, 'batchSize', path, 250, 1, 250),
    maxRetries: r.num(crm, 'maxRetries', path, 5, 0, 20),
  });
}

export function readIntake(r: ConfigReader, intake: Section): Config['intake'] {
  return Object.freeze({
    maxBodyBytes: r.num(intake, 'maxBodyBytes', 'intake', 2 * 1024 * 1024, 1024, 64 * 1024 * 1024),
    maxOffers: r.num(intake, 'maxOffers', 'intake', 1000, 1, 100_000),
    maxIdLength: r.num(intake, 'maxIdLength', 'intake', 255, 1, 4096),
    maxQuantity: r.num(intake, 'maxQuantity', 'intake', 999_999_999, 1, Number.MAX_SAFE_INTEGER),
  });
}

/** `worker.leaseMs`, which must outlast every target's request timeout. */
export function readLeaseMs(r: ConfigReader, worker: Section, targets: Config['targets']): number {
  const leaseMs = r.num(worker, 'leaseMs', 'worker', 30_000, 1000, 3_600_000);
  const maxTimeout = Math.max(0, ...targets.map((t) => t.timeoutMs));
  if (maxTimeout >= leaseMs) {
    r.problems.push({
      path: 'worker.leaseMs',
      problem: `must be longer than every target's timeoutMs (${maxTimeout})`,
      fix: 'A lease shorter than a request would let two sends of one item overlap; raise leaseMs.',
    });
  }
  return leaseMs;
}

export function readWorker(r: ConfigReader, worker: Section, leaseMs: number): Config['worker'] {
  return Object.freeze({
    leaseMs,
    pollMs: r.num(worker, 'pollMs', 'worker', 1000, 10, 60_000),
    backoffBaseMs: r.num(worker, 'backoffBaseMs', 'worker', 1000, 1, 3_600_000),
    backoffMaxMs: r.num(worker, 'backoffMaxMs', 'worker', 300_000, 1, 86_400_000),
    drainMs: r.num(worker, 'drainMs', 'worker', 10_000, 0, 600_000),
  });
}

/** `shipments.timeZone`, which must be an IANA name the runtime knows. */
export function readTimeZone(r: ConfigReader, shipments: Section): string {
  const timeZone = r.str(shipments, 'timeZone', 'shipments', { def: 'UTC' });
  try {
    new Intl.DateTimeFormat('en-CA', { timeZone });
  } catch {
    r.problems.push({
      path: 'shipments.timeZone',
      problem: 'is not a known IANA time zone',
      fix: 'Use a name like Europe/Bucharest or UTC.',
    });
  }
  return timeZone;
}

export function readShipments(r: ConfigReader, shipments: Section, timeZone: string): Config['shipments'] {
  return Object.freeze({
    timeZone,
    maxAttempts: r.num(shipments, 'maxAttempts', 'shipments', 20, 1, 1000),
    maxAgeSeconds: r.num(shipments, 'maxAgeSeconds', 'shipments', 86_400, 1, 30 * 86_400),
  });
}
