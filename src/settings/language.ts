/** The languages of the merchant's pages: every label and message exists in each (src/settings/messages.ts). */
export const LANGUAGES = ['en', 'ru'] as const;
export type Language = (typeof LANGUAGES)[number];

const known = (tag: string | undefined): Language | undefined => {
  const base = tag?.trim().toLowerCase().split(/[-_;]/)[0];
  return LANGUAGES.find((l) => l === base);
};

/**
 * The account's CRM language when it is one of ours, else the browser's first one we have (Accept-Language, in
 * its order of preference), else English.
 */
export function pickLanguage(accountLanguage: string | undefined, acceptLanguage: string | undefined): Language {
  const fromAccount = known(accountLanguage);
  if (fromAccount) return fromAccount;
  const ranked = (acceptLanguage ?? '')
    .split(',')
    .map((part, i) => {
      const [tag, ...params] = part.split(';');
      const q = params.map((p) => /^\s*q=([\d.]+)/.exec(p)?.[1]).find((x) => x !== undefined);
      return { tag, q: q === undefined ? 1 : Number(q), i };
    })
    .filter((x) => x.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  for (const { tag } of ranked) {
    const l = known(tag);
    if (l) return l;
  }
  return 'en';
}
