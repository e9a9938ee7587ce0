import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { OUTCOME } from '../domain/outcomes';

export interface TargetGaugeSample {
  target: string;
  /** The target's account (its label value is bounded, see accountLabel). */
  account?: string;
  backlog: number;
  oldestDueAgeSeconds: number;
  dead: number;
  paused: boolean;
}

/**
 * Accounts that get their own `account` label value: the first this many seen; any later one is `other`, so a hub
 * of thousands of accounts keeps a bounded number of series (the `target` label names them anyway).
 */
export const MAX_ACCOUNT_LABELS = 100;
/** Distinct `warehouse` values of stockbridge_unmapped_figures_total across every account; later ones are (other). */
const MAX_UNMAPPED_LABELS = 200;

/** One registry per app (never prom-client's global), so tests and several apps in one process do not collide. */
export function createMetrics() {
  const registry = new Registry();
  const counter = <T extends string>(name: string, help: string, labelNames: readonly T[]) =>
    new Counter<T>({ name, help, labelNames, registers: [registry] });
  const gauge = <T extends string>(name: string, help: string, labelNames?: readonly T[]) =>
    new Gauge<T>({ name, help, ...(labelNames ? { labelNames } : {}), registers: [registry] });
  let sampleTargets: () => Promise<TargetGaugeSample[]> = () => Promise.resolve([]);
  const labelled = new Set<string>();
  /** The `account` label value of an account: its name for the first MAX_ACCOUNT_LABELS, then `other`. */
  const accountLabel = (name: string): string => {
    if (labelled.has(name)) return name;
    if (labelled.size >= MAX_ACCOUNT_LABELS) return 'other';
    labelled.add(name);
    return name;
  };
  const callbacks = counter('stockbridge_callbacks_total', 'CRM callbacks by account, kind and outcome', [
    'account',
    'kind',
    'outcome',
  ]);
  const deliveries = counter('stockbridge_deliveries_total', 'Delivery attempts by account, target and outcome', [
    'account',
    'target',
    'outcome',
  ]);
  const deliveryLatency = new Histogram({
    name: 'stockbridge_delivery_latency_seconds',
    help: 'From an item becoming due to its write being accepted',
    labelNames: ['target'],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800],
    registers: [registry],
  });
  const shipments = counter('stockbridge_shipments_total', 'Shipment reports by outcome', ['outcome']);
  const backlog = gauge('stockbridge_backlog_items', 'Items due for delivery, by account and target', [
    'account',
    'target',
  ]);
  const oldest = gauge('stockbridge_oldest_due_age_seconds', 'Age of the oldest due item, by account and target', [
    'account',
    'target',
  ]);
  const dead = gauge('stockbridge_dead_letters', 'Dead-lettered items, by account and target', ['account', 'target']);
  const projectorLag = gauge(
    'stockbridge_projector_lag_callbacks',
    'Accepted callbacks not yet projected into desired state',
  );
  const answers = counter(
    'stockbridge_answer_lookups_total',
    "Offers looked up for the CRM's stock questions, by source and outcome (snapshot, lookup, last-known, unknown)",
    ['source', 'outcome'],
  );
  const unmappedCounter = counter(
    'stockbridge_unmapped_figures_total',
    'CRM figures for warehouses no target maps (stored and shown, never sent), by warehouse (first 50, then (other))',
    ['warehouse'],
  );
  // Every account counts its own unmapped warehouses (first 50 each): the label values are bounded across all of
  // them too, so a hub of many accounts keeps a bounded number of series.
  const unmappedSeen = new Set<string>();
  const unmappedFigures = {
    inc({ warehouse }: { warehouse: string }) {
      if (!unmappedSeen.has(warehouse) && unmappedSeen.size >= MAX_UNMAPPED_LABELS) warehouse = '(other)';
      else unmappedSeen.add(warehouse);
      unmappedCounter.inc({ warehouse });
    },
  };
  let sampleLag: () => Promise<number> = () => Promise.resolve(0);
  const paused = gauge('stockbridge_target_paused', '1 when the target is paused, by account and target', [
    'account',
    'target',
  ]);

  return {
    registry,
    accountLabel,
    callbacks,
    deliveries,
    deliveryLatency,
    shipments,
    /** Writes a target accepted since start-up: the dashboard turns two readings into a delivery rate. */
    async deliveredTotal(target: string): Promise<number> {
      const v = (await deliveries.get()).values.find(
        (x) => x.labels.target === target && x.labels.outcome === OUTCOME.delivered,
      );
      return v?.value ?? 0;
    },
    answers,
    unmappedFigures,
    setTargetSampler(fn: () => Promise<TargetGaugeSample[]>) {
      sampleTargets = fn;
    },
    setLagSampler(fn: () => Promise<number>) {
      sampleLag = fn;
    },
    async render(): Promise<{ contentType: string; body: string }> {
      for (const s of await sampleTargets()) {
        const labels = { target: s.target, account: accountLabel(s.account ?? 'default') };
        backlog.set(labels, s.backlog);
        oldest.set(labels, s.oldestDueAgeSeconds);
        dead.set(labels, s.dead);
        paused.set(labels, s.paused ? 1 : 0);
      }
      projectorLag.set(await sampleLag());
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
