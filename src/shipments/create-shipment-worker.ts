import crypto from 'node:crypto';
import type { Logger } from 'pino';
import type { Config } from '../config/config-types';
import type { CrmClient } from '../integrations/retailcrm/crm-client';
import { CrmError } from '../integrations/retailcrm/crm-error';
import type { Metrics } from '../metrics/create-metrics';
import { OUTCOME } from '../domain/outcomes';
import type { ClaimedShipment, ShipmentStore } from '../storage/stores';
import { createClaimLoop, type ClaimLoop } from '../delivery/claim-loop';
import { keepLease } from '../delivery/keep-lease';
import { retryOrGiveUp } from '../domain/retry-policy';

export interface ShipmentWorker {
  start(): void;
  stop(): Promise<void>;
  wake(): void;
}

interface ShipmentWorkerDeps {
  store: ShipmentStore;
  /** The CRM client of a report's account (each account's reports go to its own CRM, through its own limiter). */
  crmOf: (account: string) => CrmClient | undefined;
  log: Logger;
  metrics: Metrics;
  settings: Config['worker'];
  shipments: Config['shipments'];
  concurrency?: number;
  owner?: string;
}

/** A failed send: retried later (backoff or the CRM's Retry-After) or, past the limits, marked failed. */
async function recordFailure(
  deps: Pick<ShipmentWorkerDeps, 'store' | 'metrics' | 'shipments'>,
  policy: { baseMs: number; maxMs: number },
  s: ClaimedShipment,
  err: CrmError,
  log: Logger,
): Promise<boolean> {
  const store = deps.store;
  const now = Date.now();
  const answer = { errorMsg: err.errorMsg ?? err.message, ...(err.errors ? { errors: err.errors } : {}) };
  const attempt = s.attempts + 1;
  const next = err.retryable
    ? retryOrGiveUp(s, deps.shipments, policy, now, err.retryAfterMs)
    : { giveUp: 'not retryable' };
  if ('retryAt' in next) {
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
    return store.markRetry(s.id, s.token, next.retryAt, answer, err.httpStatus || null, now);
  }
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
  return store.markFailed(s.id, s.token, answer, err.httpStatus || null, now);
}

/**
 * Sends shipment reports as order edits through the shared CRM client (one API key, one 10 rps budget).
 * Different orders go in parallel; one order's reports go one at a time in arrival order (the claim query). The
 * lease is renewed while a report's send (with the client's own retries) is in progress, and every outcome write
 * is fenced by the claim's token, so a report is never sent again while its first send chain is still running.
 */
export function createShipmentWorker(deps: ShipmentWorkerDeps): ShipmentWorker {
  const owner = deps.owner ?? `${process.pid}-${crypto.randomUUID().slice(0, 8)}`;
  const concurrency = deps.concurrency ?? 4;
  const policy = { baseMs: deps.settings.backoffBaseMs, maxMs: deps.settings.backoffMaxMs };
  const store = deps.store;
  let stopping = false;

  async function send(s: ClaimedShipment) {
    const log = deps.log.child({ shipment: s.id, order: s.ref, by: s.by });
    const started = Date.now();
    const lost = () => log.warn('claim lost (lease expired); outcome not recorded');
    let recorded: boolean;
    try {
      const answer = await keepLease(
        deps.settings.leaseMs,
        (until) => store.renew(s.id, s.token, until),
        () => {
          const account = s.account ?? 'default';
          const crm = deps.crmOf(account);
          // Never another account's CRM: a report of an account no longer served fails, for an operator to see.
          if (!crm) throw new CrmError('refused', `its account "${account}" is not served by this hub`);
          return crm.editOrder({ ref: s.ref, by: s.by, site: s.site, order: s.report });
        },
        lost,
      );
      recorded = await store.markDelivered(s.id, s.token, { id: answer.id ?? null }, 200, Date.now());
      deps.metrics.shipments.inc({ outcome: OUTCOME.delivered });
      log.info({ outcome: OUTCOME.delivered, ms: Date.now() - started, attempt: s.attempts + 1 }, 'shipment reported');
    } catch (err) {
      if (!(err instanceof CrmError)) throw err;
      recorded = await recordFailure(deps, policy, s, err, log);
    }
    if (!recorded) lost();
  }

  const loop: ClaimLoop = createClaimLoop<ClaimedShipment>({
    log: deps.log,
    pollMs: deps.settings.pollMs,
    concurrency,
    claimLimit: () => concurrency - loop.inFlight,
    ready: () => !stopping,
    claim: (limit, now) => store.claim(limit, now, deps.settings.leaseMs, owner),
    run: (s) => send(s),
    // Queued reports were never sent: their leases simply lapse (an order's next report waits behind them).
    release: () => Promise.resolve(),
    nextDueAt: () => store.nextAt(),
    onOwnership: (mine) =>
      deps.log.info(mine ? 'this instance reports shipments now' : 'another instance reports shipments'),
    describe: (s) => ({ shipment: s.id }),
  });

  return {
    start: () => loop.start(),
    wake: () => loop.notify(),
    async stop() {
      stopping = true;
      await loop.stop();
      await loop.drained(deps.settings.drainMs);
    },
  };
}
