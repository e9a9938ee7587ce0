export interface IntegrationModule {
  code: string;
  integrationCode?: string;
  name?: string;
  logo?: string;
  baseUrl?: string;
  clientId?: string;
  accountUrl?: string;
  active?: boolean;
  freeze?: boolean;
  actions?: Record<string, string>;
  integrations?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface CrmStoreFigure {
  code: string;
  available: number;
  purchasePrice?: number;
}

export interface CrmOfferUpload {
  id?: number;
  externalId?: string;
  xmlId?: string;
  stores: CrmStoreFigure[];
}

export interface CrmInventoryOffer {
  id: number;
  externalId?: string;
  xmlId?: string;
  site?: string;
  quantity?: number;
  stores?: Array<{ store: string; quantity: number; purchasePrice?: number }>;
}

export interface UploadResult {
  processedOffersCount: number;
  notFoundOffers: Array<{ externalId?: string; xmlId?: string; id?: number }>;
  batches: number;
}

export interface CrmOrderEdit {
  /** The order's externalId, or its CRM id when `by` is "id". */
  ref: string;
  by: 'externalId' | 'id';
  site?: string;
  order: Record<string, unknown>;
}
