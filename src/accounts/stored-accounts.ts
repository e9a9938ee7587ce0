import type { AccountConfig, Config } from '../config/config-types';
import { ConfigError, type ConfigProblem } from '../config/config-error';
import { ConfigReader } from '../config/config-reader';
import { readCrm } from '../config/config-sections';
import { readLists } from '../config/read-accounts';
import type { StoredAccount } from '../storage/stores';
import { NEW_SECRET_KEY_ENV, SECRET_KEY_ENV, type SecretBox } from './secret-box';

/** What a connected account keeps sealed: its CRM key and clientId, its shipments token, its shops' credentials. */
export interface SealedPart {
  apiKey: string;
  clientId: string;
  shipmentsToken: string | null;
  /** Its targets and sources as they were given (the JSON shape of the config file), read again at every load. */
  targets: unknown[];
  sources: unknown[];
}

/** The row's name binds its sealed part: a sealed value copied into another row does not open. */
const aad = (name: string) => `stockbridge account ${name}`;

export function sealPart(box: SecretBox, name: string, part: SealedPart): { keyId: string; sealed: string } {
  return { keyId: box.keyId, sealed: box.seal(JSON.stringify(part), aad(name)) };
}

export function openPart(box: SecretBox, row: Pick<StoredAccount, 'name' | 'sealed'>): SealedPart {
  return JSON.parse(box.open(row.sealed, aad(row.name))) as SealedPart;
}

export function resealPart(from: SecretBox, to: SecretBox, row: Pick<StoredAccount, 'name' | 'sealed'>): string {
  return to.seal(from.open(row.sealed, aad(row.name)), aad(row.name));
}

/**
 * A connected account's targets and sources, read with the config file's own readers and messages (paths as
 * `targets[0].url`), plus the lease check the file's `worker.leaseMs` gets. Throws ConfigError listing every problem.
 */
export function readAccountLists(
  raw: { targets?: unknown; sources?: unknown },
  crmUrl: string,
  config: Pick<Config, 'worker'>,
  baseDir: string,
) {
  const problems: ConfigProblem[] = [];
  const r = new ConfigReader(problems);
  const lists = readLists(r, { targets: raw.targets ?? [], sources: raw.sources ?? [] }, '', baseDir, crmUrl);
  lists.targets.forEach((t, i) => {
    if (t.timeoutMs >= config.worker.leaseMs)
      problems.push({
        path: `targets[${i}].timeoutMs`,
        problem: `must be shorter than the hub's worker.leaseMs (${config.worker.leaseMs})`,
        fix: 'A lease shorter than a request would let two sends of one item overlap; lower timeoutMs.',
      });
  });
  r.unknownKeys();
  if (problems.length) throw new ConfigError(problems);
  return lists;
}

/** A connected account's config (as the file would declare it), from its row and its opened sealed part. */
export function accountConfigOf(
  row: StoredAccount,
  part: SealedPart,
  config: Pick<Config, 'worker'>,
  baseDir: string,
): { account: AccountConfig; problems: ConfigProblem[] } {
  const r = new ConfigReader([]);
  const crm = readCrm(r, { url: row.url, apiKey: part.apiKey, clientId: part.clientId, site: row.site });
  let lists: Pick<AccountConfig, 'targets' | 'sources'> = { targets: [], sources: [] };
  let problems: ConfigProblem[] = [];
  try {
    lists = readAccountLists(part, row.url, config, baseDir);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    problems = e.problems;
  }
  return {
    account: Object.freeze({ name: row.name, crm, shipmentsToken: part.shipmentsToken ?? '', ...lists }),
    problems,
  };
}

/**
 * Why connected accounts cannot be read with this key, in words that say what to do; null when they can (or there
 * are none: a file-only deployment needs no key).
 */
export function keyProblem(rows: readonly StoredAccount[], box: SecretBox | null): string | null {
  if (rows.length === 0) return null;
  const ids = [...new Set(rows.map((r) => r.keyId))];
  if (!box)
    return (
      `${rows.length} connected account(s) are stored encrypted (key id ${ids.join(', ')}) and ${SECRET_KEY_ENV} ` +
      'is not set: set it to the key they were sealed with (32 bytes, base64) and start again.'
    );
  const other = rows.filter((r) => r.keyId !== box.keyId);
  if (other.length === 0) return null;
  const otherIds = [...new Set(other.map((r) => r.keyId))].join(', ');
  return (
    `${other.length} of ${rows.length} connected account(s) were sealed with another key (id ${otherIds}) than ` +
    `${SECRET_KEY_ENV} (id ${box.keyId}): set ${SECRET_KEY_ENV} to the key they were sealed with. ` +
    (other.length < rows.length
      ? `The rows are under two keys: a key rotation was interrupted; run \`npm run rotate-secret-key\` again with ` +
        `${SECRET_KEY_ENV} set to the old key and ${NEW_SECRET_KEY_ENV} to the new one.`
      : '')
  ).trim();
}
