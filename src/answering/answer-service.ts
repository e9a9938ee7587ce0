import type { Logger } from 'pino';
import type { CrmClient } from '../integrations/retailcrm/crm-client';
import type { OfferRef, OrderRef } from '../intake/read-inventories-callback';
import type { Metrics } from '../metrics/create-metrics';
import type { Figures, LastKnownStock } from './last-known-stock';
import { readOrderOffers } from './order-offers';
import type { LookupSource, SharedLookups } from './shared-lookups';

export interface AnsweredOffer extends OfferRef {
  stores: Array<{ code: string; available: number; purchasePrice?: number }>;
}

export interface AnswerService {
  /** Stock for the offers asked about (or the order's offers), within the deadline; unknown offers are left out. */
  answer(question: { questions: readonly OfferRef[]; orderToRead?: OrderRef }): Promise<AnsweredOffer[]>;
}

const LATE = Symbol('late');
type Late = typeof LATE;

const refKey = (r: OfferRef) => `${r.id ?? ''}\u0000${r.externalId ?? ''}\u0000${r.xmlId ?? ''}`;

function unique(refs: readonly OfferRef[]): OfferRef[] {
  const seen = new Map<string, OfferRef>();
  for (const r of refs) if (!seen.has(refKey(r))) seen.set(refKey(r), r);
  return [...seen.values()];
}

export function createAnswerService(deps: {
  sources: readonly LookupSource[];
  lookups: SharedLookups;
  stock: LastKnownStock;
  crm: CrmClient;
  site: string;
  deadlineMs: number;
  log: Logger;
  metrics: Metrics;
}): AnswerService {
  /** One source's figures for the refs: fresh where it answered in time, its last known figures otherwise. */
  async function fromSource(
    source: LookupSource,
    refs: OfferRef[],
    late: Promise<Late>,
  ): Promise<Array<Figures | undefined>> {
    const keys = refs.map((r) => (r[source.offerKey] === undefined ? undefined : String(r[source.offerKey])));
    // Read the last known figures now, beside the lookups: at the deadline the answer is only assembled.
    const known = keys.filter((k): k is string => k !== undefined);
    const lastKnown = known.length
      ? deps.stock.fromSource(source.name, known)
      : Promise.resolve(new Map<string, Figures>());
    lastKnown.catch(() => undefined);
    const fresh = await Promise.all(
      keys.map((key, i) =>
        key === undefined
          ? Promise.resolve(null)
          : Promise.race([deps.lookups.get(source, key, refs[i]), late]).catch((err: Error): Late => {
              deps.log.warn(
                { source: source.name, reason: err.message },
                'source lookup failed; answering from last known',
              );
              return LATE;
            }),
      ),
    );
    const missed = fresh.some((f) => f === LATE);
    const last: Map<string, Figures> = missed ? await lastKnown : new Map<string, Figures>();
    return fresh.map((f, i) => {
      const outcome = f === LATE ? (last.has(keys[i]!) ? 'last-known' : 'unknown') : f ? 'fresh' : 'unknown';
      if (keys[i] !== undefined) deps.metrics.answers.inc({ source: source.name, outcome });
      return f === LATE ? last.get(keys[i]!) : (f ?? undefined);
    });
  }

  async function figuresFor(refs: OfferRef[], late: Promise<Late>): Promise<Array<Figures | undefined>> {
    if (deps.sources.length === 0) return await Promise.all(refs.map((r) => deps.stock.received(r)));
    const perSource = await Promise.all(deps.sources.map((s) => fromSource(s, refs, late)));
    // Sources merge in config order: a later source's figure for the same CRM warehouse wins.
    return refs.map((_, i) => {
      const known = perSource.map((figures) => figures[i]).filter((f): f is Figures => f !== undefined);
      return known.length ? known.reduce<Figures>((all, f) => ({ ...all, ...f }), {}) : undefined;
    });
  }

  return {
    async answer({ questions, orderToRead }) {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<Late>((resolve) => (timer = setTimeout(() => resolve(LATE), deps.deadlineMs)));
      try {
        let refs = [...questions];
        if (orderToRead) {
          const read = await Promise.race([readOrderOffers(deps.crm, orderToRead, deps.site), late]).catch(
            (err: Error) => {
              deps.log.warn(
                { reason: err.message },
                'could not read the order the CRM asked about; answering no offers',
              );
              return [];
            },
          );
          refs = read === LATE ? [] : [...refs, ...read];
        }
        refs = unique(refs);
        const figures = await figuresFor(refs, late);
        return refs.flatMap((ref, i) => {
          const f = figures[i];
          if (!f || Object.keys(f).length === 0) return [];
          return [{ ...ref, stores: Object.entries(f).map(([code, available]) => ({ code, available })) }];
        });
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
