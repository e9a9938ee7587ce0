import type { AdminService } from '../admin/admin-service';
import type { InventoriesCallbackService } from '../intake/inventories-callback-service';
import type { ShipmentService } from '../shipments/shipment-service';
import type { ActivityService } from './activity-service';
import type { UnmappedWarehouses } from '../intake/unmapped-warehouses';
import type { Account } from './account-registry';
import { fileAccountUrl } from './follow-system-url';

/** What the HTTP edge reaches of one account: each built over that account's targets, sources, CRM and rows. */
export interface AccountServices {
  readonly account: Account;
  readonly callbacks: InventoriesCallbackService;
  readonly activity: ActivityService;
  readonly shipments: ShipmentService;
  /** Target and source names are the account's own (see scope-admin). */
  readonly admin: AdminService;
  /** CRM warehouses this account's figures name and none of its targets maps (this instance, since it started). */
  readonly unmappedWarehouses?: UnmappedWarehouses;
}

/** `GET /admin/accounts[/{name}]`: one account and its state. Never a secret (no key, clientId or token). */
export interface AccountView {
  name: string;
  origin: 'file' | 'connected';
  crm: { url: string; site: string };
  /** Delivering: its CRM says active and not frozen, and no operator deactivated it. */
  active: boolean;
  frozen: boolean;
  /** An operator deactivated it (a connected account): its stock is held whatever its CRM says. */
  deactivated: boolean;
  /** The URL the CRM's last activity callback gave, when it differs from the configured one. */
  systemUrl: string | null;
  /**
   * What the operator should know about the account's address: a file-declared account the hub followed its CRM
   * to a new address (update the file), a systemUrl not followed and why.
   */
  warnings: string[];
  targets: Array<{ name: string; type: string; state: string; backlog: number; dead: number; paused: boolean }>;
  sources: Array<{ name: string; type: string }>;
  lastCallbackAt: string | null;
}

/** The view of one account (its activity, its targets' backlog and pause state, its last callback). */
export async function describeAccount(
  s: AccountServices,
  lastCallbackAt: number | null,
  url: { fileUrl?: string; allowedHosts: readonly string[] },
): Promise<AccountView> {
  const { account } = s;
  const [state, targets] = await Promise.all([s.activity.get(), s.admin.listTargets()]);
  const moved = url.fileUrl === undefined ? null : fileAccountUrl(url.fileUrl, state, url.allowedHosts).warning;
  return {
    name: account.name,
    origin: account.origin,
    crm: { url: account.config.crm.url, site: account.config.crm.site },
    active: account.enabled && state.active && !state.freeze,
    frozen: state.freeze,
    deactivated: !account.enabled,
    systemUrl: state.systemUrl && state.systemUrl !== account.config.crm.url ? state.systemUrl : null,
    warnings: [moved, state.urlProblem ?? null].filter((w): w is string => w !== null),
    targets: targets.map((t) => ({
      name: t.name,
      type: t.type,
      state: t.state,
      backlog: t.backlog,
      dead: t.dead,
      paused: t.state === 'paused',
    })),
    sources: account.config.sources.map((x) => ({ name: x.name, type: x.type })),
    lastCallbackAt: lastCallbackAt === null ? null : new Date(lastCallbackAt).toISOString(),
  };
}
