import fs from 'node:fs';
import { AppError } from '../app-error';
import path from 'node:path';
import { locateJsonError } from './json-syntax-error';
import type { Config, MerchantProTargetConfig, OfferKey, ShopIdentifier, SourceConfig } from './config-types';
import { didYouMean } from './did-you-mean';
import { checkPostgresUrl } from '../storage/postgres/check-postgres-url';

export interface ConfigProblem {
  path: string;
  problem: string;
  fix: string;
}

/** Thrown when the config cannot be used; `problems` lists every one, each with what to do. Never carries a value. */
export class ConfigError extends AppError {
  readonly problems: ConfigProblem[];
  constructor(problems: ConfigProblem[]) {
    super(500, `invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'})`, {
      code: 'config',
    });
    this.problems = problems;
  }
  describe(): string {
    return [this.message + ':', ...this.problems.map((p) => `  - ${p.path}: ${p.problem}. ${p.fix}`)].join('\n');
  }
}

type Env = Readonly<Record<string, string | undefined>>;

/** One problem per missing variable, naming every place that uses it (never its value: it has none). */
function reportMissingVar(problems: ConfigProblem[], name: string, at: string): void {
  const problem = `environment variable ${name} is not set`;
  const seen = problems.find((p) => p.problem === problem);
  if (seen) seen.path += `, ${at}`;
  else problems.push({ path: at, problem, fix: `Export ${name} before starting, or write the value into the file.` });
}

/**
 * Replace `${VAR}` in every string value from `env`; each missing variable is one problem, named without a value.
 * `missingAt` collects the paths left empty that way, so the reader does not report them a second time as missing.
 */
export function substituteEnv(
  value: unknown,
  env: Env,
  problems: ConfigProblem[],
  path = '',
  missingAt: Set<string> = new Set(),
): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_m, name: string) => {
      const v = env[name];
      if (v === undefined || v === '') {
        reportMissingVar(problems, name, path || '(root)');
        missingAt.add(path);
        return '';
      }
      return v;
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => substituteEnv(v, env, problems, `${path}[${i}]`, missingAt));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value))
      out[k] = substituteEnv(v, env, problems, path ? `${path}.${k}` : k, missingAt);
    return out;
  }
  return value;
}

type Section = Record<string, unknown>;

/**
 * Reads config values and remembers which keys of each section it asked for: the known keys are exactly the ones
 * some code reads, so a new setting needs no second list, and every other key is reported as unknown.
 */
const EMPTY: Section = Object.freeze({});

class Reader {
  private readonly sections = new Map<Section, { path: string; read: Set<string> }>();
  constructor(
    readonly problems: ConfigProblem[],
    private readonly missingAt: ReadonlySet<string> = new Set(),
  ) {}

  /** `o[key]`, marked as a known key of `o`. */
  take(o: Section, key: string): unknown {
    this.sections.get(o)?.read.add(key);
    return o[key];
  }

  /** A section with fixed keys: its unknown keys are reported by `unknownKeys`. */
  obj(v: unknown, path: string, required = true): Section {
    const o = this.map(v, path, required);
    if (o !== EMPTY) this.sections.set(o, { path, read: new Set() });
    return o;
  }

  /** A map with keys chosen by the user (warehouse codes, product ids): any key is allowed. */
  map(v: unknown, path: string, required = true): Section {
    if (v === undefined && !required) return EMPTY;
    if (!v || typeof v !== 'object' || Array.isArray(v)) {
      if (!this.missingAt.has(path))
        this.problems.push({
          path,
          problem: v === undefined ? 'is missing' : 'must be an object',
          fix: 'See stockbridge.example.json for its shape.',
        });
      return EMPTY;
    }
    return v as Section;
  }

  /** Stop checking a section's keys (its type is unknown, so which keys it may have is too). */
  forget(o: Section): void {
    this.sections.delete(o);
  }

  unknownKeys(): void {
    for (const [o, { path, read }] of this.sections) {
      for (const key of Object.keys(o).filter((k) => !read.has(k))) {
        const near = didYouMean(key, read);
        this.problems.push({
          path: path === '(root)' ? key : `${path}.${key}`,
          problem: 'is not a known setting',
          fix: near
            ? `Did you mean "${near}"? A misspelt key would be ignored, so it is refused.`
            : 'Remove it; stockbridge.example.json shows every setting this section takes.',
        });
      }
    }
  }

  str(
    o: Record<string, unknown>,
    key: string,
    path: string,
    opts: { def?: string; oneOf?: readonly string[]; url?: boolean; secret?: boolean } = {},
  ): string {
    const v = this.take(o, key);
    const p = `${path}.${key}`;
    if (v === undefined || v === '') {
      if (opts.def !== undefined) return opts.def;
      if (this.missingAt.has(p)) return '';
      this.problems.push({
        path: p,
        problem: 'is missing',
        fix: opts.secret
          ? 'Set it, as a ${VAR} placeholder filled from the environment.'
          : 'Add it (see stockbridge.example.json).',
      });
      return '';
    }
    if (typeof v !== 'string') {
      this.problems.push({ path: p, problem: 'must be a string', fix: 'Quote the value.' });
      return '';
    }
    if (opts.oneOf && !opts.oneOf.includes(v)) {
      this.problems.push({
        path: p,
        problem: `must be one of ${opts.oneOf.join(', ')}`,
        fix: 'Pick one of those values.',
      });
    }
    if (opts.url) {
      let ok = false;
      try {
        ok = ['http:', 'https:'].includes(new URL(v).protocol);
      } catch {
        ok = false;
      }
      if (!ok)
        this.problems.push({ path: p, problem: 'must be an http(s) URL', fix: 'Write it like https://example.com.' });
      return v.replace(/\/+$/, '');
    }
    return v;
  }

  num(
    o: Record<string, unknown>,
    key: string,
    path: string,
    def: number,
    min: number,
    max: number,
    integer = true,
  ): number {
    const v = this.take(o, key);
    if (v === undefined) return def;
    const p = `${path}.${key}`;
    if (typeof v !== 'number' || !Number.isFinite(v) || (integer && !Number.isInteger(v)) || v < min || v > max) {
      this.problems.push({
        path: p,
        problem: `must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}`,
        fix: `Use a value in that range (default ${def}).`,
      });
      return def;
    }
    return v;
  }

  bool(o: Record<string, unknown>, key: string, path: string, def: boolean): boolean {
    const v = this.take(o, key);
    if (v === undefined) return def;
    if (typeof v !== 'boolean') {
      this.problems.push({
        path: `${path}.${key}`,
        problem: 'must be true or false',
        fix: 'Write true or false without quotes.',
      });
      return def;
    }
    return v;
  }
}

function readTarget(r: Reader, raw: unknown, path: string): MerchantProTargetConfig | undefined {
  const t = r.obj(raw, path);
  const type = r.str(t, 'type', path, { oneOf: ['merchantpro'] });
  if (type !== 'merchantpro') {
    r.forget(t);
    return undefined;
  }
  const name = r.str(t, 'name', path);
  if (name && !/^[A-Za-z0-9_.-]{1,64}$/.test(name)) {
    r.problems.push({
      path: `${path}.name`,
      problem: 'must be 1-64 letters, digits, dot, dash or underscore',
      fix: 'It appears in URLs and metrics; rename it.',
    });
  }
  const whRaw = r.map(r.take(t, 'warehouses'), `${path}.warehouses`);
  const warehouses: Record<string, string> = {};
  for (const [code, shopName] of Object.entries(whRaw)) {
    if (typeof shopName !== 'string' || !shopName) {
      r.problems.push({
        path: `${path}.warehouses.${code}`,
        problem: 'must be the shop warehouse name (a string)',
        fix: 'Map each CRM warehouse code to the shop warehouse name.',
      });
    } else warehouses[code] = shopName;
  }
  if (Object.keys(whRaw).length === 0 && t.warehouses !== undefined) {
    r.problems.push({
      path: `${path}.warehouses`,
      problem: 'maps no warehouse',
      fix: 'Map at least one CRM warehouse code to a shop warehouse name.',
    });
  }
  return Object.freeze({
    name,
    type: 'merchantpro' as const,
    url: r.str(t, 'url', path, { url: true }),
    apiKey: r.str(t, 'apiKey', path, { secret: true }),
    apiSecret: r.str(t, 'apiSecret', path, { secret: true }),
    offerKey: r.str(t, 'offerKey', path, { def: 'externalId', oneOf: ['externalId', 'xmlId', 'id'] }) as OfferKey,
    identifier: r.str(t, 'identifier', path, { def: 'sku', oneOf: ['sku', 'ean', 'id'] }) as ShopIdentifier,
    warehouses: Object.freeze(warehouses),
    multiWarehouse: r.bool(t, 'multiWarehouse', path, false),
    enableInventory: r.bool(t, 'enableInventory', path, false),
    requestsPerSecond: r.num(t, 'requestsPerSecond', path, 4, 0.1, 100_000, false),
    concurrency: r.num(t, 'concurrency', path, 2, 1, 64),
    timeoutMs: r.num(t, 'timeoutMs', path, 10_000, 100, 120_000),
    maxAttempts: r.num(t, 'maxAttempts', path, 20, 1, 1000),
    maxAgeSeconds: r.num(t, 'maxAgeSeconds', path, 86_400, 1, 30 * 86_400),
  });
}

function readCsvProducts(file: string, baseDir: string, r: Reader, p: string): Record<string, string> {
  const out: Record<string, string> = {};
  let text: string;
  try {
    text = fs.readFileSync(path.resolve(baseDir, file), 'utf8');
  } catch {
    r.problems.push({
      path: p,
      problem: `file ${file} cannot be read`,
      fix: 'Give a CSV with lines "bitrixProductId,offerValue" (a header line is allowed).',
    });
    return out;
  }
  text.split(/\r?\n/).forEach((line, i) => {
    const t = line.trim();
    if (!t || t.startsWith('#')) return;
    const [id, value] = t.split(/[,;]/).map((x) => x.trim().replace(/^"|"$/g, ''));
    if (i === 0 && !/^\d+$/.test(id ?? '')) return; // header
    if (!id || !/^\d+$/.test(id) || !value)
      r.problems.push({
        path: `${p} line ${i + 1}`,
        problem: 'is not "productId,offerValue"',
        fix: 'Fix that line of the CSV.',
      });
    else out[id] = value;
  });
  return out;
}

function readSource(r: Reader, raw: unknown, p: string, baseDir: string): SourceConfig | undefined {
  const s = r.obj(raw, p);
  const type = r.str(s, 'type', p, { oneOf: ['syncinventory', 'flamix', 'merchantpro'] });
  const name = r.str(s, 'name', p);
  if (name && !/^[A-Za-z0-9_.-]{1,64}$/.test(name))
    r.problems.push({
      path: `${p}.name`,
      problem: 'must be 1-64 letters, digits, dot, dash or underscore',
      fix: 'Rename it.',
    });
  const whRaw = r.map(r.take(s, 'warehouses'), `${p}.warehouses`);
  const warehouses: Record<string, string> = {};
  for (const [k, v] of Object.entries(whRaw)) {
    if (typeof v !== 'string' || !v)
      r.problems.push({
        path: `${p}.warehouses.${k}`,
        problem: 'must be a CRM warehouse code',
        fix: 'Map each source warehouse to a CRM warehouse code.',
      });
    else warehouses[k] = v;
  }
  const base = {
    name,
    warehouses: Object.freeze(warehouses),
    offerKey: r.str(s, 'offerKey', p, { def: 'externalId', oneOf: ['externalId', 'xmlId', 'id'] }) as OfferKey,
    everySeconds: r.num(s, 'everySeconds', p, 0, 0, 7 * 86_400),
    timeoutMs: r.num(s, 'timeoutMs', p, 60_000, 100, 600_000),
  };
  if (type === 'syncinventory') {
    return Object.freeze({
      ...base,
      type,
      url: r.str(s, 'url', p, { url: true }),
      apiKey: r.str(s, 'apiKey', p, { secret: true }),
      auth: r.str(s, 'auth', p, { def: 'bearer', oneOf: ['bearer', 'basic'] }) as 'bearer' | 'basic',
      skuCode: r.take(s, 'skuCode') === undefined ? undefined : r.str(s, 'skuCode', p),
      godownId: r.take(s, 'godownId') === undefined ? undefined : r.str(s, 'godownId', p),
    });
  }
  if (type === 'flamix') {
    const products: Record<string, string> = {};
    for (const [k, v] of Object.entries(r.map(r.take(s, 'products'), `${p}.products`, false))) {
      if (!/^\d+$/.test(k) || typeof v !== 'string' || !v)
        r.problems.push({
          path: `${p}.products.${k}`,
          problem: 'must map a numeric Bitrix24 product id to an offer value',
          fix: 'Write "123": "SKU-1".',
        });
      else products[k] = v;
    }
    if (r.take(s, 'productsCsv') !== undefined)
      Object.assign(products, readCsvProducts(r.str(s, 'productsCsv', p), baseDir, r, `${p}.productsCsv`));
    if (Object.keys(products).length === 0)
      r.problems.push({
        path: `${p}.products`,
        problem: 'maps no product',
        fix: 'Flamix has no list endpoint: map Bitrix24 product ids in products or productsCsv.',
      });
    return Object.freeze({
      ...base,
      type,
      url: r.str(s, 'url', p, { def: 'https://inventory-pay.app.flamix.solutions', url: true }),
      domain: r.str(s, 'domain', p),
      apiToken: r.str(s, 'apiToken', p, { secret: true }),
      recalculate: r.bool(s, 'recalculate', p, false),
      recalculateWaitMs: r.num(s, 'recalculateWaitMs', p, 60_000, 0, 3_600_000),
      requestsPerSecond: r.num(s, 'requestsPerSecond', p, 2, 0.1, 100, false),
      products: Object.freeze(products),
    });
  }
  if (type === 'merchantpro') {
    return Object.freeze({
      ...base,
      type,
      url: r.str(s, 'url', p, { url: true }),
      apiKey: r.str(s, 'apiKey', p, { secret: true }),
      apiSecret: r.str(s, 'apiSecret', p, { secret: true }),
      identifier: r.str(s, 'identifier', p, { def: 'sku', oneOf: ['sku', 'ean', 'id'] }) as ShopIdentifier,
      requestsPerSecond: r.num(s, 'requestsPerSecond', p, 4, 0.1, 1000, false),
      listPath: r.str(s, 'listPath', p, { def: '/api/v2/inventory' }),
    });
  }
  r.forget(s);
  return undefined;
}

/**
 * A shop that is a push target for some CRM warehouses and is also read back into the CRM for the same
 * warehouses would feed its own writes back: refuse it, naming both.
 */
function findCycles(
  targets: readonly MerchantProTargetConfig[],
  sources: readonly SourceConfig[],
  problems: ConfigProblem[],
) {
  sources.forEach((s, i) => {
    if (s.type !== 'merchantpro') return;
    for (const t of targets) {
      if (t.url.toLowerCase() !== s.url.toLowerCase()) continue;
      const shared = Object.values(s.warehouses).filter((code) =>
        Object.prototype.hasOwnProperty.call(t.warehouses, code),
      );
      if (shared.length) {
        problems.push({
          path: `sources[${i}]`,
          problem:
            `source "${s.name}" reads the shop that target "${t.name}" writes, ` +
            `for CRM warehouse(s) ${shared.join(', ')}: a cycle`,
          fix:
            'A warehouse has one master: either push it to the shop (target) ' +
            'or read it from the shop (source), not both.',
        });
      }
    }
  });
}

/** Validate a parsed config object (after `${VAR}` substitution). Throws ConfigError listing every problem. */
export function parseConfig(input: unknown, env: Env = {}, baseDir = process.cwd()): Config {
  const problems: ConfigProblem[] = [];
  const missingAt = new Set<string>();
  const raw = substituteEnv(input, env, problems, '', missingAt);
  const r = new Reader(problems, missingAt);
  const root = r.obj(raw, '(root)');

  const server = r.obj(r.take(root, 'server'), 'server', false);
  let port = r.num(server, 'port', 'server', 3000, 0, 65535);
  if (env.PORT !== undefined && env.PORT !== '') {
    const p = Number(env.PORT);
    if (!Number.isInteger(p) || p < 0 || p > 65535)
      problems.push({ path: 'PORT', problem: 'must be a port number', fix: 'Unset PORT or set it to 0-65535.' });
    else port = p;
  }
  const storage = r.obj(r.take(root, 'storage'), 'storage', false);
  const crm = r.obj(r.take(root, 'crm'), 'crm');
  const auth = r.obj(r.take(root, 'auth'), 'auth');
  const intake = r.obj(r.take(root, 'intake'), 'intake', false);
  const worker = r.obj(r.take(root, 'worker'), 'worker', false);
  const shipments = r.obj(r.take(root, 'shipments'), 'shipments', false);
  const log = r.obj(r.take(root, 'log'), 'log', false);
  const callbacks = r.obj(r.take(root, 'callbacks'), 'callbacks', false);

  const targetsRaw = r.take(root, 'targets') ?? [];
  if (!Array.isArray(targetsRaw))
    problems.push({ path: 'targets', problem: 'must be a list', fix: 'Write targets as [ {...}, ... ].' });
  const targets = (Array.isArray(targetsRaw) ? targetsRaw : [])
    .map((t, i) => readTarget(r, t, `targets[${i}]`))
    .filter((t): t is MerchantProTargetConfig => !!t);
  const seen = new Set<string>();
  targets.forEach((t, i) => {
    if (seen.has(t.name))
      problems.push({
        path: `targets[${i}].name`,
        problem: `duplicates the name "${t.name}"`,
        fix: 'Give every target its own name.',
      });
    seen.add(t.name);
  });

  const sourcesRaw = r.take(root, 'sources') ?? [];
  if (!Array.isArray(sourcesRaw))
    problems.push({ path: 'sources', problem: 'must be a list', fix: 'Write sources as [ {...}, ... ].' });
  const sources = (Array.isArray(sourcesRaw) ? sourcesRaw : [])
    .map((s, i) => readSource(r, s, `sources[${i}]`, baseDir))
    .filter((s): s is SourceConfig => !!s);
  const seenSources = new Set<string>();
  sources.forEach((s, i) => {
    if (seenSources.has(s.name))
      problems.push({
        path: `sources[${i}].name`,
        problem: `duplicates the name "${s.name}"`,
        fix: 'Give every source its own name.',
      });
    seenSources.add(s.name);
  });
  findCycles(targets, sources, problems);
  const sync = r.obj(r.take(root, 'sync'), 'sync', false);

  const timeZone = r.str(shipments, 'timeZone', 'shipments', { def: 'UTC' });
  try {
    new Intl.DateTimeFormat('en-CA', { timeZone });
  } catch {
    problems.push({
      path: 'shipments.timeZone',
      problem: 'is not a known IANA time zone',
      fix: 'Use a name like Europe/Bucharest or UTC.',
    });
  }
  const leaseMs = r.num(worker, 'leaseMs', 'worker', 30_000, 1000, 3_600_000);
  const maxTimeout = Math.max(0, ...targets.map((t) => t.timeoutMs));
  if (maxTimeout >= leaseMs) {
    problems.push({
      path: 'worker.leaseMs',
      problem: `must be longer than every target's timeoutMs (${maxTimeout})`,
      fix: 'A lease shorter than a request would let two sends of one item overlap; raise leaseMs.',
    });
  }

  const storageDriver = r.str(storage, 'driver', 'storage', { def: 'sqlite', oneOf: ['sqlite', 'postgres'] }) as
    'sqlite' | 'postgres';
  const storageUrl = storageDriver === 'postgres' ? r.str(storage, 'url', 'storage', { secret: true }) : '';
  const storageUrlProblem = storageUrl ? checkPostgresUrl(storageUrl) : null;
  if (storageUrlProblem)
    problems.push({
      path: 'storage.url',
      problem: storageUrlProblem,
      fix: 'Write it like postgres://stockbridge:${PG_PASSWORD}@db.internal:5432/stockbridge.',
    });

  const config: Config = {
    server: Object.freeze({
      port,
      host: r.str(server, 'host', 'server', { def: '0.0.0.0' }),
      publicUrl: r.str(server, 'publicUrl', 'server', { url: true }),
      requestTimeoutMs: r.num(server, 'requestTimeoutMs', 'server', 30_000, 1000, 600_000),
      headersTimeoutMs: r.num(server, 'headersTimeoutMs', 'server', 10_000, 1000, 600_000),
      keepAliveTimeoutMs: r.num(server, 'keepAliveTimeoutMs', 'server', 5000, 1000, 600_000),
      trustProxy: r.bool(server, 'trustProxy', 'server', false),
    }),
    storage: Object.freeze({
      driver: storageDriver,
      url: storageUrl,
      poolSize: r.num(storage, 'poolSize', 'storage', 10, 1, 200),
      path: r.str(storage, 'path', 'storage', { def: 'data/stockbridge.db' }),
      synchronous: r.str(storage, 'synchronous', 'storage', { def: 'full', oneOf: ['full', 'normal'] }) as
        'full' | 'normal',
      retainCallbacksDays: r.num(storage, 'retainCallbacksDays', 'storage', 7, 0, 3650),
    }),
    crm: Object.freeze({
      url: r.str(crm, 'url', 'crm', { url: true }),
      apiKey: r.str(crm, 'apiKey', 'crm', { secret: true }),
      clientId: r.str(crm, 'clientId', 'crm', { secret: true }),
      site: r.str(crm, 'site', 'crm'),
      requestsPerSecond: r.num(crm, 'requestsPerSecond', 'crm', 10, 0.1, 10, false),
      timeoutMs: r.num(crm, 'timeoutMs', 'crm', 15_000, 100, 120_000),
      batchSize: r.num(crm, 'batchSize', 'crm', 250, 1, 250),
      maxRetries: r.num(crm, 'maxRetries', 'crm', 5, 0, 20),
    }),
    auth: Object.freeze({
      shipmentsToken: r.str(auth, 'shipmentsToken', 'auth', { secret: true }),
      adminToken: r.str(auth, 'adminToken', 'auth', { secret: true }),
    }),
    intake: Object.freeze({
      maxBodyBytes: r.num(intake, 'maxBodyBytes', 'intake', 2 * 1024 * 1024, 1024, 64 * 1024 * 1024),
      maxOffers: r.num(intake, 'maxOffers', 'intake', 1000, 1, 100_000),
      maxIdLength: r.num(intake, 'maxIdLength', 'intake', 255, 1, 4096),
      maxQuantity: r.num(intake, 'maxQuantity', 'intake', 999_999_999, 1, Number.MAX_SAFE_INTEGER),
    }),
    worker: Object.freeze({
      leaseMs,
      pollMs: r.num(worker, 'pollMs', 'worker', 1000, 10, 60_000),
      backoffBaseMs: r.num(worker, 'backoffBaseMs', 'worker', 1000, 1, 3_600_000),
      backoffMaxMs: r.num(worker, 'backoffMaxMs', 'worker', 300_000, 1, 86_400_000),
      drainMs: r.num(worker, 'drainMs', 'worker', 10_000, 0, 600_000),
    }),
    shipments: Object.freeze({
      timeZone,
      maxAttempts: r.num(shipments, 'maxAttempts', 'shipments', 20, 1, 1000),
      maxAgeSeconds: r.num(shipments, 'maxAgeSeconds', 'shipments', 86_400, 1, 30 * 86_400),
    }),
    callbacks: Object.freeze({
      answerDeadlineMs: r.num(callbacks, 'answerDeadlineMs', 'callbacks', 3000, 100, 60_000),
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

/**
 * A syntax error as line, column and what is wrong. Never JSON.parse's own message: it quotes the text around the
 * error, and next to a syntax error in a config file there is often a secret.
 */
function jsonSyntaxProblem(file: string, text: string): ConfigProblem {
  const at = locateJsonError(text);
  return {
    path: file,
    problem: at ? `is not valid JSON: line ${at.line}, column ${at.column}: ${at.problem}` : 'is not valid JSON',
    fix: 'Fix the syntax at that place (the file is not quoted here, so no secret is printed).',
  };
}

/** Read and validate the config file. Only main.ts and cli/* call this, with process.env. */
export function loadConfig(file: string, env: Env): Config {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new ConfigError([
      {
        path: file,
        problem: 'cannot be read',
        fix: 'Create it from stockbridge.example.json, or point STOCKBRIDGE_CONFIG at your file.',
      },
    ]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ConfigError([jsonSyntaxProblem(file, text)]);
  }
  return parseConfig(json, env, path.dirname(path.resolve(file)));
}
