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
}
