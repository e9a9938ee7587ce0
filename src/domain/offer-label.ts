import type { OfferKey } from './offer-types';

/** The CRM identifiers that name an offer, as a label shows them. */
export type OfferIds = Partial<Record<OfferKey, string | number>>;

const KEYS: readonly OfferKey[] = ['id', 'externalId', 'xmlId'];

/**
 * An offer's label: its known CRM identifiers as `id=7 externalId=E xmlId=X`, in that order. Stored with unmapped
 * offers and shown to the operator; `parseOfferLabel` is its one reader.
 */
export function formatOfferLabel(o: OfferIds): string {
  const parts: string[] = [];
  for (const k of KEYS) if (o[k] !== undefined) parts.push(`${k}=${o[k]}`);
  return parts.join(' ');
}

/**
 * The identifiers in a label. A value may hold spaces (the CRM allows them), so each part starts at the next
 * ` key=`, not at every space.
 */
export function parseOfferLabel(label: string): Partial<Record<OfferKey, string>> {
  const out: Partial<Record<OfferKey, string>> = {};
  const at = KEYS.map((k) => ({ k, i: label === `${k}=` || label.startsWith(`${k}=`) ? 0 : label.indexOf(` ${k}=`) }))
    .filter((p) => p.i >= 0)
    .map((p) => ({ k: p.k, i: p.i === 0 ? 0 : p.i + 1 }))
    .sort((a, b) => a.i - b.i);
  at.forEach((p, n) => {
    const end = n + 1 < at.length ? at[n + 1].i - 1 : label.length;
    out[p.k] = label.slice(p.i + p.k.length + 1, end);
  });
  return out;
}

/** Whether a label names `value` under any identifier. */
export function labelNames(label: string, value: string): boolean {
  return Object.values(parseOfferLabel(label)).includes(value);
}
