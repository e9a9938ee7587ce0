// Stockbridge dashboard: a plain script over the admin API (no build step). Everything shown is set with
// textContent, never parsed as HTML, so nothing the shops or the CRM send can run here.
'use strict';

const POLL_MS = 3000;
const state = { csrf: null, timer: null, rates: {}, refreshes: 0, targetStates: {}, account: null, accounts: [] };

/** One account's admin routes: every view shows the account chosen in the Accounts list (a hub may serve many). */
function A(path) {
  return `/admin/accounts/${encodeURIComponent(state.account)}${path}`;
}

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

/** A table; each cell carries its column's name, which the narrow (phone) layout shows beside the value. */
function table(headers, rows) {
  return el(
    'table',
    {},
    el(
      'tr',
      { class: 'head' },
      headers.map((h) => el('th', { text: h })),
    ),
    rows.map((r) =>
      el(
        'tr',
        {},
        r.map((c, i) => el('td', { 'data-label': headers[i] || null }, c)),
      ),
    ),
  );
}

/** Name → quantity figures (a source's, the shop's live ones) as a small table; anything else as indented JSON. */
function figuresTable(figures, nameHeader) {
  if (!figures || typeof figures !== 'object') return '—';
  const entries = Object.entries(figures);
  if (!entries.length) return 'none';
  if (!entries.every(([, v]) => typeof v === 'number' || typeof v === 'string'))
    return el('pre', { text: JSON.stringify(figures, null, 2) });
  return el(
    'table',
    { class: 'figures' },
    el('tr', { class: 'head' }, el('th', { text: nameHeader }), el('th', { text: 'quantity' })),
    entries.map(([k, v]) =>
      el('tr', {}, el('td', { 'data-label': nameHeader }, k), el('td', { 'data-label': 'quantity' }, String(v))),
    ),
  );
}

/** One time format everywhere: relative and local time, the exact ISO time on hover. */
function when(isoTime) {
  if (!isoTime) return '—';
  const t = Date.parse(isoTime);
  const s = Math.round((Date.now() - t) / 1000);
  const a = Math.abs(s);
  const span =
    a < 90
      ? `${a} s`
      : a < 5400
        ? `${Math.round(a / 60)} min`
        : a < 129600
          ? `${Math.round(a / 3600)} h`
          : `${Math.round(a / 86400)} days`;
  const d = new Date(t);
  const local = d.toDateString() === new Date().toDateString() ? d.toLocaleTimeString() : d.toLocaleString();
  return el('time', { datetime: isoTime, title: isoTime }, `${s >= 0 ? `${span} ago` : `in ${span}`}, ${local}`);
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
            onclick: () => act('POST', A(`/targets/${encodeURIComponent(name)}/resume`)),
          },
          'Resume',
        )
      : el(
          'button',
          {
            type: 'button',
            'data-action': 'pause',
            onclick: () =>
              act('POST', A(`/targets/${encodeURIComponent(name)}/pause`), { reason: 'paused from the dashboard' }),
          },
          'Pause',
        );
  const deadRows = dead.map((d) => [
    d.item,
    d.deadReason || '—',
    when(d.updatedAt),
    el(
      'button',
      {
        type: 'button',
        'data-action': 'retry-dead',
        'data-item': d.item,
        onclick: () => act('POST', A(`/targets/${encodeURIComponent(name)}/dead-letters/retry`), { item: d.item }),
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
    t.lastError ? el('p', { class: 'error' }, 'Last error ', when(t.lastErrorAt), `: ${t.lastError}`) : null,
    tip ? el('p', { class: 'advice' }, tip) : null,
    dead.length
      ? el('div', {}, el('strong', { text: 'Dead letters' }), table(['item', 'reason', 'when', ''], deadRows))
      : null,
  );
}

async function refreshTargets() {
  const { data } = await api('GET', A('/targets'));
  const dead = await Promise.all(
    data.targets.map((t) =>
      t.dead
        ? api('GET', A(`/targets/${encodeURIComponent(t.name)}/dead-letters`)).then((r) => r.data.deadLetters || [])
        : [],
    ),
  );
  for (const t of data.targets) state.targetStates[t.name] = t.state;
  document.getElementById('unprojected').textContent =
    `Callbacks accepted, not yet projected: ${data.unprojectedCallbacks}`;
  document.getElementById('targets').replaceChildren(...data.targets.map((t, i) => renderTarget(t, dead[i])));
}

async function refreshSources() {
  const { data } = await api('GET', A('/sources'));
  const rows = (data.sources || []).map((s) => {
    const last = s.runs[0];
    return [
      `${s.name} (${s.type})`,
      last
        ? [`${last.outcome} `, when(last.finishedAt || last.startedAt), last.message ? ` — ${last.message}` : '']
        : 'never run',
      last
        ? `read ${last.read}, uploaded ${last.uploaded}, unchanged ${last.unchanged}, not found ${last.notFound}, unmapped ${last.unmapped}, errors ${last.errors}`
        : '—',
      s.everySeconds ? [`every ${s.everySeconds} s; next `, when(s.nextRunAt)] : 'on demand only',
      el(
        'button',
        {
          type: 'button',
          'data-action': 'sync-now',
          onclick: () => act('POST', A(`/sources/${encodeURIComponent(s.name)}/sync`)),
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
    api('GET', A('/shipments?status=pending')),
    api('GET', A('/shipments?status=failed')),
  ]);
  const all = [...(pending.data.shipments || []), ...(failed.data.shipments || [])];
  const rows = all.map((s) => [
    s.id,
    orderText(s.order),
    reportText(s.report),
    s.status === 'pending' && s.attempts > 0 ? 'retrying' : s.status,
    [String(s.attempts), s.updatedAt ? ', last ' : '', s.updatedAt ? when(s.updatedAt) : ''],
    s.lastAnswer && s.lastAnswer.errorMsg
      ? [s.lastAnswer.errorMsg, s.lastAnswer.errors ? el('ul', {}, fieldErrors(s.lastAnswer.errors)) : null]
      : '—',
    s.status === 'failed'
      ? el(
          'button',
          {
            type: 'button',
            'data-action': 'retry-shipment',
            onclick: () => act('POST', A(`/shipments/${encodeURIComponent(s.id)}/retry`)),
          },
          'Retry',
        )
      : '',
  ]);
  document
    .getElementById('shipments')
    .replaceChildren(
      rows.length
        ? table(['id', 'order', 'report', 'state', 'attempts', "CRM's message", ''], rows)
        : el('p', { class: 'muted', text: 'No pending or failed reports.' }),
    );
}

function orderText(order) {
  if (!order) return '—';
  const ref = order.orderId !== undefined ? `order id ${order.orderId}` : `order ${order.orderExternalId}`;
  return order.site ? `${ref} on site ${order.site}` : ref;
}

function reportText(report) {
  if (!report) return '—';
  return [
    report.shipped === undefined ? null : report.shipped ? 'shipped' : 'not shipped',
    report.shipmentStore ? `from ${report.shipmentStore}` : null,
    report.shipmentDate ? `on ${report.shipmentDate}` : null,
  ]
    .filter(Boolean)
    .join(' ');
}

/** The CRM's `errors` (an object of field → message, or a list) as list items. */
function fieldErrors(errors) {
  const entries = Array.isArray(errors) ? errors.map((e) => [null, e]) : Object.entries(errors);
  return entries.map(([k, v]) =>
    el('li', { text: `${k === null ? '' : `${k}: `}${typeof v === 'string' ? v : JSON.stringify(v)}` }),
  );
}

/**
 * A captured callback body, decoded: JSON as it is, a form's fields with their JSON values parsed (the CRM sends
 * `offers`/`order` as JSON strings); clientId is already masked by the hub. A cut body keeps what could be read.
 */
function decodeBody(body) {
  const cut = /… \((\d+) characters\)$/.exec(body);
  const text = cut ? body.slice(0, cut.index) : body;
  const parseJson = (v) => {
    try {
      return JSON.parse(v);
    } catch {
      return undefined;
    }
  };
  let data = parseJson(text);
  if (data === undefined && text.includes('=')) {
    data = {};
    for (const [k, v] of new URLSearchParams(text)) {
      const parsed = parseJson(v);
      data[k] = parsed === undefined ? v : parsed;
    }
  }
  const pretty = data === undefined ? text : JSON.stringify(data, null, 2);
  return { data, text: cut ? `${pretty}\n… (cut: ${cut[1]} characters in all)` : pretty };
}

const offerRef = (o) =>
  o.xmlId || o.externalId || (o.id !== undefined && o.id !== null ? `id ${o.id}` : '(no identifier)');
const refKey = (o) => `${o.id ?? ''}|${o.externalId ?? ''}|${o.xmlId ?? ''}`;

/** A question callback: each offer asked about, with the stock the hub answered (or that it knew none). */
function questionAndAnswer(c, data) {
  if (!['offers-question', 'order-question', 'mixed'].includes(c.reading)) return null;
  const answered = (c.answer && c.answer.offers) || [];
  const byRef = new Map(answered.map((a) => [refKey(a), a]));
  const asked =
    data && Array.isArray(data.offers)
      ? data.offers.filter((o) => o && typeof o === 'object' && !(Array.isArray(o.stores) && o.stores.length))
      : [];
  const stockOf = (a) =>
    a ? a.stores.map((s) => `${s.code}: ${s.available}`).join(', ') || 'no stores' : 'not known here: left out';
  const rows = asked.map((o) => {
    const a = byRef.get(refKey(o));
    byRef.delete(refKey(o));
    return [offerRef(o), stockOf(a)];
  });
  for (const a of byRef.values()) rows.push([offerRef(a), stockOf(a)]);
  const order = data && data.order && typeof data.order === 'object' ? data.order : null;
  const title = order
    ? `The CRM asked about order ${order.number || order.externalId || order.id}`
    : 'The CRM asked about these offers';
  return el(
    'div',
    { class: 'question', 'data-field': 'question' },
    el('strong', { text: title }),
    rows.length ? table(['offer', 'answered'], rows) : el('p', { class: 'muted', text: 'no offers answered' }),
  );
}

async function refreshCallbacks() {
  const r = await api('GET', A('/callbacks/recent'));
  const box = document.getElementById('callbacks');
  if (r.status === 404) return box.replaceChildren(el('p', { class: 'muted', text: 'Not available in this version.' }));
  const rows = (r.data.callbacks || []).map((c) => {
    const body = decodeBody(c.body);
    return [
      when(c.at),
      c.reading,
      c.status >= 400
        ? el(
            'span',
            { class: 'error', 'data-field': 'rejected' },
            `rejected ${c.status}: ${c.reason || 'no reason kept'}`,
          )
        : `answered ${c.status}`,
      [`${c.offers} offer(s), ${c.answered} answered`, questionAndAnswer(c, body.data)],
      el(
        'details',
        {},
        el('summary', { text: `body (${c.body.length} characters)` }),
        el('pre', { 'data-field': 'body', text: body.text }),
      ),
    ];
  });
  box.replaceChildren(
    rows.length
      ? table(['when', 'read as', 'answer', 'offers', 'body'], rows)
      : el('p', { class: 'muted', text: 'No callbacks yet.' }),
  );
}

function renderItem(d) {
  const crm = d.crm.length
    ? table(
        ['CRM warehouse', 'quantity', 'callback', 'sent to'],
        d.crm.map((c) => [
          c.warehouse,
          String(c.quantity),
          [`#${c.version}, `, when(c.receivedAt)],
          c.note ? el('span', { class: 'error', text: c.note }) : (c.mappedBy || []).join(', ') || '—',
        ]),
      )
    : el('p', { class: 'muted', text: 'No CRM figures have been received for this identifier.' });
  const targets = table(
    ['target', 'should hold', 'delivery', 'last attempt', 'problems', ''],
    d.targets.map((t) => [
      t.shopId ? `${t.name} (${t.shopId})` : t.name,
      t.desired.length
        ? figuresTable(
            Object.fromEntries(t.desired.map((x) => [x.shopWarehouse || x.warehouse, x.quantity])),
            'shop warehouse',
          )
        : '—',
      el('span', { 'data-field': 'delivery' }, deliveryText(t)),
      t.lastAttemptAt ? [when(t.lastAttemptAt), t.lastStatus ? `, HTTP ${t.lastStatus}` : ''] : '—',
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
        d.sources.map((s) => [s.name, s.figures ? figuresTable(s.figures, 'warehouse') : '—', when(s.lastRunAt)]),
      )
    : null;
  document.getElementById('item').replaceChildren(el('h3', { text: d.identifier }), crm, targets, sources);
}

/** Where a target's delivery of an item stands, in words: versions are callback numbers, not counts. */
function deliveryText(t) {
  if (t.version === null) return 'nothing to send yet';
  if (t.upToDate) return 'up to date: the shop has the newest figures';
  const waiting = t.desired.filter((x) => x.version > t.deliveredVersion).length;
  const shop = state.targetStates[t.name];
  const why = t.dead
    ? 'dead letter (see problems), Retry it once fixed'
    : shop === 'paused'
      ? 'shop paused'
      : shop === 'held'
        ? 'module inactive in the CRM'
        : t.due
          ? 'being sent'
          : 'waiting';
  const n = waiting || 'newer';
  return `${n} newer figure${waiting === 1 ? '' : 's'} waiting: ${why}`;
}

/** The shop's answer: `{warehouses: {name: stock}}` per warehouse, or `{stock}` for one stock. */
function liveTable(figures) {
  if (figures && figures.warehouses && typeof figures.warehouses === 'object')
    return figuresTable(figures.warehouses, 'shop warehouse');
  return figuresTable(figures, 'figure');
}

async function askShop(target, item, out) {
  out.textContent = ' asking…';
  const r = await api('GET', A(`/targets/${encodeURIComponent(target)}/items/${encodeURIComponent(item)}/live`));
  out.replaceChildren(
    ...(r.data.ok
      ? [' the shop has, ', when(r.data.at), ':', liveTable(r.data.figures)]
      : [` ${r.data.message || (r.data.error && r.data.error.message)}`]),
  );
}

async function search(identifier) {
  const r = await api('GET', A(`/items/${encodeURIComponent(identifier)}`));
  if (r.status >= 400)
    return document
      .getElementById('item')
      .replaceChildren(el('p', { class: 'error', text: r.data.error ? r.data.error.message : `HTTP ${r.status}` }));
  renderItem(r.data);
}

function setStatus(text) {
  document.getElementById('status').textContent = text;
}

function accountState(a) {
  if (a.deactivated) return 'deactivated by an operator';
  if (a.frozen) return 'frozen in the CRM';
  return a.active ? 'active' : 'inactive in the CRM';
}

async function refreshAccounts() {
  const { data } = await api('GET', '/admin/accounts');
  state.accounts = data.accounts || [];
  if (!state.accounts.some((a) => a.name === state.account)) state.account = state.accounts[0]?.name ?? null;
  const rows = state.accounts.map((a) => {
    const backlog = a.targets.reduce((n, t) => n + t.backlog, 0);
    const shown = a.name === state.account;
    return [
      a.name,
      `${a.crm.url}${a.origin === 'file' ? ' (config file)' : ''}`,
      el(
        'span',
        {},
        accountState(a),
        (a.warnings || []).map((w) => el('p', { class: 'error', text: w })),
      ),
      `${a.targets.length} shop(s), backlog ${backlog}`,
      a.lastCallbackAt ? when(a.lastCallbackAt) : 'no callback yet',
      shown
        ? el('strong', { text: 'shown below' })
        : el('button', { type: 'button', text: 'Show', onclick: () => showAccount(a.name) }),
    ];
  });
  document
    .getElementById('accounts')
    .replaceChildren(
      state.accounts.length
        ? table(['Account', 'CRM', 'State', 'Shops', 'Last callback', ''], rows)
        : el('p', { class: 'muted', text: 'No account yet: connect one below, or declare it in the config file.' }),
    );
  document.getElementById('account-shown').textContent = state.account ? `Account: ${state.account}` : '';
}

async function showAccount(name) {
  state.account = name;
  state.rates = {};
  document.getElementById('item').replaceChildren();
  await refresh();
}

async function connectAccount(form) {
  const body = { url: form.url.value.trim(), apiKey: form.apiKey.value };
  if (form.site.value.trim()) body.site = form.site.value.trim();
  if (form.name.value.trim()) body.name = form.name.value.trim();
  const out = document.getElementById('connect-result');
  out.textContent = 'connecting…';
  const r = await api('POST', '/admin/accounts', body);
  form.apiKey.value = ''; // never kept in the page
  if (r.status >= 300) {
    out.className = 'error';
    out.textContent = (r.data.error && r.data.error.message) || `refused (HTTP ${r.status})`;
    return;
  }
  out.className = 'muted';
  out.textContent = `connected: ${r.data.name}`;
  await showAccount(r.data.name);
}

async function refresh() {
  try {
    await refreshAccounts();
    if (!state.account) return setStatus('no account to show');
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
  document.getElementById('connect').addEventListener('submit', (e) => {
    e.preventDefault();
    connectAccount(e.target).catch((err) => setStatus(err.message));
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
