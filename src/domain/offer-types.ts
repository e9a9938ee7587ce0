/** Which CRM identifier names an offer (a target's or source's `offerKey`). */
export type OfferKey = 'id' | 'externalId' | 'xmlId';

/** One CRM offer's stock as intake accepted it: identifiers as given, quantities already normalised. */
export interface IntakeOffer {
  id?: number;
  externalId?: string;
  xmlId?: string;
  site?: string;
  stores: Array<{ code: string; available: number; purchasePrice?: number }>;
}

export interface IntakeLimits {
  maxOffers: number;
  maxIdLength: number;
  maxQuantity: number;
  /**
   * Check identifiers and codes for control characters, ill-formed Unicode and dot segments [true]. The projector
   * reads records that intake already accepted, some under older rules: it reads them as they are, and the worker
   * dead-letters an item it cannot send, instead of the whole callback being skipped.
   */
  checkText?: boolean;
}
