// The SKU look-up of the merchant's page: one item's figures across their shops, and a live read from each shop.
// Loaded after settings.js and using its helpers (t, el, api, num, table, button, enc).
'use strict';

async function lookUp(sku) {
  const r = await api('GET', `/settings/api/items/${enc(sku)}`);
  const box = document.getElementById('sku');
  if (r.status === 404) return box.replaceChildren(el('p', { class: 'muted', text: t('skuNotFound') }));
  const d = r.data;
  const rows = (d.targets || []).map((x) => [
    x.name,
    x.desired && x.desired.length
      ? x.desired.map((f) => `${f.shopWarehouse || f.warehouse}: ${num(f.quantity)}`).join(', ')
      : '—',
    x.version === null ? '—' : x.upToDate ? '✓' : `${num(x.deliveredVersion)} / ${num(x.version)}`,
    el(
      'span',
      {},
      button('testConnection', 'test-connection', (e) => testConnection(x.name, d.identifier, e.target.nextSibling)),
      el('span', { class: 'live' }),
    ),
  ]);
  box.replaceChildren(
    el('h3', { text: d.identifier }),
    table(['shop', 'figures', 'delivered', 'actions'], rows, 'sku-table'),
  );
}

/** Reads the item from the shop itself, through the shop's own rate limit (nothing is written). */
async function testConnection(shop, item, out) {
  out.textContent = ' …';
  const r = await api('GET', `/settings/api/targets/${enc(shop)}/items/${enc(item)}/live`);
  const f = r.data.figures;
  const figures = f
    ? f.warehouses
      ? Object.entries(f.warehouses)
          .map(([w, q]) => `${w}: ${num(q)}`)
          .join(', ')
      : num(f.stock)
    : '';
  out.textContent = ` ${
    r.status < 400 && r.data.ok
      ? t('connectionOk', { figures })
      : t('connectionFailed', { message: r.data.message || (r.data.error && r.data.error.message) || r.status })
  }`;
}
