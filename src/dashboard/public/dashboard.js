// Stockbridge dashboard: a plain script over the admin API (no build step). Everything shown is set with
// textContent, never parsed as HTML, so nothing the shops or the CRM send can run here.
'use strict';

const POLL_MS = 3000;
const state = { csrf: null, timer: null, rates: {}, refreshes: 0 };

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'onclick') node.addEventListener('click', v);
    else if (k === 'text') node.textContent = v;
    else if (v !== undefined && v !== null && v !== false) node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) node.append(c instanceof Node ? c : String(c));
  return node;
}

function table(headers, rows) {
  return el(
    'table',
    {},
    el(
      'tr',
      {},
      headers.map((h) => el('th', { text: h })),
    ),
    rows.map((r) =>
      el(
        'tr',
        {},
        r.map((c) => el('td', {}, c)),
      ),
    ),
  );
}

function ago(isoTime) {
  if (!isoTime) return '—';
  const s = Math.round((Date.now() - Date.parse(isoTime)) / 1000);
  const when = s < 90 ? `${s} s` : s < 5400 ? `${Math.round(s / 60)} min` : `${Math.round(s / 3600)} h`;
  return `${when} ago (${isoTime})`;
}

class SignedOut extends Error {}

async function api(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (method !== 'GET') {
    headers['X-CSRF-Token'] = state.csrf;
    headers['Content-Type'] = 'application/json';
  }
  const res = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    body: body ? JSON.stringify(body) : undefined,
  });
  if (res.status === 401) throw new SignedOut();
  const data = await res.json().catch(() => ({}));
  return { status: res.status, data };
}

/** The last error in plain words, with what to do about it. */
function advice(t) {
  if (t.state === 'held')
    return 'The module is inactive or frozen in the CRM: stock is kept and sent once it is active again. Activate the module in the CRM.';
  const e = (t.pausedReason || t.lastError || '').toLowerCase();
  if (!e) return null;
  if (/401|403|credential|unauthori|forbidden|login/.test(e))
    return 'The shop refused our credentials: check the fields the reason names for this target, restart, then Resume.';
  if (/redirect|url is wrong/.test(e))
    return 'The shop answered with a redirect: fix the target url (http/https, www), restart, then Resume.';
  if (/not found|404/.test(e))
    return 'The shop has no such item: add it to the shop catalogue (or fix the identifier), then Retry its dead letter.';
  if (/429|rate|too many/.test(e))
    return 'The shop is rate limiting: it is retried automatically; lower requestsPerSecond if it persists.';
  if (/timeout|timed out|econn|socket|5\d\d|html page/.test(e))
    return 'The shop is down or slow: it is retried automatically with backoff; nothing is lost.';
  if (t.state === 'paused') return 'Paused by an operator: Resume when ready.';
  return 'The shop refused the write: read its message, fix the item in the shop, then Retry.';
}

async function act(method, path, body) {
  const r = await api(method, path, body);
  setStatus(r.status < 300 ? 'done' : `refused: ${(r.data.error && r.data.error.message) || r.status}`);
  await refresh();
  return r;
}

function deliveryRate(t) {
  const now = Date.now();
  const prev = state.rates[t.name];
  state.rates[t.name] = { total: t.deliveredTotal, at: now, rate: prev ? prev.rate : null };
  if (prev && now > prev.at) state.rates[t.name].rate = ((t.deliveredTotal - prev.total) * 60000) / (now - prev.at);
  const rate = state.rates[t.name].rate;
  return rate === null ? 'measuring…' : `${rate.toFixed(1)} writes/min`;
}

function renderTarget(t, dead) {
  const name = t.name;
  const buttons =
    t.state === 'paused'
      ? el(
          'button',
          {
            type: 'button',
            'data-action': 'resume',
            onclick: () => act('POST', `/admin/targets/${encodeURIComponent(name)}/resume`),
          },
          'Resume',
        )
      : el(
          'button',
          {
            type: 'button',
            'data-action': 'pause',
            onclick: () =>
              act('POST', `/admin/targets/${encodeURIComponent(name)}/pause`, { reason: 'paused from the dashboard' }),
          },
          'Pause',
        );
  const deadRows = dead.map((d) => [
    d.item,
    d.deadReason || '—',
    ago(d.updatedAt),
    el(
      'button',
      {
        type: 'button',
        'data-action': 'retry-dead',
        'data-item': d.item,
        onclick: () => act('POST', `/admin/targets/${encodeURIComponent(name)}/dead-letters/retry`, { item: d.item }),
      },
      'Retry',
    ),
  ]);
  const tip = advice(t);
  return el(
    'div',
    { class: 'target', 'data-target': name },
    el(
      'h3',
      {},
      `${name} `,
      el('span', { class: `state-${t.state}`, 'data-field': 'state', text: t.state }),
      t.pausedReason ? ` — ${t.pausedReason}` : '',
      ' ',
      buttons,
    ),
    el(
      'p',
      { class: 'muted' },
      `${t.typeLabel || t.type} ${t.url} · backlog ${t.backlog} · oldest due ${t.oldestDueAgeSeconds} s · ${deliveryRate(t)} · dead letters ${t.dead} · unmapped offers ${t.unmapped}`,
    ),
    t.identifiedBy
      ? el(
          'p',
          { class: 'muted', 'data-field': 'identifiers' },
          `Items: ${t.identifiedBy} · up to ${t.maxBatch} per request · ` +
            (t.locations === 'summed'
              ? `one stock, the sum of CRM warehouse(s) ${Object.keys(t.warehouses).join(', ')}`
              : `warehouses ${Object.entries(t.warehouses)
                  .map(([crm, shop]) => `${crm} → ${shop}`)
                  .join(', ')}`),
        )
      : null,
    t.lastError ? el('p', { class: 'error' }, `Last error ${ago(t.lastErrorAt)}: ${t.lastError}`) : null,
    tip ? el('p', { class: 'advice' }, tip) : null,
    dead.length
      ? el('div', {}, el('strong', { text: 'Dead letters' }), table(['item', 'reason', 'when', ''], deadRows))
      : null,
  );
}

async function refreshTargets() {
  const { data } = await api('GET', '/admin/targets');
  const dead = await Promise.all(
    data.targets.map((t) =>
      t.dead
        ? api('GET', `/admin/targets/${encodeURIComponent(t.name)}/dead-letters`).then((r) => r.data.deadLetters || [])
        : [],
    ),
  );
  document.getElementById('unprojected').textContent =
    `Callbacks accepted, not yet projected: ${data.unprojectedCallbacks}`;
  document.getElementById('targets').replaceChildren(...data.targets.map((t, i) => renderTarget(t, dead[i])));
}

async function refreshSources() {
  const { data } = await api('GET', '/admin/sources');
  const rows = (data.sources || []).map((s) => {
    const last = s.runs[0];
    return [
      `${s.name} (${s.type})`,
      last
        ? `${last.outcome} ${ago(last.finishedAt || last.startedAt)}${last.message ? ` — ${last.message}` : ''}`
        : 'never run',
      last
        ? `read ${last.read}, uploaded ${last.uploaded}, unchanged ${last.unchanged}, not found ${last.notFound}, unmapped ${last.unmapped}, errors ${last.errors}`
        : '—',
      s.everySeconds ? `every ${s.everySeconds} s; next ${s.nextRunAt || '—'}` : 'manual only',
      el(
        'button',
        {
          type: 'button',
          'data-action': 'sync-now',
          onclick: () => act('POST', `/admin/sources/${encodeURIComponent(s.name)}/sync`),
        },
        'Sync now',
      ),
    ];
  });
  document
    .getElementById('sources')
    .replaceChildren(
      rows.length
        ? table(['source', 'last run', 'figures', 'schedule', ''], rows)
        : el('p', { class: 'muted', text: 'No sources configured.' }),
    );
}

async function refreshShipments() {
  const [pending, failed] = await Promise.all([
    api('GET', '/admin/shipments?status=pending'),
    api('GET', '/admin/shipments?status=failed'),
  ]);
  const all = [...(pending.data.shipments || []), ...(failed.data.shipments || [])];
  const rows = all.map((s) => [
    s.id,
    JSON.stringify(s.order),
    s.status === 'pending' && s.attempts > 0 ? 'retrying' : s.status,
    String(s.attempts),
    s.lastAnswer && s.lastAnswer.errorMsg
      ? `${s.lastAnswer.errorMsg}${s.lastAnswer.errors ? ` ${JSON.stringify(s.lastAnswer.errors)}` : ''}`
      : '—',
    s.status === 'failed'
      ? el(
          'button',
          {
            type: 'button',
            'data-action': 'retry-shipment',
            onclick: () => act('POST', `/admin/shipments/${encodeURIComponent(s.id)}/retry`),
          },
          'Retry',
        )
      : '',
  ]);
  document
    .getElementById('shipments')
    .replaceChildren(
      rows.length
        ? table(['id', 'order', 'state', 'attempts', "CRM's message", ''], rows)
        : el('p', { class: 'muted', text: 'No pending or failed reports.' }),
    );
}

async function refreshCallbacks() {
  const r = await api('GET', '/admin/callbacks/recent');
  const box = document.getElementById('callbacks');
  if (r.status === 404) return box.replaceChildren(el('p', { class: 'muted', text: 'Not available in this version.' }));
  const rows = (r.data.callbacks || []).map((c) => [
    ago(c.at),
    c.reading,
    String(c.status),
    `${c.offers} offer(s), ${c.answered} answered`,
    el('pre', { text: c.body }),
  ]);
  box.replaceChildren(
    rows.length
      ? table(['when', 'read as', 'status', 'offers', 'body'], rows)
      : el('p', { class: 'muted', text: 'No callbacks yet.' }),
  );
}

function renderItem(d) {
  const crm = d.crm.length
    ? table(
        ['CRM warehouse', 'quantity', 'callback #', 'sent to'],
        d.crm.map((c) => [
          c.warehouse,
          String(c.quantity),
          String(c.version),
          c.note ? el('span', { class: 'error', text: c.note }) : (c.mappedBy || []).join(', ') || '—',
        ]),
      )
    : el('p', { class: 'muted', text: 'No CRM figures have been received for this identifier.' });
  const targets = table(
    ['target', 'desired', 'delivered', 'last attempt', 'problems', ''],
    d.targets.map((t) => [
      t.shopId ? `${t.name} (${t.shopId})` : t.name,
      t.desired.length
        ? t.desired.map((x) => `${x.shopWarehouse || x.warehouse}=${x.quantity} (v${x.version})`).join(', ')
        : '—',
      t.version === null
        ? '—'
        : `v${t.deliveredVersion} of v${t.version}${t.upToDate ? ' (up to date)' : t.due ? ' (due)' : ''}`,
      t.lastAttemptAt ? `${ago(t.lastAttemptAt)}${t.lastStatus ? ` HTTP ${t.lastStatus}` : ''}` : '—',
      [
        t.lastError,
        t.dead ? `dead letter: ${t.deadReason}` : null,
        t.unmappedWarehouses.length
          ? `CRM warehouse(s) ${t.unmappedWarehouses.join(', ')} not mapped for this target`
          : null,
        t.unmappedOffer ? t.unmappedOffer.reason : null,
      ]
        .filter(Boolean)
        .join('; ') || '—',
      el(
        'span',
        {},
        el(
          'button',
          {
            type: 'button',
            'data-action': 'live',
            onclick: (e) => askShop(t.name, d.identifier, e.target.nextSibling),
          },
          'Ask the shop',
        ),
        el('span', { class: 'live' }),
      ),
    ]),
  );
  const sources = d.sources.length
    ? table(
        ['source', 'last figures', 'last run'],
        d.sources.map((s) => [s.name, s.figures ? JSON.stringify(s.figures) : '—', ago(s.lastRunAt)]),
      )
    : null;
  document.getElementById('item').replaceChildren(el('h3', { text: d.identifier }), crm, targets, sources);
}

async function askShop(target, item, out) {
  out.textContent = ' asking…';
  const r = await api('GET', `/admin/targets/${encodeURIComponent(target)}/items/${encodeURIComponent(item)}/live`);
  out.textContent = r.data.ok
    ? ` ${JSON.stringify(r.data.figures)} at ${r.data.at}`
    : ` ${r.data.message || (r.data.error && r.data.error.message)}`;
}

async function search(identifier) {
  const r = await api('GET', `/admin/items/${encodeURIComponent(identifier)}`);
  if (r.status >= 400)
    return document
      .getElementById('item')
      .replaceChildren(el('p', { class: 'error', text: r.data.error ? r.data.error.message : `HTTP ${r.status}` }));
  renderItem(r.data);
}

function setStatus(text) {
  document.getElementById('status').textContent = text;
}

async function refresh() {
  try {
    await Promise.all([refreshTargets(), refreshSources(), refreshShipments(), refreshCallbacks()]);
    state.refreshes += 1;
    document.body.dataset.refreshes = String(state.refreshes);
    setStatus(`updated ${new Date().toLocaleTimeString()}`);
  } catch (e) {
    if (e instanceof SignedOut) return showSignIn();
    setStatus(`could not refresh: ${e.message}`);
  }
}

function showSignIn() {
  clearTimeout(state.timer);
  document.getElementById('app').hidden = true;
  document.getElementById('sign-out').hidden = true;
  document.getElementById('sign-in').hidden = false;
  const refused = document.getElementById('sign-in-refused');
  const why = refusalText(location.hash);
  refused.hidden = why === undefined;
  refused.textContent = why || '';
}

/** The sign-in's reason, from the fragment the hub redirected to (routes/dashboard.ts signIn). */
function refusalText(hash) {
  const m = /^#sign-in-refused(?:=([\w-]+))?$/.exec(hash);
  if (!m) return undefined;
  const reason = m[1] || '';
  if (reason === 'wrong-token') return 'That token was not accepted: it is not auth.adminToken of this hub.';
  const locked = /^locked-(\d+)$/.exec(reason);
  if (locked) return `Too many wrong tokens: sign-in is locked for ${locked[1]} s. Wait, then enter the right token.`;
  if (reason === 'origin')
    return (
      'The hub did not recognise the address this page was opened at. Behind a reverse proxy, set ' +
      'server.trustProxy to true (or server.publicUrl to this address) and restart.'
    );
  return 'The sign-in was refused.';
}

async function poll() {
  await refresh();
  if (!document.getElementById('app').hidden) state.timer = setTimeout(poll, POLL_MS);
}

async function start() {
  const res = await fetch('/dashboard/session', { credentials: 'same-origin' });
  if (res.status !== 200) return showSignIn();
  state.csrf = (await res.json()).csrf;
  if (location.hash) history.replaceState(null, '', location.pathname);
  document.getElementById('sign-in').hidden = true;
  document.getElementById('app').hidden = false;
  document.getElementById('sign-out').hidden = false;
  document.getElementById('sign-out').addEventListener('click', async () => {
    await fetch('/dashboard/sign-out', {
      method: 'POST',
      headers: { 'X-CSRF-Token': state.csrf },
      credentials: 'same-origin',
    });
    showSignIn();
  });
  document.getElementById('search').addEventListener('submit', (e) => {
    e.preventDefault();
    search(document.getElementById('search-input').value.trim()).catch((err) => setStatus(err.message));
  });
  await poll();
}

document.addEventListener('DOMContentLoaded', () => {
  start().catch((e) => setStatus(`could not start: ${e.message}`));
});
