import type { Logger } from 'pino';
import type { CrmClient } from '../integrations/retailcrm/crm-client';
import type { OfferRef, OrderRef } from '../intake/read-inventories-callback';
import type { Metrics } from '../metrics/create-metrics';
import type { Figures, LastKnownStock } from './last-known-stock';
import { readOrderOffers } from './order-offers';
import type { AnswerSource, LookupSource, SharedLookups } from './shared-lookups';
import type { SourceSnapshots } from './source-snapshots';

export interface AnsweredOffer extends OfferRef {
  stores: Array<{ code: string; available: number; purchasePrice?: number }>;
}

/** Where a source's figures for an offer came from: its list, its one-offer lookup, the hub's record, nowhere. */
export type AnswerFrom = 'snapshot' | 'lookup' | 'last-known' | 'unknown';
/** Per source, how many of the offers asked were answered from where (for the capture). */
export type AnswerSources = Record<string, Partial<Record<AnswerFrom, number>>>;

export interface AnswerService {
  /** Stock for the offers asked about (or the order's offers), within the deadline; unknown offers are left out. */
  answer(question: {
    questions: readonly OfferRef[];
    orderToRead?: OrderRef;
  }): Promise<{ offers: AnsweredOffer[]; from: AnswerSources }>;
}

const LATE = Symbol('late');
type Late = typeof LATE;

const refKey = (r: OfferRef) => `${r.id ?? ''}\u0000${r.externalId ?? ''}\u0000${r.xmlId ?? ''}`;

function unique(refs: readonly OfferRef[]): OfferRef[] {
  const seen = new Map<string, OfferRef>();
  for (const r of refs) {
    const k = refKey(r);
    if (!seen.has(k)) seen.set(k, r);
  }
  return [...seen.values()];
}

export function createAnswerService(deps: {
  sources: readonly AnswerSource[];
  lookups: SharedLookups;
  snapshots: SourceSnapshots;
  stock: LastKnownStock;
  crm: CrmClient;
  site: string;
  deadlineMs: number;
  log: Logger;
  metrics: Metrics;
}): AnswerService {
  const noFigures = Promise.resolve(new Map<string, Figures>());
  /** The hub's last known figures from `source` for the keys (read beside a request: at the deadline the answer is
   * only assembled). */
  function lastKnownOf(source: AnswerSource, keys: Array<string | undefined>): Promise<Map<string, Figures>> {
    const known = keys.filter((k): k is string => k !== undefined);
    if (known.length === 0) return noFigures;
    const p = deps.stock.fromSource(source.name, known);
    p.catch(() => undefined);
    return p;
  }

  /** One source's figures for the keys, and where each came from; counted once per outcome. */
  function settle(
    source: AnswerSource,
    keys: Array<string | undefined>,
    figures: Array<Figures | undefined>,
    from: Array<AnswerFrom | undefined>,
    tally: AnswerSources,
  ): Array<Figures | undefined> {
    const counts: Partial<Record<AnswerFrom, number>> = {};
    for (const f of from) if (f) counts[f] = (counts[f] ?? 0) + 1;
    for (const [outcome, n] of Object.entries(counts)) deps.metrics.answers.inc({ source: source.name, outcome }, n);
    if (keys.some((k) => k !== undefined)) tally[source.name] = counts;
    return figures;
  }

  /** A list source: its snapshot if recent, else the next one if it comes in time, else the last known figures. */
  async function fromList(
    source: Extract<AnswerSource, { list: unknown }>,
    refs: OfferRef[],
    keys: Array<string | undefined>,
    late: Promise<Late>,
    tally: AnswerSources,
  ): Promise<Array<Figures | undefined>> {
    let snap = deps.snapshots.current(source.name);
    let lastKnown = noFigures;
    if (!snap && keys.some((k) => k !== undefined)) {
      lastKnown = lastKnownOf(source, keys);
      const got = await Promise.race([deps.snapshots.next(source.name, source.list), late]).catch((): Late => LATE);
      if (got !== LATE) snap = got;
    }
    const figures: Array<Figures | undefined> = [];
    const from: Array<AnswerFrom | undefined> = [];
    const last = snap ? undefined : await lastKnown;
    keys.forEach((key, i) => {
      if (key === undefined) return void (figures.push(undefined), from.push(undefined));
      // In the snapshot's list or not, the source has spoken: an offer it does not list is unknown to it.
      const f = snap ? snap.items.get(key) : last!.get(key);
      if (f && snap) deps.lookups.record(source, key, refs[i], f);
      figures.push(f);
      from.push(f ? (snap ? 'snapshot' : 'last-known') : 'unknown');
    });
    return settle(source, keys, figures, from, tally);
  }

  /** A one-offer source: its lookups (shared with concurrent questions), the last known where late or failed. */
  async function fromLookups(
    source: LookupSource,
    refs: OfferRef[],
    keys: Array<string | undefined>,
    late: Promise<Late>,
    tally: AnswerSources,
  ): Promise<Array<Figures | undefined>> {
    const lastKnown = lastKnownOf(source, keys);
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
    const last = fresh.some((f) => f === LATE) ? await lastKnown : new Map<string, Figures>();
    const from = fresh.map((f, i): AnswerFrom | undefined =>
      keys[i] === undefined
        ? undefined
        : f === LATE
          ? last.has(keys[i])
            ? 'last-known'
            : 'unknown'
          : f
            ? 'lookup'
            : 'unknown',
    );
    const figures = fresh.map((f, i) => (f === LATE ? last.get(keys[i]!) : (f ?? undefined)));
    return settle(source, keys, figures, from, tally);
  }

  function fromSource(source: AnswerSource, refs: OfferRef[], late: Promise<Late>, tally: AnswerSources) {
    const keys = refs.map((r) => (r[source.offerKey] === undefined ? undefined : String(r[source.offerKey])));
    return 'list' in source ? fromList(source, refs, keys, late, tally) : fromLookups(source, refs, keys, late, tally);
  }

  async function figuresFor(
    refs: OfferRef[],
    late: Promise<Late>,
    tally: AnswerSources,
  ): Promise<Array<Figures | undefined>> {
    if (deps.sources.length === 0) return await Promise.all(refs.map((r) => deps.stock.received(r)));
    const perSource = await Promise.all(deps.sources.map((s) => fromSource(s, refs, late, tally)));
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
        const from: AnswerSources = {};
        const figures = await figuresFor(refs, late, from);
        const offers = refs.flatMap((ref, i) => {
          const f = figures[i];
          if (!f || Object.keys(f).length === 0) return [];
          return [{ ...ref, stores: Object.entries(f).map(([code, available]) => ({ code, available })) }];
        });
        return { offers, from };
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
