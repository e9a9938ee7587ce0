import { startAccountsRig, type AccountsRig } from '../../helpers/accounts-rig';
import { offer } from '../../helpers/callback-bodies';
import { waitFor } from '../../helpers/test-config';

/**
 * The two account-scoped views of what a shop cannot be sent (CRM warehouses no target maps, offers without the
 * target's `offerKey` field), each tried from the other account: beta's figures never show under acme.
 */
describe("accounts: unmapped warehouses and offers are each account's own", () => {
  let rig: AccountsRig;

  beforeAll(async () => {
    rig = await startAccountsRig([
      { name: 'acme', targets: ['shop'] },
      { name: 'beta', targets: ['shop'] },
    ]);
  });
  afterAll(() => rig.close());

  it("shows beta's unmapped CRM warehouse under beta only", async () => {
    expect((await rig.upload('beta', [offer('SKU-G', { 'ghost-wh': 3, main: 1 })])).status).toBe(200);
    const beta = (await rig.call('GET', '/admin/accounts/beta/unmapped-warehouses')).body;
    expect(beta.warehouses).toEqual([expect.objectContaining({ warehouse: 'ghost-wh', figures: 1 })]);
    const acme = await rig.call('GET', '/admin/accounts/acme/unmapped-warehouses');
    expect(acme.status).toBe(200);
    expect(acme.body).toEqual({ warehouses: [] });
  });

  it("lists beta's offer without the target's offerKey under beta's shop only, never acme's shop of the same name", async () => {
    const noXmlId = { externalId: 'ext-NOXML', stores: [{ code: 'main', available: 2 }] };
    expect((await rig.upload('beta', [noXmlId])).status).toBe(200);
    const unmappedOf = async (account: string) =>
      (await rig.call('GET', `/admin/accounts/${account}/targets/shop/unmapped`)).body.unmapped as unknown[];
    await waitFor(async () => (await unmappedOf('beta')).length > 0, { what: "beta's unmapped offer" });
    expect(JSON.stringify(await unmappedOf('beta'))).toContain('ext-NOXML');
    expect(await unmappedOf('acme')).toEqual([]);
  });
});
