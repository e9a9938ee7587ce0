import type { Account } from '../accounts/account-registry';
import type { AccountAdmin } from '../accounts/connect-account';
import { AppError } from '../domain/app-error';
import type { CrmClient } from '../integrations/retailcrm/crm-client';
import { CrmError } from '../integrations/retailcrm/crm-error';
import { TARGET_TYPES, targetTypeNames } from '../integrations/registry';

/**
 * Every field that holds a shop's credential, whatever the type (see each type's reader: `secret: true`). They are
 * write-only on the merchant's page: never in an answer; an edit that leaves one out or blank keeps the stored one.
 */
export const CREDENTIAL_FIELDS = ['apiKey', 'apiSecret', 'consumerKey', 'consumerSecret', 'accessToken', 'clientId'];

type Raw = Record<string, unknown>;

/** One target as the page may see it: its config-file fields without credentials, and which credentials are set. */
export interface ShopSettingsView {
  name: string;
  type: string;
  typeLabel: string;
  fields: Raw;
  credentialsSet: string[];
}

const asRaw = (x: unknown): Raw => (x && typeof x === 'object' && !Array.isArray(x) ? (x as Raw) : {});
const nameOf = (x: unknown) => (typeof asRaw(x).name === 'string' ? (asRaw(x).name as string) : '');
const labelOf = (type: string) =>
  Object.prototype.hasOwnProperty.call(TARGET_TYPES, type)
    ? TARGET_TYPES[type as keyof typeof TARGET_TYPES].label
    : type;

export function shopView(raw: unknown): ShopSettingsView {
  const fields: Raw = {};
  const credentialsSet: string[] = [];
  for (const [k, v] of Object.entries(asRaw(raw))) {
    if (!CREDENTIAL_FIELDS.includes(k)) fields[k] = v;
    else if (typeof v === 'string' && v !== '') credentialsSet.push(k);
  }
  const type = typeof fields.type === 'string' ? fields.type : '';
  return { name: nameOf(raw), type, typeLabel: labelOf(type), fields, credentialsSet };
}

/** The target an edit gives, with each credential it leaves blank taken from the stored one (same type only). */
export function mergeEdit(stored: unknown, given: Raw): Raw {
  const before = asRaw(stored);
  const next: Raw = {};
  for (const [k, v] of Object.entries(given))
    if (!(CREDENTIAL_FIELDS.includes(k) && (v === '' || v === null || v === undefined))) next[k] = v;
  if (before.type === next.type)
    for (const k of CREDENTIAL_FIELDS) if (next[k] === undefined && before[k] !== undefined) next[k] = before[k];
  return next;
}

/** The config file's messages for the changed target, keyed by its own field (`targets[2].url` → `url`). */
function fieldsOf(err: AppError, index: number): AppError {
  if (err.code !== 'validation' || !err.details) return err;
  const prefix = `targets[${index}].`;
  const details: Record<string, string> = {};
  for (const [path, problem] of Object.entries(err.details)) {
    const field = path.startsWith(prefix) ? path.slice(prefix.length) : path;
    // The file's advice for a secret (a ${VAR} placeholder) is not the merchant's: the problem alone for those.
    details[field] = CREDENTIAL_FIELDS.includes(field) ? problem.split('. ')[0] : problem;
  }
  return new AppError(400, err.message.split(prefix).join(''), { code: 'validation', details });
}

export interface ShopSettingsDeps {
  admin: () => AccountAdmin | undefined;
  crmOf: (account: string) => CrmClient | undefined;
}

/** The merchant's own shops (add, edit, remove) and their CRM's warehouses, for the one account of the session. */
export function createShopSettings(deps: ShopSettingsDeps) {
  const adminFor = (account: Account): AccountAdmin => {
    if (account.origin === 'file')
      throw new AppError(
        409,
        'the shops of this account are set in the hub’s config file by its operator: ask them to change it there',
        { code: 'read-only' },
      );
    const admin = deps.admin();
    if (!admin) throw new AppError(503, 'shops cannot be changed on this hub', { code: 'unavailable' });
    return admin;
  };
  const given = (body: unknown): Raw => {
    const raw = asRaw(body);
    if (raw !== body) throw new AppError(400, 'a shop is a JSON object', { code: 'validation' });
    return raw;
  };
  const missing = (name: string) => new AppError(404, `no shop named "${name}" in your account`, { code: 'not-found' });

  return {
    types: () => targetTypeNames().map((type) => ({ type, label: labelOf(type) })),

    async list(account: Account): Promise<ShopSettingsView[]> {
      if (account.origin === 'file') return [];
      const admin = deps.admin();
      if (!admin) return [];
      return (await admin.storedLists(account.name)).targets.map(shopView);
    },

    async add(account: Account, body: unknown): Promise<ShopSettingsView> {
      const raw = given(body);
      let index = 0;
      try {
        await adminFor(account).changeLists(account.name, (now) => {
          if (now.targets.some((t) => nameOf(t) === raw.name))
            throw new AppError(409, `a shop named "${String(raw.name)}" exists already; choose another name`, {
              code: 'conflict',
              details: { name: 'exists already' },
            });
          index = now.targets.length;
          return { targets: [...now.targets, raw] };
        });
      } catch (e) {
        throw e instanceof AppError ? fieldsOf(e, index) : e;
      }
      return shopView(raw);
    },

    async edit(account: Account, name: string, body: unknown): Promise<ShopSettingsView> {
      const raw = given(body);
      let index = -1;
      let merged: Raw = {};
      try {
        await adminFor(account).changeLists(account.name, (now) => {
          index = now.targets.findIndex((t) => nameOf(t) === name);
          if (index < 0) throw missing(name);
          // The name is the shop's key (its queue, its figures): kept, whatever the body says.
          merged = { ...mergeEdit(now.targets[index], raw), name };
          return { targets: now.targets.map((t, i) => (i === index ? merged : t)) };
        });
      } catch (e) {
        throw e instanceof AppError ? fieldsOf(e, index) : e;
      }
      return shopView(merged);
    },

    async remove(account: Account, name: string): Promise<void> {
      await adminFor(account).changeLists(account.name, (now) => {
        if (!now.targets.some((t) => nameOf(t) === name)) throw missing(name);
        return { targets: now.targets.filter((t) => nameOf(t) !== name) };
      });
    },

    /** The CRM's warehouses; a key without `reference_read` (403) gives none, and the page lets codes be typed. */
    async crmWarehouses(account: Account) {
      const crm = deps.crmOf(account.name);
      if (!crm) return { warehouses: [], readable: false, message: 'the CRM of this account is not reachable now' };
      try {
        return { warehouses: await crm.referenceStores(), readable: true };
      } catch (e) {
        if (!(e instanceof CrmError) || e.httpStatus !== 403) throw e;
        return {
          warehouses: [],
          readable: false,
          message:
            'the CRM refused to list its warehouses: the API key lacks reference_read (allow it in the CRM’s API ' +
            'key settings, or type the warehouse codes)',
        };
      }
    },
  };
}

export type ShopSettings = ReturnType<typeof createShopSettings>;
