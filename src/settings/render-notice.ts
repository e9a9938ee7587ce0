import type { Language } from './language';
import type { Messages } from './messages';
import { esc } from './render-connect';

/**
 * The page shown instead of the settings when there is no session to show them with: what happened and how to
 * open them properly (from the CRM), with a link to the connect form. No script, no inline style.
 */
export function renderNotice(m: Messages, lang: Language, which: 'signedOut' | 'unknown' | 'tooMany'): string {
  const title = m[`${which}Title`];
  const body = m[`${which}Body`];
  return `<!doctype html>
<html lang="${lang}">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>${esc(title)}</title>
    <link rel="icon" href="/logo.svg" />
    <link rel="stylesheet" href="/settings/assets/settings.css" />
  </head>
  <body>
    <header><img src="/logo.svg" alt="" width="32" height="32" /><h1>${esc(m.title)}</h1></header>
    <main id="notice" data-notice="${which}">
      <h2>${esc(title)}</h2>
      <p>${esc(body)}</p>
      <p><a href="/connect">${esc(m.connectLink)}</a></p>
    </main>
  </body>
</html>
`;
}
