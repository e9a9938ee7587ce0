import type { Response } from 'express';
import type { InventoriesCallbackService } from '../../src/intake/inventories-callback-service';
import type { InventoriesCallback } from '../../src/intake/read-inventories-callback';
import type { TypedHandler } from '../middleware/reject-invalid';

/** Figures are answered only after their commit (a storage failure becomes 503); questions with their stock. */
export function inventoriesUploadHandler(
  serviceOf: (res: Response) => InventoriesCallbackService,
): TypedHandler<InventoriesCallback> {
  return async (input, req, res) => {
    const raw = (req.body as { offers?: unknown }).offers;
    const out = await serviceOf(res).handle(input, typeof raw === 'string' ? raw : undefined);
    res.locals.callback = { reading: input.reading, ...out };
    req.log?.debug({ reading: input.reading, named: out.named, answered: out.answered }, 'inventoriesUpload');
    res.json(out.reply);
  };
}
