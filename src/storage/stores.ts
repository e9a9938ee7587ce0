import type { AccountStore } from './account-store/account-store';
import type { CallbackLog } from './callback-log/callback-log';
import type { Deliveries } from './deliveries/deliveries';
import type { HubState } from './hub-state/hub-state';
import type { Locks } from './locks/locks';
import type { ShipmentStore } from './shipment-store/shipment-store';
import type { SourceStore } from './source-store/source-store';
import type { StockState } from './stock-state/stock-state';

export type * from './account-store/account-store';
export type * from './callback-log/callback-log';
export type * from './deliveries/deliveries';
export type * from './hub-state/hub-state';
export type * from './locks/locks';
export type * from './shipment-store/shipment-store';
export type * from './source-store/source-store';
export type {
  StockState,
  StockFigure,
  OfferKey,
  UnmappedOffer,
  ProjectionPlan,
  ApplyResult,
} from './stock-state/stock-state';
export { DuePriority } from './stock-state/stock-state';

/** One CRM warehouse's figure as a target's write is built from it (after the target's mapping). */
export interface TargetFigure {
  warehouse: string;
  quantity: number;
  version: number;
}

/**
 * Every store of one driver over one database. Services take only the stores they use; this bundle is what a
 * driver opens and closes. Free of driver types; a conformance suite per store (test/integration/storage/
 * conformance/) runs against each driver.
 */
export interface Stores {
  readonly driver: string;
  readonly callbackLog: CallbackLog;
  readonly stock: StockState;
  readonly deliveries: Deliveries;
  readonly shipments: ShipmentStore;
  readonly sources: SourceStore;
  readonly locks: Locks;
  readonly hubState: HubState;
  /** Accounts connected at runtime (file-declared ones are never stored). */
  readonly accounts: AccountStore;
  /** Cheap round trip (readiness). */
  ping(): Promise<void>;
  /** Waits for pending group commits, then closes. */
  close(): Promise<void>;
}

/** How a conformance suite gets a fresh, empty set of stores; `dispose` closes them and removes what they made. */
export type OpenStores = () => Promise<{ stores: Stores; reopen: () => Promise<Stores>; dispose: () => Promise<void> }>;
