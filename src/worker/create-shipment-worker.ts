import crypto from 'node:crypto';
import type { Logger } from 'pino';
import type { Config } from '../config/config-types';
import type { CrmClient } from '../crm/crm-client';
import { CrmError } from '../crm/crm-error';
import { backoffDelay } from '../http/backoff';
import type { Metrics } from '../metrics/create-metrics';
import type { Shipment, Storage } from '../storage/storage';

export interface ShipmentWorker { start(): void; stop(): Promise<void>; wake(): void }

/**
 * Sends shipment reports as order edits through the shared CRM client (one API key, one 10 rps budget).
 * Different orders go in parallel; one order's reports go one at a time in arrival order (the claim query).
 */
export function createShipmentWorker(deps: {
  storage: Storage; crm: CrmClient; log: Logger; metrics: Metrics;
  settings: Config['worker']; shipments: Config['shipments']; concurrency?: number; owner?: string;
}): ShipmentWorker {
  const owner = deps.owner ?? `${process.pid}-${crypto.randomUUID().slice(0, 8)}`;
  const concurrency = deps.concurrency ?? 4;
  const policy = { baseMs: deps.settings.backoffBaseMs, maxMs: deps.settings.backoffMaxMs };
  let stopping = false;
  let inflight = 0;
  let dirty = false;
  let waiter: (() => void) | null = null;
  let running: Promise<void> | null = null;
  let drainedWaiter: (() => void) | null = null;

  const wake = () => { dirty = true; const w = waiter; waiter = null; w?.(); };
  const wait = (ms: number) => new Promise<void>((resolve) => {
    if (dirty) return resolve();
    const t = setTimeout(() => { waiter = null; resolve(); }, ms);
    waiter = () => { clearTimeout(t); resolve(); };
  });

  async function send(s: Shipment) {
    const log = deps.log.child({ shipment: s.id, order: s.ref, by: s.by });
    const started = Date.now();
    try {
      const answer = await deps.crm.editOrder({ ref: s.ref, by: s.by, site: s.site, order: s.report });
      await deps.storage.markShipmentDelivered(s.id, { id: answer.id ?? null }, 200, Date.now());
      deps.metrics.shipments.inc({ outcome: 'delivered' });
      log.info({ ms: Date.now() - started, attempt: s.attempts + 1 }, 'shipment reported');
    } catch (err) {
      if (!(err instanceof CrmError)) throw err;
      const now = Date.now();
      const answer = { errorMsg: err.errorMsg ?? err.message, ...(err.errors ? { errors: err.errors } : {}) };
      const attempts = s.attempts + 1;
      const tooOld = now - (s.firstFailedAt ?? now) >= deps.shipments.maxAgeSeconds * 1000;
      if (err.retryable && attempts < deps.shipments.maxAttempts && !tooOld) {
        const nextAt = now + Math.max(err.retryAfterMs ?? 0, backoffDelay(attempts, policy));
        await deps.storage.markShipmentRetry(s.id, nextAt, answer, err.httpStatus || null, now);
        deps.metrics.shipments.inc({ outcome: 'retry' });
        log.warn({ kind: err.kind, status: err.httpStatus, attempt: attempts, retryInMs: nextAt - now, reason: err.message }, 'shipment report will be retried');
      } else {
        await deps.storage.markShipmentFailed(s.id, answer, err.httpStatus || null, now);
        deps.metrics.shipments.inc({ outcome: 'failed' });
        log.error({ kind: err.kind, status: err.httpStatus, attempt: attempts, reason: err.message }, 'shipment report failed; fix the cause, then retry it from the admin API');
      }
    }
  }

  async function loop() {
    while (!stopping) {
      dirty = false;
      let waitMs = deps.settings.pollMs;
      try {
        if (inflight < concurrency) {
          const claimed = await deps.storage.claimShipments(concurrency - inflight, Date.now(), deps.settings.leaseMs, owner);
          for (const s of claimed) {
            inflight++;
            void send(s)
              .catch((e: Error) => deps.log.error({ shipment: s.id, err: e.message }, 'shipment bookkeeping failed; the lease expires and it is retried'))
              .finally(() => { inflight--; wake(); if (inflight === 0) drainedWaiter?.(); });
          }
          if (claimed.length === 0) {
            const next = await deps.storage.nextShipmentAt();
            if (next !== null) waitMs = Math.max(5, Math.min(waitMs, next - Date.now()));
          }
        }
      } catch (e) {
        deps.log.error({ err: (e as Error).message }, 'could not claim shipments; retrying');
      }
      await wait(waitMs);
    }
  }

  return {
    start() { running = loop(); },
    wake,
    async stop() {
      stopping = true;
      wake();
      await running;
      if (inflight > 0) {
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, deps.settings.drainMs);
          drainedWaiter = () => { clearTimeout(t); resolve(); };
        });
      }
    },
  };
}
