import type { AccountConfig, CrmConfig, SourceConfig, TargetConfig } from './config-types';
import type { ConfigReader, Section } from './config-reader';
import { readTarget } from './read-target';
import { readSource } from './read-source';
import { findCrmLoops, findCycles } from './find-cycles';
import { readCrm } from './config-sections';
import { ACCOUNT_NAME, DEFAULT_ACCOUNT } from '../accounts/account-names';

/** A list of named entries (targets or sources) at `path`: refuses a non-list and a name used twice. */
export function readNamedList<T extends { name: string }>(
  r: ConfigReader,
  raw: unknown,
  path: string,
  readOne: (raw: unknown, path: string) => T | undefined,
): T[] {
  const what = path.endsWith('targets') ? 'target' : 'source';
  if (raw !== undefined && !Array.isArray(raw))
    r.problems.push({ path, problem: 'must be a list', fix: `Write ${path} as [ {...}, ... ].` });
  const list = (Array.isArray(raw) ? raw : []).map((x, i) => readOne(x, `${path}[${i}]`)).filter((x): x is T => !!x);
  const seen = new Set<string>();
  list.forEach((x, i) => {
    if (seen.has(x.name))
      r.problems.push({
        path: `${path}[${i}].name`,
        problem: `duplicates the name "${x.name}"`,
        fix: `Give every ${what} ${path.includes('accounts[') ? 'of an account ' : ''}its own name.`,
      });
    seen.add(x.name);
  });
  return list;
}

/** One account's targets and sources (paths under `prefix`), cycle- and loop-checked together. */
export function readLists(r: ConfigReader, o: Section, prefix: string, baseDir: string, crmUrl: string) {
  const targets = readNamedList<TargetConfig>(r, r.take(o, 'targets'), `${prefix}targets`, (t, p) =>
    readTarget(r, t, p),
  );
  const sources = readNamedList<SourceConfig>(r, r.take(o, 'sources'), `${prefix}sources`, (s, p) =>
    readSource(r, s, p, baseDir),
  );
  const before = r.problems.length;
  findCycles(targets, sources, r.problems);
  findCrmLoops(targets, { url: crmUrl }, r.problems);
  for (const p of r.problems.slice(before)) p.path = `${prefix}${p.path}`;
  return { targets: Object.freeze(targets), sources: Object.freeze(sources) };
}

/** The 0.2 keys a file may have at the top level (and `auth.shipmentsToken`). */
const SINGLE_KEYS = ['crm', 'targets', 'sources'] as const;

function refuseBothForms(r: ConfigReader, root: Section, auth: Section): boolean {
  const given = [
    ...SINGLE_KEYS.filter((k) => root[k] !== undefined),
    ...(auth.shipmentsToken !== undefined ? ['auth.shipmentsToken'] : []),
  ];
  if (given.length === 0) return false;
  r.problems.push({
    path: 'accounts',
    problem: `is given together with the single-account settings ${given.join(', ')}: a file has one form or the other`,
    fix:
      `Keep "accounts" and move ${given.join(', ')} into one of its entries (as its crm, targets, sources and ` +
      'shipmentsToken; name it "default" to keep the data a single-account hub stored), or remove "accounts" ' +
      'to keep the single-account form.',
  });
  for (const k of SINGLE_KEYS) r.take(root, k);
  r.take(auth, 'shipmentsToken');
  return true;
}

function readOneAccount(r: ConfigReader, raw: unknown, path: string, baseDir: string): AccountConfig | undefined {
  const a = r.obj(raw, path);
  const name = r.str(a, 'name', path);
  if (name && !ACCOUNT_NAME.test(name))
    r.problems.push({
      path: `${path}.name`,
      problem: 'must be a slug: 1-40 lower-case letters, digits or dashes, not starting or ending with a dash',
      fix: 'It appears in admin URLs, store keys and metrics; rename it (for example "acme-shoes").',
    });
  const crm: CrmConfig = readCrm(r, r.obj(r.take(a, 'crm'), `${path}.crm`), `${path}.crm`);
  const shipmentsToken = r.str(a, 'shipmentsToken', path, { secret: true });
  return Object.freeze({ name, crm, shipmentsToken, ...readLists(r, a, `${path}.`, baseDir, crm.url) });
}

/** Two accounts must not share a name, a clientId or a shipments token (each picks one account). */
function refuseShared(r: ConfigReader, accounts: readonly AccountConfig[]): void {
  const checks = [
    { of: (a: AccountConfig) => a.name, field: 'name', what: 'name' },
    { of: (a: AccountConfig) => a.crm.clientId, field: 'crm.clientId', what: 'clientId' },
    { of: (a: AccountConfig) => a.shipmentsToken, field: 'shipmentsToken', what: 'shipments token' },
  ];
  for (const c of checks) {
    const first = new Map<string, number>();
    accounts.forEach((a, i) => {
      const v = c.of(a);
      if (!v) return;
      const j = first.get(v);
      if (j === undefined) first.set(v, i);
      else
        r.problems.push({
          path: `accounts[${i}].${c.field}`,
          problem: `is the same ${c.what} as accounts[${j}]'s`,
          fix: `Give every account its own ${c.what}: it is how a request finds its account.`,
        });
    });
  }
}

/**
 * The hub's file-declared accounts: `accounts: [...]`, or a single-account (0.2) file read as the account
 * `default`. A file with both forms is refused, saying which to keep.
 */
export function readAccounts(r: ConfigReader, root: Section, auth: Section, baseDir: string): AccountConfig[] {
  const raw = r.take(root, 'accounts');
  if (raw === undefined) {
    const crm = readCrm(r, r.obj(r.take(root, 'crm'), 'crm', true));
    const shipmentsToken = r.str(auth, 'shipmentsToken', 'auth', { secret: true });
    return [Object.freeze({ name: DEFAULT_ACCOUNT, crm, shipmentsToken, ...readLists(r, root, '', baseDir, crm.url) })];
  }
  refuseBothForms(r, root, auth);
  if (!Array.isArray(raw) || raw.length === 0) {
    r.problems.push({
      path: 'accounts',
      problem: Array.isArray(raw) ? 'is empty' : 'must be a list',
      fix: 'Write accounts as [ { "name", "crm": {...}, "shipmentsToken", "targets": [...], "sources": [...] } ].',
    });
    return [];
  }
  const accounts = raw
    .map((a, i) => readOneAccount(r, a, `accounts[${i}]`, baseDir))
    .filter((a): a is AccountConfig => !!a);
  refuseShared(r, accounts);
  return accounts;
}

/** `connect.allowedHosts`: CRM hosts (`host` or `host:port`) allowed besides the SaaS domains. */
export function readAllowedHosts(r: ConfigReader, connect: Section): readonly string[] {
  const raw = r.take(connect, 'allowedHosts') ?? [];
  const ok = Array.isArray(raw) ? raw.filter((h) => typeof h === 'string' && /^[a-z0-9.-]+(:\d{1,5})?$/i.test(h)) : [];
  if (!Array.isArray(raw) || ok.length !== raw.length)
    r.problems.push({
      path: 'connect.allowedHosts',
      problem: 'must be a list of host names, each "host" or "host:port"',
      fix: 'Write it like ["crm.internal.example", "127.0.0.1:8080"] (no scheme, no path).',
    });
  return Object.freeze(ok.map((h: string) => h.toLowerCase()));
}
