import { startAccountsRig, type AccountsRig } from '../../helpers/accounts-rig';
import { offer } from '../../helpers/callback-bodies';
import { waitFor } from '../../helpers/test-config';

/** `freeze` is per account like `active`: a frozen CRM's stock is held while another account's flows on. */
describe('accounts: one frozen account', () => {
  let rig: AccountsRig;
  const writesOf = (account: string, sku: string) =>
    rig.accounts[account].shops.shop.writes.filter((w) => w.sku === sku).length;

  beforeAll(async () => {
    rig = await startAccountsRig([
      { name: 'acme', targets: ['shop'] },
      { name: 'beta', targets: ['shop'] },
    ]);
    for (const a of ['acme', 'beta']) rig.accounts[a].shops.shop.addItem('SKU-F');
  });
  afterAll(() => rig.close());

  it("holds the frozen account's stock, answers its callbacks, and sends it once unfrozen", async () => {
    expect((await rig.activity('acme', true, true)).body).toEqual({ success: true });
    expect((await rig.upload('acme', [offer('SKU-F', { main: 4 })])).status).toBe(200);
    expect((await rig.upload('beta', [offer('SKU-F', { main: 6 })])).status).toBe(200);
    await waitFor(() => writesOf('beta', 'SKU-F') > 0, { what: "SKU-F at beta's shop" });
    await rig.hub.projector.idle();
    expect(writesOf('acme', 'SKU-F')).toBe(0);
    expect((await rig.call('GET', '/admin/accounts/acme')).body).toMatchObject({
      active: false,
      frozen: true,
      targets: [{ name: 'shop', state: 'held', backlog: 1 }],
    });
    expect((await rig.call('GET', '/admin/accounts/beta')).body).toMatchObject({ active: true, frozen: false });

    await rig.activity('acme', true, false);
    await waitFor(() => writesOf('acme', 'SKU-F') > 0, { what: "SKU-F at acme's shop once unfrozen" });
    const stock = rig.accounts.acme.shops.shop.bySku('SKU-F')!.warehouses!;
    expect(stock.find((w) => w.name === 'Depozit central')?.stock).toBe(4);
  });
});
