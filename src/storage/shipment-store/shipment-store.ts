import type { Claimed } from '../deliveries/deliveries';
export type ShipmentStatus = 'pending' | 'delivered' | 'failed';

export interface NewShipment {
  id: string;
  by: 'externalId' | 'id';
  ref: string;
  site: string;
  report: { shipped: boolean; shipmentStore: string; shipmentDate: string };
  /** The account whose shipments token sent it (its CRM gets the edit); default `default`. */
  account?: string;
}

export interface Shipment extends NewShipment {
  seq: number;
  status: ShipmentStatus;
  attempts: number;
  firstFailedAt: number | null;
  lastStatus: number | null;
  /** The CRM's last answer: `{errorMsg, errors}` on failure, `{id}` on success. */
  lastAnswer: Record<string, unknown> | null;
  createdAt: number;
  updatedAt: number;
  deliveredAt: number | null;
}

export interface ClaimedShipment extends Shipment {
  /** Fences every write of this claim's outcome. */
  token: number;
}

/** Shipment reports are events: each delivered once, in arrival order per order. Each method is one transaction. */
export interface ShipmentStore {
  /**
   * Store shipments in ONE transaction. With an idempotency key: a key seen before with the same body hash
   * returns the first call's ids and creates nothing; with another body hash it is a conflict.
   */
  create(
    items: NewShipment[],
    idem: { key: string; bodyHash: string } | null,
    now: number,
  ): Promise<{ ids: string[]; created: boolean } | { conflict: true }>;
  get(id: string): Promise<Shipment | undefined>;
  /**
   * Lease pending reports whose time has come and that no earlier pending report of the same order is ahead of
   * (seq order), each with a fresh token. ONE transaction.
   */
  claim(limit: number, now: number, leaseMs: number, owner: string): Promise<Claimed<ClaimedShipment>>;
  renew(id: string, token: number, until: number): Promise<boolean>;
  markDelivered(
    id: string,
    token: number,
    answer: Record<string, unknown>,
    status: number,
    now: number,
  ): Promise<boolean>;
  markRetry(
    id: string,
    token: number,
    nextAt: number,
    answer: Record<string, unknown>,
    status: number | null,
    now: number,
  ): Promise<boolean>;
  markFailed(
    id: string,
    token: number,
    answer: Record<string, unknown>,
    status: number | null,
    now: number,
  ): Promise<boolean>;
  /** Operator retry of one failed report (or all with null); returns count. */
  /** Failed reports of one account (default `default`) back to pending: one, or all of them. */
  retry(id: string | null, now: number, account?: string): Promise<number>;
  /** One account's reports (default `default`) in this status, newest first. */
  list(status: ShipmentStatus, limit: number, account?: string): Promise<Shipment[]>;
  nextAt(): Promise<number | null>;
}
