import type { Language } from './language';
import type { Messages } from './messages';

const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ESC[c]);
const fill = (s: string, vars: Record<string, string>) => s.replace(/\{(\w+)\}/g, (_, k: string) => vars[k] ?? '');

export interface ConnectFormState {
  url: string;
  csrf: string;
  scopes: readonly string[];
  /** A message next to one field (the routine named it), or above the form. */
  errors?: { url?: string; apiKey?: string; form?: string };
}

/**
 * The connect form, rendered on the server: a plain form POST, no script at all (the strict CSP allows none
 * inline). The API key is never written back into the page.
 */
export function renderConnect(m: Messages, lang: Language, s: ConnectFormState): string {
  const e = s.errors ?? {};
  const err = (id: string, text?: string) =>
    text ? `<p class="error" id="${id}-error" role="alert">${esc(text)}</p>` : '';
  return `<!doctype html>
<html lang="${lang}">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>${esc(m.connectTitle)}</title>
    <link rel="icon" href="/logo.svg" />
    <link rel="stylesheet" href="/settings/assets/settings.css" />
  </head>
  <body>
    <header><img src="/logo.svg" alt="" width="32" height="32" /><h1>${esc(m.connectTitle)}</h1></header>
    <main id="connect">
      <p>${esc(m.connectIntro)}</p>
      <p class="muted">${esc(fill(m.scopesNeeded, { scopes: s.scopes.join(', ') }))}</p>
      ${err('form', e.form)}
      <form method="post" action="/connect" autocomplete="off">
        <input type="hidden" name="csrf" value="${esc(s.csrf)}" />
        <p><label>${esc(m.crmUrl)} <input name="url" id="url" type="url" maxlength="300" required value="${esc(s.url)}" placeholder="${esc(m.crmUrlHint)}" /></label></p>
        ${err('url', e.url)}
        <p><label>${esc(m.apiKey)} <input name="apiKey" id="apiKey" type="password" maxlength="200" required /></label></p>
        ${err('apiKey', e.apiKey)}
        <p><button type="submit" id="connect-button">${esc(m.connect)}</button></p>
      </form>
    </main>
  </body>
</html>
`;
}
