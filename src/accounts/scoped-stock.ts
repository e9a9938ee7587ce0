import type { OfferKey, StockFigure, StockState } from '../storage/stores';
import { DEFAULT_ACCOUNT, qualify, unqualify } from './account-names';

/**
 * The CRM's figures are stored per (offer key, offer, warehouse); an account's figures per (its qualified offer
 * key, offer, warehouse), so two merchants' "SKU-1" never meet (`default`'s keys stay bare: a 0.2 database is
 * read as it is). This is the one place the offer key is qualified and unqualified.
 */
export const stockKey = (account: string, key: OfferKey): OfferKey => qualify(account, key) as OfferKey;

export const figureOf = (f: StockFigure): StockFigure & { account: string } => {
  const { account, name } = unqualify(f.offerKey);
  return { ...f, offerKey: name as OfferKey, account };
};

type ReadStock = Pick<StockState, 'offerFigures' | 'figures'>;

/** The stock reads of one account: its keys in, bare keys out; `default` gets the stores' own methods. */
export function scopeStock<T extends ReadStock>(stock: T, account: string): T {
  if (account === DEFAULT_ACCOUNT) return stock;
  const bare = (rows: StockFigure[]) => rows.map((f) => ({ ...f, offerKey: unqualify(f.offerKey).name as OfferKey }));
  // Over the stores' own object (its other methods, and `this` in them, unchanged).
  return Object.assign(Object.create(stock) as T, {
    offerFigures: async (key: OfferKey, offer: string) => bare(await stock.offerFigures(stockKey(account, key), offer)),
    figures: async (keys: ReadonlyArray<{ offerKey: OfferKey; offer: string }>) =>
      bare(await stock.figures(keys.map((k) => ({ ...k, offerKey: stockKey(account, k.offerKey) })))),
  });
}
