import type { OpenStores, Stores } from '../../src/storage/stores';

/** Fresh stores per test, disposed after it; `reopen()` closes them and opens the same data again. */
export function useStores(openStores: OpenStores) {
  const ctx = {} as { stores: Stores; reopen: () => Promise<Stores>; dispose: () => Promise<void> };
  beforeEach(async () => Object.assign(ctx, await openStores()));
  afterEach(() => ctx.dispose());
  return {
    get stores() {
      return ctx.stores;
    },
    async restart(): Promise<Stores> {
      await ctx.stores.close();
      ctx.stores = await ctx.reopen();
      return ctx.stores;
    },
  };
}

export const callback = (offers: unknown = []) => ({
  receivedAt: 1,
  contentHash: 'h',
  offersJson: JSON.stringify(offers),
});
