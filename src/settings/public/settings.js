// The merchant's settings page: a plain script over /settings/api (the session says which account, never the
// page). Everything shown is set with textContent, so nothing a shop or the CRM sends can run here. Labels and
// messages come with the session, in the account's language.
'use strict';

const POLL_MS = 5000;
const state = { csrf: null, m: {}, lang: 'en', openDead: null };

const t = (key, vars) =>
  (state.m[key] || key).replace(/\{(\w+)\}/g, (_, k) => (vars && vars[k] !== undefined ? String(vars[k]) : ''));
const num = (n) => new Intl.NumberFormat(state.lang).format(n);
const time = (iso) =>
  iso ? new Intl.DateTimeFormat(state.lang, { dateStyle: 'short', timeStyle: 'medium' }).format(new Date(iso)) : '—';

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

function table(headers, rows, id) {
  if (!rows.length) return el('p', { class: 'muted', text: t('nothing') });
  return el(
    'table',
    { id },
    el(
      'tr',
      {},
      headers.map((h) => el('th', { text: t(h) })),
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

const button = (label, action, onclick) => el('button', { type: 'button', 'data-action': action, onclick }, t(label));

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

function say(text, isError) {
  const box = document.getElementById('message');
  box.textContent = text;
  box.className = isError ? 'error' : 'muted';
}

async function act(method, path, okText, body) {
  try {
    const r = await api(method, `/settings/api${path}`, body);
    if (r.status >= 400) say(t('failed', { message: (r.data.error && r.data.error.message) || r.status }), true);
    else say(okText || t('done'));
  } catch (e) {
    if (e instanceof SignedOut) return signedOut();
    say(t('failed', { message: e.message }), true);
  }
  await refresh();
}

/** A shop's state in plain words: what is happening and what to do. */
function stateInWords(s) {
  if (s.state === 'held') return t('held');
  if (s.state === 'paused') {
    const reason = s.pausedReason || '';
    if (reason === 'paused by the merchant' || !reason) return t('pausedByYou');
    if (reason === 'paused by an operator') return t('pausedByOperator');
    if (/401|403|credential|unauthori|forbidden|login/i.test(reason)) return t('pausedCredentials', { reason });
    return t('pausedOther', { reason });
  }
  return t('running');
}

const enc = encodeURIComponent;

async function refreshShops() {
  const { data } = await api('GET', '/settings/api/targets');
  const rows = data.targets.map((s) => [
    s.name,
    s.typeLabel || s.type,
    el('span', { class: `state state-${s.state}`, 'data-state': s.state, text: stateInWords(s) }),
    num(s.backlog),
    s.lastError ? `${s.lastError} (${time(s.lastErrorAt)})` : '—',
    s.dead
      ? el(
          'span',
          {},
          `${num(s.dead)} `,
          button('showDead', 'show-dead', () => showDead(s.name)),
        )
      : num(0),
    s.state === 'paused'
      ? button('resume', 'resume', () => act('POST', `/targets/${enc(s.name)}/resume`))
      : button('pause', 'pause', () =>
          act('POST', `/targets/${enc(s.name)}/pause`, undefined, { reason: 'paused by the merchant' }),
        ),
  ]);
  document
    .getElementById('shops')
    .replaceChildren(
      table(['shop', 'type', 'state', 'backlog', 'lastError', 'deadLetters', 'actions'], rows, 'shops-table'),
    );
  if (state.openDead) await showDead(state.openDead);
}

async function showDead(shop) {
  state.openDead = shop;
  const { data } = await api('GET', `/settings/api/targets/${enc(shop)}/dead-letters`);
  const list = data.deadLetters || [];
  const rows = list.map((d) => [
    d.item,
    d.deadReason || d.lastError || '—',
    time(d.updatedAt),
    el(
      'button',
      {
        type: 'button',
        'data-action': 'retry',
        'data-item': d.item,
        onclick: () => act('POST', `/targets/${enc(shop)}/dead-letters/retry`, undefined, { item: d.item }),
      },
      t('retry'),
    ),
  ]);
  document
    .getElementById('dead')
    .replaceChildren(
      el('h3', { text: t('deadOf', { shop }) }),
      table(['item', 'reason', 'since', 'actions'], rows),
      list.length
        ? button('retryAll', 'retry-all', () => act('POST', `/targets/${enc(shop)}/dead-letters/retry`))
        : null,
    );
}

async function refreshSources() {
  const { data } = await api('GET', '/settings/api/sources');
  const rows = (data.sources || []).map((s) => {
    const last = s.runs && s.runs[0];
    return [
      s.name,
      s.type,
      last
        ? `${last.outcome} ${time(last.finishedAt || last.startedAt)}${last.message ? ` — ${last.message}` : ''}`
        : '—',
      button('syncNow', 'sync-now', () =>
        act('POST', `/sources/${enc(s.name)}/sync`, t('syncStarted', { source: s.name })),
      ),
    ];
  });
  document.getElementById('sources').replaceChildren(table(['source', 'type', 'lastRun', 'actions'], rows));
}

async function refreshShipments() {
  const [pending, failed, delivered] = await Promise.all(
    ['pending', 'failed', 'delivered'].map((s) => api('GET', `/settings/api/shipments?status=${s}`)),
  );
  const all = [pending, failed, delivered].flatMap((r) => r.data.shipments || []).slice(0, 50);
  const rows = all.map((s) => [
    s.id,
    typeof s.order === 'object' ? Object.values(s.order).join(' ') : String(s.order),
    s.status,
    num(s.attempts),
    time(s.updatedAt),
  ]);
  document
    .getElementById('shipments')
    .replaceChildren(table(['shipments', 'order', 'status', 'attempts', 'when'], rows));
}

async function refreshCallbacks() {
  const r = await api('GET', '/settings/api/callbacks/recent');
  const rows = (r.data.callbacks || []).map((c) => [
    time(c.at),
    num(c.offers),
    c.status < 400 ? t('accepted') : t('refusedStatus', { status: c.status }),
  ]);
  document.getElementById('callbacks').replaceChildren(table(['when', 'offers', 'result'], rows, 'callbacks-table'));
}

async function refreshNotices() {
  const r = await api('GET', '/settings/api/notifications');
  const rows = (r.data.notifications || []).map((n) => [time(n.at), n.message, n.outcome]);
  document.getElementById('notices').replaceChildren(table(['when', 'problem', 'status'], rows, 'notices-table'));
}

/** Each part of the page's refresh (settings-shops.js adds its own). */
const parts = [refreshShops, refreshSources, refreshShipments, refreshNotices, refreshCallbacks];

async function refresh() {
  try {
    await Promise.all(parts.map((part) => part()));
  } catch (e) {
    if (e instanceof SignedOut) return signedOut();
    say(t('failed', { message: e.message }), true);
  }
}

function signedOut() {
  document.getElementById('app').hidden = true;
  say(t('sessionEnded'), true);
}

function translateStatic() {
  document.documentElement.lang = state.lang;
  document.title = t('title');
  for (const node of document.querySelectorAll('[data-t]')) node.textContent = t(node.getAttribute('data-t'));
}

async function start() {
  const res = await fetch('/settings/session', { credentials: 'same-origin' });
  if (!res.ok) return signedOut();
  const s = await res.json();
  Object.assign(state, { csrf: s.csrf, m: s.messages, lang: s.lang });
  translateStatic();
  document.getElementById('account').textContent = t('accountOf', { account: s.account, crm: s.crm });
  document.getElementById('app').hidden = false;
  document.getElementById('sign-out').addEventListener('click', async () => {
    await fetch('/settings/sign-out', {
      method: 'POST',
      headers: { 'X-CSRF-Token': state.csrf },
      credentials: 'same-origin',
    });
    signedOut();
  });
  document.getElementById('sku-form').addEventListener('submit', (e) => {
    e.preventDefault();
    lookUp(document.getElementById('sku-input').value.trim()).catch((err) =>
      say(t('failed', { message: err.message }), true),
    );
  });
  await refresh();
  setInterval(refresh, POLL_MS);
}

document.addEventListener('DOMContentLoaded', () => {
  start().catch((e) => say(String(e && e.message), true));
});
