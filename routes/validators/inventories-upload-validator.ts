import type { IntakeLimits } from '../../src/domain/offer-types';
import { readInventoriesCallback, type InventoriesCallback } from '../../src/intake/read-inventories-callback';
import type { Normalised } from '../middleware/reject-invalid';

/** The whole body in one walk: figures, offers asked about, an order asked about, or a well-formed unknown shape. */
export function readInventoriesUpload(limits: IntakeLimits): (body: unknown) => Normalised<InventoriesCallback> {
  return (body) => readInventoriesCallback(body, limits);
}
