import type { Logger } from 'pino';
import type { Intake } from './create-intake';
import type { InventoriesCallback } from './read-inventories-callback';
import type { Metrics } from '../metrics/create-metrics';
import { OUTCOME } from '../domain/outcomes';
import { DEFAULT_ACCOUNT } from '../accounts/account-names';
import type { AnswerService, AnsweredOffer, AnswerSources } from '../answering/answer-service';
import type { UnmappedWarehouses } from './unmapped-warehouses';

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
  /** The account this service takes callbacks of (its figures are stored under it). */
  account?: string;
  /** Figures for warehouses no target maps: counted and warned about (see unmapped-warehouses.ts). */
  unmapped?: UnmappedWarehouses;
}): InventoriesCallbackService {
  const account = deps.account ?? DEFAULT_ACCOUNT;
  const label = deps.metrics.accountLabel(account);
  return {
    async handle(cb, rawOffers) {
      const named = cb.figures.length + cb.questions.length;
      if (cb.reading === 'unknown') {
        deps.metrics.callbacks.inc({ kind: 'inventoriesUpload', outcome: OUTCOME.unknownShape, account: label });
        deps.log.warn(
          { fields: cb.unknownFields },
          'inventoriesUpload of an unknown shape: answered no offers; see GET /admin/callbacks/recent',
        );
        return { reply: { success: true, offers: [] }, named, answered: 0 };
      }
      const asking = cb.questions.length > 0 || cb.orderToRead !== undefined;
      // The raw JSON is stored as sent only when it holds figures alone (questions never enter the callback log).
      const stored = cb.figures.length
        ? deps.intake.accept(cb.figures, cb.reading === 'figures' ? rawOffers : undefined, account)
        : Promise.resolve(undefined);
      // A commit that fails while the answer is still being built must not count as unhandled: it is awaited below.
      stored.catch(() => undefined);
      const answer = asking ? await deps.answers.answer(cb) : undefined;
      await stored;
      if (cb.figures.length)
        deps.metrics.callbacks.inc({ kind: 'inventoriesUpload', outcome: OUTCOME.accepted, account: label });
      if (answer) deps.metrics.callbacks.inc({ kind: 'inventoriesUpload', outcome: OUTCOME.answered, account: label });
      deps.unmapped?.observe(cb.figures);
      const offers = answer?.offers;
      const answered = offers?.length ?? 0;
      // One line per accepted callback: the logs answer "is the CRM calling us?" (rejections are logged by the
      // error handler with their reason).
      deps.log.info(
        { reading: cb.reading, figures: cb.figures.length, questions: cb.questions.length, answered },
        `inventoriesUpload accepted: ${cb.figures.length} figure offer(s), ${cb.questions.length} question(s), ` +
          `${answered} answered`,
      );
      if (!answer) return { reply: { success: true }, named, answered: 0 };
      return { reply: { success: true, offers: answer.offers }, named, answered, from: answer.from };
    },
  };
}
