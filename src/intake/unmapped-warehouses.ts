import type { Logger } from 'pino';
import type { TargetConfig } from '../config/config-types';
import type { IntakeOffer } from '../domain/offer-types';
import { formatOfferLabel } from '../domain/offer-label';
import { isoTime as iso } from '../domain/iso-time';
import type { Metrics } from '../metrics/create-metrics';

/** Bounds: metric labels and remembered warehouses (a spray of codes must not grow memory or the scrape). */
const MAX_WAREHOUSES = 50;
const LAST_FIGURES = 20;
const WARN_EVERY_MS = 3600_000;
const OTHER = '(other)';

interface Seen {
  figures: number;
  firstSeenAt: number;
  lastSeenAt: number;
  lastWarnAt: number;
  /** Since the last warning. */
  sinceWarn: number;
  last: Array<{ offer: string; quantity: number; at: number }>;
}

/**
 * Figures the CRM sends for warehouses that no target maps (a misspelt code in a map looks just like this). They
 * are stored like any other (the item view shows them, see plan-projection.ts); here they are also counted
 * (`stockbridge_unmapped_figures_total{warehouse}`), logged at warn once per warehouse per hour with what to do,
 * and the last ones kept per warehouse for `GET /admin/unmapped-warehouses` (this instance, since it started).
 */
export function createUnmappedWarehouses(deps: {
  targets: readonly Pick<TargetConfig, 'warehouses'>[];
  metrics: Pick<Metrics, 'unmappedFigures'>;
  log: Logger;
  now?: () => number;
}) {
  const now = deps.now ?? Date.now;
  const mapped = new Set(deps.targets.flatMap((t) => Object.keys(t.warehouses)));
  const seen = new Map<string, Seen>();
  const record = (code: string, o: IntakeOffer, quantity: number, t: number) => {
    let s = seen.get(code);
    if (!s) {
      // Beyond the bound, one label for the rest: the metric still counts them, the log still says so.
      if (seen.size >= MAX_WAREHOUSES && code !== OTHER) return record(OTHER, o, quantity, t);
      seen.set(code, (s = { figures: 0, firstSeenAt: t, lastSeenAt: t, lastWarnAt: 0, sinceWarn: 0, last: [] }));
    }
    s.figures += 1;
    s.sinceWarn += 1;
    s.lastSeenAt = t;
    s.last.unshift({ offer: formatOfferLabel(o), quantity, at: t });
    if (s.last.length > LAST_FIGURES) s.last.pop();
    deps.metrics.unmappedFigures.inc({ warehouse: code });
    if (s.lastWarnAt === 0 || t - s.lastWarnAt >= WARN_EVERY_MS) {
      deps.log.warn(
        { warehouse: code, figures: s.sinceWarn },
        `figures for CRM warehouse "${code}" arrive, but no target maps it: they are stored and shown ` +
          '(GET /admin/unmapped-warehouses, the item view), never sent to a shop. If a shop should get them, add ' +
          `"${code}" to that target's warehouses in stockbridge.json (check the spelling of the codes) and restart`,
      );
      s.lastWarnAt = t;
      s.sinceWarn = 0;
    }
  };
  return {
    /** Whether any target maps this CRM warehouse code. */
    isMapped: (code: string) => mapped.has(code),
    /** Figures just accepted at intake. */
    observe(offers: readonly IntakeOffer[]): void {
      if (offers.length === 0) return;
      const t = now();
      for (const o of offers) for (const s of o.stores) if (!mapped.has(s.code)) record(s.code, o, s.available, t);
    },
    list() {
      return [...seen].map(([warehouse, s]) => ({
        warehouse,
        figures: s.figures,
        firstSeenAt: iso(s.firstSeenAt),
        lastSeenAt: iso(s.lastSeenAt),
        last: s.last.map((f) => ({ offer: f.offer, quantity: f.quantity, at: iso(f.at) })),
      }));
    },
  };
}

export type UnmappedWarehouses = ReturnType<typeof createUnmappedWarehouses>;
