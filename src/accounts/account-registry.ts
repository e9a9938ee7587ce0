import crypto from 'node:crypto';
import type { AccountConfig, SourceConfig, TargetConfig } from '../config/config-types';
import { DEFAULT_ACCOUNT, qualify, unqualify } from './account-names';

/** Where an account's definition lives: the config file (read-only through the API) or the database. */
export type AccountOrigin = 'file' | 'connected';

/** One account as the hub runs it: its config, and its targets and sources under their store keys. */
export interface Account {
  readonly name: string;
  readonly origin: AccountOrigin;
  readonly config: AccountConfig;
  /** The account's targets with `name` = the store key (`qualify(account, name)`). */
  readonly targets: readonly TargetConfig[];
  readonly sources: readonly SourceConfig[];
  /** False once an operator deactivated a connected account: its callbacks are answered, its stock held. */
  readonly enabled: boolean;
}

/**
 * The hub's accounts, and how a request finds its own: by a hash of the presented clientId or shipments token
 * (one Map lookup, whatever the number of accounts; no string comparison in a loop, nothing secret kept as a key).
 */
export interface AccountRegistry {
  list(): readonly Account[];
  get(name: string): Account | undefined;
  /** The account whose clientId this is; undefined when none is (the caller answers 403). */
  byClientId(given: string): Account | undefined;
  byShipmentsToken(given: string): Account | undefined;
  /** The account a stored target or source name belongs to. */
  ownerOf(storedName: string): Account | undefined;
  /** Every account's targets under their store keys (what the worker, the projector and the metrics see). */
  allTargets(): readonly TargetConfig[];
  /** Add or replace an account (one connected at runtime, or re-read); its old secrets stop resolving. */
  put(config: AccountConfig, origin: AccountOrigin, enabled?: boolean): Account;
  /** Forget an account (its secrets stop resolving). */
  remove(name: string): void;
  /** The sole account when the hub has exactly one (the 0.2 paths act on it); undefined otherwise. */
  sole(): Account | undefined;
}

/** SHA-256 of a secret, as a hex map key: the secret itself is never a key, and lookups take one hash. */
export const secretHash = (s: string) => crypto.createHash('sha256').update(s, 'utf8').digest('hex');

function toAccount(config: AccountConfig, origin: AccountOrigin, enabled: boolean): Account {
  const q = <T extends { name: string }>(x: T): T =>
    config.name === DEFAULT_ACCOUNT ? x : Object.freeze({ ...x, name: qualify(config.name, x.name) });
  return Object.freeze({
    name: config.name,
    origin,
    enabled,
    config,
    targets: Object.freeze(config.targets.map(q)),
    sources: Object.freeze(config.sources.map(q)),
  });
}

export function createAccountRegistry(
  initial: ReadonlyArray<{ config: AccountConfig; origin: AccountOrigin }>,
): AccountRegistry {
  const byName = new Map<string, Account>();
  const byClient = new Map<string, Account>();
  const byToken = new Map<string, Account>();
  let targets: readonly TargetConfig[] = [];

  function unindex(a: Account) {
    byClient.delete(secretHash(a.config.crm.clientId));
    byToken.delete(secretHash(a.config.shipmentsToken));
  }

  const reindexTargets = () => {
    targets = Object.freeze([...byName.values()].flatMap((x) => x.targets));
  };

  function put(config: AccountConfig, origin: AccountOrigin, enabled = true): Account {
    const old = byName.get(config.name);
    if (old) unindex(old);
    const a = toAccount(config, origin, enabled);
    byName.set(a.name, a);
    if (config.crm.clientId) byClient.set(secretHash(config.crm.clientId), a);
    if (config.shipmentsToken) byToken.set(secretHash(config.shipmentsToken), a);
    reindexTargets();
    return a;
  }

  function remove(name: string) {
    const old = byName.get(name);
    if (!old) return;
    unindex(old);
    byName.delete(name);
    reindexTargets();
  }

  for (const { config, origin } of initial) put(config, origin);

  return {
    list: () => [...byName.values()],
    get: (name) => byName.get(name),
    byClientId: (given) => byClient.get(secretHash(given)),
    byShipmentsToken: (given) => byToken.get(secretHash(given)),
    ownerOf: (stored) => byName.get(unqualify(stored).account),
    allTargets: () => targets,
    put,
    remove,
    sole: () => (byName.size === 1 ? byName.values().next().value : undefined),
  };
}
