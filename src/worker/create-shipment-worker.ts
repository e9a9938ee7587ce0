import crypto from 'node:crypto';
import type { Logger } from 'pino';
import type { Config } from '../config/config-types';
import type { CrmClient } from '../crm/crm-client';
import { CrmError } from '../crm/crm-error';
import { createInFlight } from './in-flight';
import { retryOrGiveUp } from './retry-policy';
import { createWakeSignal } from './wake-signal';
import type { Metrics } from '../metrics/create-metrics';
import type { Shipment, Storage } from '../storage/storage';
import { OUTCOME } from '../metrics/outcomes';

export interface ShipmentWorker {
  start(): void;
  stop(): Promise<void>;
  wake(): void;
}

/**
 * Sends shipment reports as order edits through the shared CRM client (one API key, one 10 rps budget).
 * Different orders go in parallel; one order's reports go one at a time in arrival order (the claim query).
 */
export function createShipmentWorker(deps: {
  storage: Storage;
  crm: CrmClient;
  log: Logger;
  metrics: Metrics;
  settings: Config['worker'];
  shipments: Config['shipments'];
  concurrency?: number;
  owner?: string;
}): ShipmentWorker {
  const owner = deps.owner ?? `${process.pid}-${crypto.randomUUID().slice(0, 8)}`;
  const concurrency = deps.concurrency ?? 4;
  const policy = { baseMs: deps.settings.backoffBaseMs, maxMs: deps.settings.backoffMaxMs };
  let stopping = false;
  let running: Promise<void> | null = null;
  const inflight = createInFlight();
  const signal = createWakeSignal();

  async function send(s: Shipment) {
    const log = deps.log.child({ shipment: s.id, order: s.ref, by: s.by });
    const started = Date.now();
    try {
      const answer = await deps.crm.editOrder({ ref: s.ref, by: s.by, site: s.site, order: s.report });
      await deps.storage.markShipmentDelivered(s.id, { id: answer.id ?? null }, 200, Date.now());
      deps.metrics.shipments.inc({ outcome: OUTCOME.delivered });
      log.info({ outcome: OUTCOME.delivered, ms: Date.now() - started, attempt: s.attempts + 1 }, 'shipment reported');
    } catch (err) {
      if (!(err instanceof CrmError)) throw err;
      const now = Date.now();
      const answer = { errorMsg: err.errorMsg ?? err.message, ...(err.errors ? { errors: err.errors } : {}) };
      const attempt = s.attempts + 1;
      const next = err.retryable
        ? retryOrGiveUp(s, deps.shipments, policy, now, err.retryAfterMs)
        : { giveUp: 'not retryable' };
      if ('retryAt' in next) {
        await deps.storage.markShipmentRetry(s.id, next.retryAt, answer, err.httpStatus || null, now);
        deps.metrics.shipments.inc({ outcome: OUTCOME.retry });
        log.warn(
          {
            outcome: OUTCOME.retry,
            kind: err.kind,
            status: err.httpStatus,
            attempt,
            retryInMs: next.retryAt - now,
            reason: err.message,
          },
          'shipment report will be retried',
        );
      } else {
        await deps.storage.markShipmentFailed(s.id, answer, err.httpStatus || null, now);
        deps.metrics.shipments.inc({ outcome: OUTCOME.failed });
        log.error(
          {
            outcome: OUTCOME.failed,
            kind: err.kind,
            status: err.httpStatus,
            attempt,
            reason: `${err.message} (${next.giveUp})`,
          },
          'shipment report failed; fix the cause, then retry it from the admin API',
        );
      }
    }
  }

  async function loop() {
    while (!stopping) {
      signal.reset();
      let waitMs = deps.settings.pollMs;
      try {
        if (inflight.count < concurrency) {
          const claimed = await deps.storage.claimShipments(
            concurrency - inflight.count,
            Date.now(),
            deps.settings.leaseMs,
            owner,
          );
          for (const s of claimed) {
            inflight.track(
              send(s).catch((e: Error) =>
                deps.log.error(
                  { shipment: s.id, err: e.message },
                  'shipment bookkeeping failed; the lease expires and it is retried',
                ),
              ),
              signal.notify,
            );
          }
          if (claimed.length === 0) {
            const next = await deps.storage.nextShipmentAt();
            if (next !== null) waitMs = Math.max(5, Math.min(waitMs, next - Date.now()));
          }
        }
      } catch (e) {
        deps.log.error({ err: (e as Error).message }, 'could not claim shipments; retrying');
      }
      await signal.wait(waitMs);
    }
  }

  return {
    start() {
      running = loop();
    },
    wake: signal.notify,
    async stop() {
      stopping = true;
      signal.notify();
      await running;
      await inflight.drained(deps.settings.drainMs);
    },
  };
}
