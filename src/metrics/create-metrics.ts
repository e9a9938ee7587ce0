import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { OUTCOME } from './outcomes';

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
  let sampleTargets: () => Promise<TargetGaugeSample[]> = () => Promise.resolve([]);
  const callbacks = new Counter({
    name: 'stockbridge_callbacks_total',
    help: 'CRM callbacks by kind and outcome',
    labelNames: ['kind', 'outcome'],
    registers: [registry],
  });
  const deliveries = new Counter({
    name: 'stockbridge_deliveries_total',
    help: 'Delivery attempts by target and outcome',
    labelNames: ['target', 'outcome'],
    registers: [registry],
  });
  const deliveryLatency = new Histogram({
    name: 'stockbridge_delivery_latency_seconds',
    help: 'From an item becoming due to its write being accepted',
    labelNames: ['target'],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800],
    registers: [registry],
  });
  const shipments = new Counter({
    name: 'stockbridge_shipments_total',
    help: 'Shipment reports by outcome',
    labelNames: ['outcome'],
    registers: [registry],
  });
  const backlog = new Gauge({
    name: 'stockbridge_backlog_items',
    help: 'Items due for delivery, by target',
    labelNames: ['target'],
    registers: [registry],
  });
  const oldest = new Gauge({
    name: 'stockbridge_oldest_due_age_seconds',
    help: 'Age of the oldest due item, by target',
    labelNames: ['target'],
    registers: [registry],
  });
  const dead = new Gauge({
    name: 'stockbridge_dead_letters',
    help: 'Dead-lettered items, by target',
    labelNames: ['target'],
    registers: [registry],
  });
  const projectorLag = new Gauge({
    name: 'stockbridge_projector_lag_callbacks',
    help: 'Accepted callbacks not yet projected into desired state',
    registers: [registry],
  });
  const answers = new Counter({
    name: 'stockbridge_answer_lookups_total',
    help: "Offers looked up for the CRM's stock questions, by source and outcome (fresh, last-known, unknown)",
    labelNames: ['source', 'outcome'],
    registers: [registry],
  });
  let sampleLag: () => Promise<number> = () => Promise.resolve(0);
  const paused = new Gauge({
    name: 'stockbridge_target_paused',
    help: '1 when the target is paused',
    labelNames: ['target'],
    registers: [registry],
  });

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
