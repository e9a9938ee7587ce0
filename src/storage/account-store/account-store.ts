/**
 * An account connected at runtime, as stored: what identifies it in plain (name, URL, hashes of its clientId and
 * shipments token), and everything secret sealed under the hub's key (see accounts/secret-box.ts and
 * accounts/account-records.ts). File-declared accounts are never stored here: the file is their source of truth.
 */
export interface StoredAccount {
  name: string;
  /** The CRM's origin, lower case (`https://acme.retailcrm.ru`); one account per CRM. */
  url: string;
  site: string;
  language: string | null;
  /** The API key's scopes when it was last checked. */
  scopes: string[];
  /** SHA-256 (hex) of the clientId and of the shipments token: what requests are looked up by. */
  clientIdHash: string;
  tokenHash: string | null;
  /** The id of the key that sealed `sealed`. */
  keyId: string;
  sealed: string;
  /** False once an operator deactivated it (its stock held, its module switched off in the CRM). */
  active: boolean;
  connectedAt: number;
  updatedAt: number;
  /** Bumped by every change of content (not by re-sealing under another key). */
  version: number;
}

export interface AccountStore {
  list(): Promise<StoredAccount[]>;
  get(name: string): Promise<StoredAccount | undefined>;
  byUrl(url: string): Promise<StoredAccount | undefined>;
  /** Adds a new account (version 1); refuses a name or URL already stored. One transaction. */
  insert(a: Omit<StoredAccount, 'version'>): Promise<'ok' | 'name-taken' | 'url-taken'>;
  /** Replaces an account's content if its version is still `expected`; the stored version becomes expected + 1. */
  update(a: Omit<StoredAccount, 'version'>, expected: number): Promise<boolean>;
  /** Key rotation: one row re-sealed from one key to another, if it is still under `fromKeyId`. */
  reseal(name: string, fromKeyId: string, toKeyId: string, sealed: string): Promise<boolean>;
  /** Changes when an account is added or its content changes (not when re-sealed): a cheap check for a reload. */
  stamp(): Promise<string>;
}
