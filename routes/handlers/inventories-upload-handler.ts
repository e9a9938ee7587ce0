import type { RequestHandler } from 'express';
import type { Intake } from '../../src/intake/create-intake';
import type { Metrics } from '../../src/metrics/create-metrics';
import { validatedOffers } from '../validators/inventories-upload-validator';

/** Answers success only after the callback is committed; a storage failure becomes 503 in the error middleware. */
export function inventoriesUploadHandler(intake: Intake, metrics: Metrics): RequestHandler {
  return async (req, res) => {
    const offers = validatedOffers(req);
    const raw = (req.body as { offers?: unknown }).offers;
    const { seq } = await intake.accept(offers, typeof raw === 'string' ? raw : undefined);
    metrics.callbacks.inc({ kind: 'inventoriesUpload', outcome: 'accepted' });
    req.log?.debug({ seq, offers: offers.length }, 'inventoriesUpload stored');
    res.json({ success: true });
  };
}
