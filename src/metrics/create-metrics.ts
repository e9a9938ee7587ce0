import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { OUTCOME } from '../domain/outcomes';

export interface TargetGaugeSample {
  target: string;
  backlog: number;
  oldestDueAgeSeconds: number;
  dead: number;
  paused: boolean;
}

/** One registry per app (never prom-client's global), so tests and several apps in one process do not collide. */
export function createMetrics() {
  const registry = new Registry();
  const counter = <T extends string>(name: string, help: string, labelNames: readonly T[]) =>
    new Counter<T>({ name, help, labelNames, registers: [registry] });
  const gauge = <T extends string>(name: string, help: string, labelNames?: readonly T[]) =>
    new Gauge<T>({ name, help, ...(labelNames ? { labelNames } : {}), registers: [registry] });
  let sampleTargets: () => Promise<TargetGaugeSample[]> = () => Promise.resolve([]);
  const callbacks = counter('stockbridge_callbacks_total', 'CRM callbacks by kind and outcome', ['kind', 'outcome']);
  const deliveries = counter('stockbridge_deliveries_total', 'Delivery attempts by target and outcome', [
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
  const backlog = gauge('stockbridge_backlog_items', 'Items due for delivery, by target', ['target']);
  const oldest = gauge('stockbridge_oldest_due_age_seconds', 'Age of the oldest due item, by target', ['target']);
  const dead = gauge('stockbridge_dead_letters', 'Dead-lettered items, by target', ['target']);
  const projectorLag = gauge(
    'stockbridge_projector_lag_callbacks',
    'Accepted callbacks not yet projected into desired state',
  );
  const answers = counter(
    'stockbridge_answer_lookups_total',
    "Offers looked up for the CRM's stock questions, by source and outcome (snapshot, lookup, last-known, unknown)",
    ['source', 'outcome'],
  );
  let sampleLag: () => Promise<number> = () => Promise.resolve(0);
  const paused = gauge('stockbridge_target_paused', '1 when the target is paused', ['target']);

  return {
    registry,
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
    setTargetSampler(fn: () => Promise<TargetGaugeSample[]>) {
      sampleTargets = fn;
    },
    setLagSampler(fn: () => Promise<number>) {
      sampleLag = fn;
    },
    async render(): Promise<{ contentType: string; body: string }> {
      for (const s of await sampleTargets()) {
        backlog.set({ target: s.target }, s.backlog);
        oldest.set({ target: s.target }, s.oldestDueAgeSeconds);
        dead.set({ target: s.target }, s.dead);
        paused.set({ target: s.target }, s.paused ? 1 : 0);
      }
      projectorLag.set(await sampleLag());
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
