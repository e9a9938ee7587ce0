import type { Logger } from 'pino';
import type { Intake } from './create-intake';
import type { InventoriesCallback } from './read-inventories-callback';
import type { Metrics } from '../metrics/create-metrics';
import { OUTCOME } from '../domain/outcomes';
import type { AnswerService, AnsweredOffer, AnswerSources } from '../answering/answer-service';

/** What an inventoriesUpload callback was answered, and how many offers it named and got figures for. */
export interface CallbackAnswer {
  reply: { success: true; offers?: AnsweredOffer[] };
  /** Offers the callback named (figures and questions). */
  named: number;
  answered: number;
  /** For a question: per source, how many offers were answered from its snapshot, lookups, last known, or not. */
  from?: AnswerSources;
}

export interface InventoriesCallbackService {
  handle(callback: InventoriesCallback, rawOffers?: string): Promise<CallbackAnswer>;
}

/**
 * Figures are stored (answered only after the commit); questions are answered with stock; a well-formed callback
 * of no known shape gets an empty answer, loudly (warning, metric; the route keeps its body in the capture).
 */
export function createInventoriesCallbackService(deps: {
  intake: Intake;
  answers: AnswerService;
  metrics: Metrics;
  log: Logger;
}): InventoriesCallbackService {
  return {
    async handle(cb, rawOffers) {
      const named = cb.figures.length + cb.questions.length;
      if (cb.reading === 'unknown') {
        deps.metrics.callbacks.inc({ kind: 'inventoriesUpload', outcome: OUTCOME.unknownShape });
        deps.log.warn(
          { fields: cb.unknownFields },
          'inventoriesUpload of an unknown shape: answered no offers; see GET /admin/callbacks/recent',
        );
        return { reply: { success: true, offers: [] }, named, answered: 0 };
      }
      const asking = cb.questions.length > 0 || cb.orderToRead !== undefined;
      // The raw JSON is stored as sent only when it holds figures alone (questions never enter the callback log).
      const stored = cb.figures.length
        ? deps.intake.accept(cb.figures, cb.reading === 'figures' ? rawOffers : undefined)
        : Promise.resolve(undefined);
      // A commit that fails while the answer is still being built must not count as unhandled: it is awaited below.
      stored.catch(() => undefined);
      const answer = asking ? await deps.answers.answer(cb) : undefined;
      await stored;
      if (cb.figures.length) deps.metrics.callbacks.inc({ kind: 'inventoriesUpload', outcome: OUTCOME.accepted });
      if (!answer) return { reply: { success: true }, named, answered: 0 };
      deps.metrics.callbacks.inc({ kind: 'inventoriesUpload', outcome: OUTCOME.answered });
      const { offers, from } = answer;
      return { reply: { success: true, offers }, named, answered: offers.length, from };
    },
  };
}
