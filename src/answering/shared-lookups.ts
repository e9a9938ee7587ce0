import type { Logger } from 'pino';
import type { OfferKey } from '../config/config-types';
import type { Intake } from '../intake/create-intake';
import type { IntakeOffer } from '../domain/offer-types';
import type { OfferRef } from '../intake/read-inventories-callback';
import type { SourceList, SourceLookup } from '../integrations/source-answer';
import type { Figures, LastKnownStock } from './last-known-stock';

/** A source as the answering side sees it: one request for its whole list, or one per offer. */
export type AnswerSource = { name: string; offerKey: OfferKey } & ({ list: SourceList } | { lookup: SourceLookup });
export type LookupSource = Extract<AnswerSource, { lookup: SourceLookup }>;

const MEMO_LIMIT = 50_000;

/**
 * Lookups of the same (source, offer) in flight at once are shared: concurrent questions cost one request.
 * Figures a lookup brings (even after the question's deadline), or a snapshot answered with, are recorded once
 * when they differ from the last ones recorded: as source state (the CRM stores the reply, so the next sync skips them) and through
 * intake, so the push targets get them by the normal versioned path. Records of one turn share one write.
 */
export function createSharedLookups(deps: { stock: LastKnownStock; intake: Intake; log: Logger }) {
  const inFlight = new Map<string, Promise<Figures | null>>();
  // The figures last recorded per (source, offer): the object itself (a snapshot answers many questions with the
  // same one, so most checks are one comparison) and its text.
  const recorded = new Map<string, { figures: Figures; text: string }>();
  let pending: Array<{ source: string; key: string; offer: IntakeOffer }> = [];

  function flush() {
    const batch = pending;
    pending = [];
    const bySource = new Map<string, Array<{ offer: string; warehouse: string; quantity: number }>>();
    for (const p of batch) {
      const rows = bySource.get(p.source) ?? [];
      for (const s of p.offer.stores) rows.push({ offer: p.key, warehouse: s.code, quantity: s.available });
      bySource.set(p.source, rows);
    }
    const writes = [...bySource].map(([source, rows]) => deps.stock.recordFromSource(source, rows));
    writes.push(deps.intake.accept(batch.map((p) => p.offer)).then(() => undefined));
    Promise.all(writes).catch((err: Error) => {
      // Forget them, so the next lookup that brings the same figures records them again.
      for (const p of batch) recorded.delete(`${p.source}\u0000${p.key}`);
      deps.log.warn({ reason: err.message }, 'could not record figures learned for an answer; the next sync will');
    });
  }

  function record(source: AnswerSource, key: string, ref: OfferRef, figures: Figures) {
    const id = `${source.name}\u0000${key}`;
    const last = recorded.get(id);
    if (last?.figures === figures) return;
    const text = JSON.stringify(figures);
    if (last?.text === text) {
      last.figures = figures;
      return;
    }
    if (Object.keys(figures).length === 0) return;
    if (recorded.size >= MEMO_LIMIT) recorded.clear();
    recorded.set(id, { figures, text });
    const offer: IntakeOffer = {
      ...ref,
      stores: Object.entries(figures).map(([code, available]) => ({ code, available })),
    };
    if (source.offerKey === 'id') offer.id = Number(key);
    else offer[source.offerKey] = key;
    if (pending.length === 0) setImmediate(flush);
    pending.push({ source: source.name, key, offer });
  }

  return {
    record,
    get(source: LookupSource, key: string, ref: OfferRef): Promise<Figures | null> {
      const id = `${source.name}\u0000${key}`;
      let p = inFlight.get(id);
      if (!p) {
        p = source.lookup(key).finally(() => inFlight.delete(id));
        inFlight.set(id, p);
        p.then((f) => f && record(source, key, ref, f)).catch(() => undefined);
      }
      return p;
    },
  };
}

export type SharedLookups = ReturnType<typeof createSharedLookups>;
