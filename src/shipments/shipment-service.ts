import crypto from 'node:crypto';
import { AppError } from '../domain/app-error';
import type { Config } from '../config/config-types';
import type { Shipment, ShipmentStore } from '../storage/stores';
import type { ShipmentInput } from './normalize-shipments';
import { isoTime as iso } from '../domain/iso-time';
import { DEFAULTS } from '../compose/defaults';
import { DEFAULT_ACCOUNT, qualify } from '../accounts/account-names';

export function shipmentView(s: Shipment) {
  return {
    id: s.id,
    status: s.status,
    order: { [s.by === 'id' ? 'orderId' : 'orderExternalId']: s.ref, site: s.site },
    report: s.report,
    attempts: s.attempts,
    lastStatus: s.lastStatus,
    lastAnswer: s.lastAnswer,
    createdAt: iso(s.createdAt),
    updatedAt: iso(s.updatedAt),
    deliveredAt: iso(s.deliveredAt),
  };
}

/**
 * What an Idempotency-Key is checked against: the normalised reports (fields in a fixed order, defaults filled
 * in), not the raw JSON, so the same report with its keys in another order is the same report. `many` is part of
 * it because it decides the answer's shape.
 */
export function reportsHash(items: readonly ShipmentInput[], many: boolean): string {
  const canonical = items.map((s) => [
    s.by,
    s.ref,
    s.site,
    s.report.shipped,
    s.report.shipmentStore,
    s.report.shipmentDate,
  ]);
  return crypto
    .createHash('sha256')
    .update(JSON.stringify([many, canonical]))
    .digest('hex');
}

/** Accepts shipment reports (durably, idempotently) and shows them; delivery is the shipment worker's. */
export function createShipmentService(deps: {
  shipments: ShipmentStore;
  config: Config;
  onCreated?: () => void;
  /** The account whose reports these are (ids, Idempotency-Keys and order streams are per account). */
  account?: string;
}) {
  const account = deps.account ?? DEFAULT_ACCOUNT;
  /** Another account's report is not found here (404), whatever its id. */
  const own = async (id: string) => {
    const s = await deps.shipments.get(id);
    return s && (s.account ?? DEFAULT_ACCOUNT) === account ? s : undefined;
  };
  return {
    async submit(items: ShipmentInput[], idempotencyKey: string | undefined, many = false) {
      const records = items.map((s) => ({ ...s, account, id: `shp_${crypto.randomBytes(8).toString('hex')}` }));
      const idem = idempotencyKey
        ? { key: qualify(account, idempotencyKey), bodyHash: reportsHash(items, many) }
        : null;
      let res;
      try {
        res = await deps.shipments.create(records, idem, Date.now());
      } catch {
        throw new AppError(503, 'storage is unavailable; nothing was stored, please retry', { code: 'storage' });
      }
      if ('conflict' in res)
        throw new AppError(
          422,
          'this Idempotency-Key was already used with a different body; use a new key for a new report',
          { code: 'idempotency' },
        );
      if (res.created) deps.onCreated?.();
      const shown = await Promise.all(res.ids.map((id) => own(id)));
      return {
        created: res.created,
        shipments: shown.filter((s): s is Shipment => !!s).map((s) => ({ id: s.id, status: s.status })),
      };
    },
    async get(id: string) {
      const s = await own(id);
      if (!s) throw new AppError(404, `no shipment ${id}`, { code: 'not-found' });
      return shipmentView(s);
    },
    /** This account's reports in a status, newest first. */
    async list(status: 'pending' | 'failed' | 'delivered', limit: number = DEFAULTS.admin.listLimit) {
      return (await deps.shipments.list(status, limit, account)).map(shipmentView);
    },
    async failures(limit: number = DEFAULTS.admin.listLimit) {
      return (await deps.shipments.list('failed', limit, account)).map(shipmentView);
    },
    async retry(id: string | null) {
      const n = await deps.shipments.retry(id, Date.now(), account);
      if (id !== null && n === 0)
        throw new AppError(404, `shipment ${id} is not a failed report`, { code: 'not-found' });
      deps.onCreated?.();
      return { retried: n };
    },
  };
}

export type ShipmentService = ReturnType<typeof createShipmentService>;
