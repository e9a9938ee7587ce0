import { SECRETS } from './test-config';

export function offer(xmlId: string, stores: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return {
    xmlId,
    externalId: `ext-${xmlId}`,
    stores: Object.entries(stores).map(([code, available]) => ({ code, available })),
    ...extra,
  };
}

export function formBody(offers: unknown, clientId: string = SECRETS.clientId): string {
  return new URLSearchParams({
    clientId,
    offers: typeof offers === 'string' ? offers : JSON.stringify(offers),
  }).toString();
}

/** n offers × the given warehouses, as the bench and load tests use. */
export function manyOffers(n: number, warehouses: string[] = ['main', 'north'], base = 0, qty = (i: number) => i % 50) {
  return Array.from({ length: n }, (_, i) =>
    offer(`SKU-${base + i}`, Object.fromEntries(warehouses.map((w, j) => [w, qty(i + j)]))),
  );
}
