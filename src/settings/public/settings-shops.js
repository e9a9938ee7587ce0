// The merchant's shop settings: add, edit and remove a shop, with its warehouse map. Loaded after settings.js and
// using its helpers (t, el, api, say, table, button, enc). Credentials are write-only: the server never sends
// them, and a blank credential field on an edit keeps the stored one. The open form is never redrawn by the poll.
'use strict';

const CREDENTIALS = {
  merchantpro: ['apiKey', 'apiSecret'],
  woocommerce: ['consumerKey', 'consumerSecret'],
  shopify: ['accessToken'],
  ozon: ['clientId', 'apiKey'],
  retailcrm: ['apiKey'],
};
const shopsState = { view: null, crm: null, formOpen: false };

const labelled = (key, input, errorFor) =>
  el(
    'label',
    { class: 'field' },
    el('span', { text: t(key) }),
    input,
    el('span', { class: 'field-error', 'data-error-for': errorFor }),
  );

function select(name, options, value) {
  const s = el('select', { name });
  for (const [v, label] of options) s.append(el('option', { value: v, selected: v === value }, label));
  return s;
}

async function refreshShopSettings() {
  const { data } = await api('GET', '/settings/api/shop-settings');
  shopsState.view = data;
  const box = document.getElementById('shop-settings');
  if (!data.editable) return box.replaceChildren(el('p', { class: 'muted', text: t('shopsInConfigFile') }));
  const rows = (data.shops || []).map((s) => [
    s.name,
    s.typeLabel,
    Object.entries(s.fields.warehouses || {})
      .map(([code, shop]) => (Array.isArray(s.fields.warehouses) ? shop : `${code} → ${shop}`))
      .join(', ') || '—',
    el(
      'span',
      {},
      button('edit', 'edit-shop', () => openShopForm(s)),
      ' ',
      button('remove', 'remove-shop', () => removeShop(s.name)),
    ),
  ]);
  box.replaceChildren(
    table(['shop', 'type', 'warehouseMap', 'actions'], rows, 'shop-settings-table'),
    ...(shopsState.formOpen ? [] : [button('addShop', 'add-shop', () => openShopForm(null))]),
  );
}

async function removeShop(name) {
  if (!window.confirm(t('confirmRemove', { shop: name }))) return;
  await act('DELETE', `/targets/${enc(name)}`, t('shopRemoved', { shop: name }));
}

/** One row of the warehouse map: a CRM warehouse (known, or a code typed in) and the shop's warehouse for it. */
function warehouseRow(code, name, value, typed) {
  const codeCell = typed
    ? el('input', { class: 'wh-code', 'aria-label': t('crmCode'), value: code || '', maxlength: 100 })
    : el('span', { class: 'wh-code', 'data-code': code, text: name && name !== code ? `${name} (${code})` : code });
  return el(
    'tr',
    { class: 'wh-row' },
    el('td', {}, codeCell),
    el(
      'td',
      {},
      el('input', {
        class: 'wh-shop',
        'aria-label': t('shopWarehouse'),
        'data-for': code || '',
        value: value || '',
        maxlength: 200,
      }),
      el('span', { class: 'field-error', 'data-error-for': code ? `warehouses.${code}` : '' }),
    ),
  );
}

async function openShopForm(shop) {
  shopsState.formOpen = true;
  if (!shopsState.crm) shopsState.crm = (await api('GET', '/settings/api/crm-warehouses')).data;
  const crm = shopsState.crm;
  const fields = shop ? shop.fields : { type: 'merchantpro', offerKey: 'externalId' };
  const form = el('form', { id: 'shop-form', class: 'target', novalidate: true });
  const typeSelect = select(
    'type',
    (shopsState.view.types || []).map((x) => [x.type, x.label]),
    fields.type,
  );
  if (shop) typeSelect.disabled = true;
  const specific = el('div', { id: 'shop-specific' });
  const drawSpecific = () => {
    const type = typeSelect.value;
    const kept = shop && shop.type === type ? shop.credentialsSet : [];
    const parts = (CREDENTIALS[type] || []).map((k) =>
      labelled(
        `cred_${k}`,
        el('input', {
          name: k,
          type: 'password',
          autocomplete: 'new-password',
          placeholder: kept.includes(k) ? t('credentialKept') : '',
        }),
        k,
      ),
    );
    if (type === 'merchantpro') {
      parts.push(
        labelled(
          'identifier',
          select(
            'identifier',
            [
              ['sku', 'sku'],
              ['ean', 'ean'],
              ['id', 'id'],
            ],
            fields.identifier || 'sku',
          ),
          'identifier',
        ),
      );
      parts.push(
        labelled(
          'multiWarehouse',
          el('input', { name: 'multiWarehouse', type: 'checkbox', checked: fields.multiWarehouse === true }),
          'multiWarehouse',
        ),
      );
    }
    if (type === 'retailcrm')
      parts.push(labelled('site', el('input', { name: 'site', value: fields.site || '' }), 'site'));
    specific.replaceChildren(...parts);
  };
  typeSelect.addEventListener('change', drawSpecific);
  drawSpecific();

  const mapped = Array.isArray(fields.warehouses)
    ? Object.fromEntries(fields.warehouses.map((c) => [c, c]))
    : fields.warehouses || {};
  const known = (crm.warehouses || []).map((w) => w.code);
  const whBody = el('tbody', {});
  for (const w of crm.warehouses || []) whBody.append(warehouseRow(w.code, w.name, mapped[w.code], false));
  for (const [code, value] of Object.entries(mapped))
    if (!known.includes(code)) whBody.append(warehouseRow(code, code, value, true));
  if (!crm.readable && !Object.keys(mapped).length) whBody.append(warehouseRow('', '', '', true));

  form.append(
    ...[
      el('h3', { text: shop ? t('editShop', { shop: shop.name }) : t('newShop') }),
      labelled(
        'shopName',
        el('input', { name: 'name', value: shop ? shop.name : '', readonly: !!shop, maxlength: 64 }),
        'name',
      ),
      labelled('type', typeSelect, 'type'),
      labelled('shopUrl', el('input', { name: 'url', value: fields.url || '', placeholder: t('shopUrlHint') }), 'url'),
      labelled(
        'offerKey',
        select(
          'offerKey',
          [
            ['externalId', 'externalId'],
            ['xmlId', 'xmlId'],
            ['id', 'id'],
          ],
          fields.offerKey || 'externalId',
        ),
        'offerKey',
      ),
      specific,
      el('h4', { text: t('warehouseMap') }),
      crm.readable
        ? null
        : el('p', { class: 'advice', id: 'crm-warehouses-unreadable', text: t('crmWarehousesUnreadable') }),
      el(
        'table',
        { id: 'warehouse-map' },
        el('tr', {}, el('th', { text: t('crmWarehouse') }), el('th', { text: t('shopWarehouse') })),
        whBody,
      ),
      el('span', { class: 'field-error', 'data-error-for': 'warehouses' }),
      el(
        'p',
        {},
        button('addWarehouseCode', 'add-warehouse-code', () => whBody.append(warehouseRow('', '', '', true))),
      ),
      el('p', { class: 'error', id: 'shop-form-errors' }),
      el('button', { type: 'submit', 'data-action': 'save-shop' }, t('save')),
      ' ',
      button('cancel', 'cancel-shop', closeShopForm),
    ].filter((x) => x !== null),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    saveShop(form, shop).catch((err) => say(t('failed', { message: err.message }), true));
  });
  document.getElementById('shop-form-box').replaceChildren(form);
  await refreshShopSettings();
}

function closeShopForm() {
  shopsState.formOpen = false;
  document.getElementById('shop-form-box').replaceChildren();
  refreshShopSettings().catch(() => undefined);
}

/** The form as the config file's target entry: the shop's other stored fields kept, blank credentials left out. */
function shopFromForm(form, shop) {
  const value = (n) => (form.elements[n] ? form.elements[n].value.trim() : undefined);
  const body = { ...(shop ? shop.fields : {}) };
  body.name = value('name');
  body.type = shop ? shop.type : value('type');
  for (const k of ['url', 'offerKey', 'identifier', 'site']) {
    const v = value(k);
    if (v === undefined) continue;
    if (v === '') delete body[k];
    else body[k] = v;
  }
  if (form.elements.multiWarehouse) body.multiWarehouse = form.elements.multiWarehouse.checked;
  for (const k of CREDENTIALS[body.type] || []) {
    const v = value(k);
    if (v) body[k] = v;
  }
  const warehouses = {};
  for (const row of form.querySelectorAll('.wh-row')) {
    const codeNode = row.querySelector('.wh-code');
    const code = (codeNode.tagName === 'INPUT' ? codeNode.value : codeNode.getAttribute('data-code')).trim();
    const to = row.querySelector('.wh-shop').value.trim();
    if (code && to) warehouses[code] = to;
  }
  body.warehouses = warehouses;
  return body;
}

async function saveShop(form, shop) {
  for (const e of form.querySelectorAll('.field-error')) e.textContent = '';
  form.querySelector('#shop-form-errors').textContent = '';
  const body = shopFromForm(form, shop);
  const r = shop
    ? await api('PUT', `/settings/api/targets/${enc(shop.name)}`, body)
    : await api('POST', '/settings/api/targets', body);
  if (r.status < 400) {
    say(t('shopSaved', { shop: body.name }));
    closeShopForm();
    return refresh();
  }
  const err = r.data.error || {};
  const rest = [];
  for (const [field, problem] of Object.entries(err.details || {})) {
    const spot = form.querySelector(`[data-error-for="${CSS.escape(field)}"]`);
    if (spot) spot.textContent = problem;
    else rest.push(`${field}: ${problem}`);
  }
  form.querySelector('#shop-form-errors').textContent =
    rest.length || !err.details ? rest.join(' ') || err.message : '';
  say(t('fixFields'), true);
}

parts.push(refreshShopSettings);
