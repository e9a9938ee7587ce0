import type { Config, SourceConfig, TargetConfig } from './config-types';
import { ConfigError, type ConfigProblem } from './config-error';
import { ConfigReader, type Section } from './config-reader';
import { substituteEnv, type Env } from './substitute-env';
import { readTarget } from './read-target';
import { readSource } from './read-source';
import { findCrmLoops, findCycles } from './find-cycles';
import {
  readCrm,
  readIntake,
  readLeaseMs,
  readPort,
  readServer,
  readShipments,
  readStorage,
  readStorageDriver,
  readTimeZone,
  readWorker,
} from './config-sections';

/** A list of named entries (targets or sources): refuses a non-list and a name used twice. */
function readNamedList<T extends { name: string }>(
  r: ConfigReader,
  root: Section,
  key: 'targets' | 'sources',
  readOne: (raw: unknown, path: string) => T | undefined,
): T[] {
  const raw = r.take(root, key) ?? [];
  if (!Array.isArray(raw))
    r.problems.push({ path: key, problem: 'must be a list', fix: `Write ${key} as [ {...}, ... ].` });
  const list = (Array.isArray(raw) ? raw : []).map((x, i) => readOne(x, `${key}[${i}]`)).filter((x): x is T => !!x);
  const seen = new Set<string>();
  list.forEach((x, i) => {
    if (seen.has(x.name))
      r.problems.push({
        path: `${key}[${i}].name`,
        problem: `duplicates the name "${x.name}"`,
        fix: `Give every ${key === 'targets' ? 'target' : 'source'} its own name.`,
      });
    seen.add(x.name);
  });
  return list;
}

/** Validate a parsed config object (after `${VAR}` substitution). Throws ConfigError listing every problem. */
export function parseConfig(input: unknown, env: Env = {}, baseDir = process.cwd()): Config {
  const problems: ConfigProblem[] = [];
  const missingAt = new Set<string>();
  const raw = substituteEnv(input, env, problems, '', missingAt);
  const r = new ConfigReader(problems, missingAt);
  const root = r.obj(raw, '(root)');
  const section = (key: string, required = false) => r.obj(r.take(root, key), key, required);

  const server = section('server');
  const port = readPort(r, server, env);
  const storage = section('storage');
  const crm = section('crm', true);
  const auth = section('auth', true);
  const intake = section('intake');
  const worker = section('worker');
  const shipments = section('shipments');
  const log = section('log');
  const callbacks = section('callbacks');

  const targets = readNamedList<TargetConfig>(r, root, 'targets', (t, p) => readTarget(r, t, p));
  const sources = readNamedList<SourceConfig>(r, root, 'sources', (s, p) => readSource(r, s, p, baseDir));
  findCycles(targets, sources, problems);
  findCrmLoops(targets, crm, problems);
  const sync = section('sync');
  const timeZone = readTimeZone(r, shipments);
  const leaseMs = readLeaseMs(r, worker, targets);
  const storageDriver = readStorageDriver(r, storage);

  const config: Config = {
    server: readServer(r, server, port),
    storage: readStorage(r, storage, storageDriver),
    crm: readCrm(r, crm),
    auth: Object.freeze({
      shipmentsToken: r.str(auth, 'shipmentsToken', 'auth', { secret: true }),
      adminToken: r.str(auth, 'adminToken', 'auth', { secret: true }),
    }),
    intake: readIntake(r, intake),
    worker: readWorker(r, worker, leaseMs),
    shipments: readShipments(r, shipments, timeZone),
    callbacks: Object.freeze({
      answerDeadlineMs: r.num(callbacks, 'answerDeadlineMs', 'callbacks', 3000, 100, 60_000),
      answerMaxAgeMs: r.num(callbacks, 'answerMaxAgeMs', 'callbacks', 1000, 0, 600_000),
    }),
    log: Object.freeze({
      level: r.str(log, 'level', 'log', {
        def: 'info',
        oneOf: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
      }),
    }),
    targets: Object.freeze(targets),
    sources: Object.freeze(sources),
    sync: Object.freeze({
      reportDir: r.str(sync, 'reportDir', 'sync', { def: 'data/reports' }),
      batchRetries: r.num(sync, 'batchRetries', 'sync', 3, 0, 20),
    }),
  };
  r.unknownKeys();
  if (problems.length) throw new ConfigError(problems);
  return Object.freeze(config);
}
