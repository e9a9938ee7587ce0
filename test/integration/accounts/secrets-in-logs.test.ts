import crypto from 'node:crypto';
import { startAccountsRig, type AccountsRig } from '../../helpers/accounts-rig';
import { startFakeCrm, type FakeCrm } from '../../../src/demo/fakes/fake-crm';
import { createSecretBox } from '../../../src/accounts/secret-box';
import { offer } from '../../helpers/callback-bodies';
import { capturingLog, waitFor } from '../../helpers/test-config';

/**
 * Every account's secrets (CRM key, clientId, shipments token) stay out of the log at debug level, the metrics and
 * the admin answers, through what operators and CRMs do with accounts: connect (refused and accepted), callbacks
 * with the clientId in the body and in the query, an unknown clientId, a shipment report, deactivation.
 */
describe('accounts: no secret of any account in logs, metrics or admin answers', () => {
  let rig: AccountsRig;
  let crm: FakeCrm;
  const logs = capturingLog('debug');
  const crmKey = 'connected-key-SECRET-4242';

  beforeAll(async () => {
    crm = await startFakeCrm({ apiKey: crmKey });
    rig = await startAccountsRig(
      [
        { name: 'acme', targets: ['shop'] },
        { name: 'beta', targets: ['shop'] },
      ],
      {
        log: logs.log,
        secretBox: createSecretBox(crypto.randomBytes(32)),
        extra: { connect: { allowedHosts: [new URL(crm.url).host] } },
      },
    );
  });
  afterAll(async () => {
    await rig.close();
    await crm.close();
  });

  it('keeps them out while accounts are connected, called and deactivated', async () => {
    const refused = await rig.call('POST', '/admin/accounts', { body: { url: crm.url, apiKey: 'wrong-key-SECRET-1' } });
    expect(refused.status).toBe(400);
    const added = await rig.call('POST', '/admin/accounts', { body: { url: crm.url, apiKey: crmKey, name: 'gamma' } });
    expect(added.status).toBe(201);
    const clientId = String(crm.modules.get('stockbridge')!.clientId);
    const { shipmentsToken } = (await rig.call('POST', '/admin/accounts/gamma/shipments-token')).body;
    const cb = `${rig.base}/callbacks/inventories-upload`;
    expect((await crm.callPoint(cb, clientId, { offers: [offer('G-1', { main: 1 })] })).status).toBe(200);
    const byQuery = await rig.call('POST', `/callbacks/inventories-upload?clientId=${clientId}`, {
      token: null,
      form: { offers: [offer('G-2', { main: 2 })] },
    });
    expect(byQuery.status).toBe(200);
    for (const a of ['acme', 'beta']) expect((await rig.upload(a, [offer('F-1', { main: 3 })])).status).toBe(200);
    const unknown = await rig.call('POST', `/callbacks/activity?clientId=${clientId}x`, {
      token: null,
      form: { activity: { active: true, freeze: false } },
    });
    expect(unknown.status).toBe(403);
    rig.accounts.acme.crm.addOrder('A-1', 'acme-site');
    const shipped = await rig.call('POST', '/shipments', {
      token: rig.accounts.acme.shipmentsToken,
      body: { orderExternalId: 'A-1', shipped: true, shipmentStore: 'main' },
    });
    expect(shipped.status).toBe(202);
    await waitFor(() => rig.accounts.acme.crm.orderEdits.length === 1, { what: "acme's order edit" });
    expect((await rig.call('POST', '/admin/accounts/gamma/deactivate')).status).toBe(200);

    const answers = [
      (await rig.call('GET', '/admin/accounts')).text,
      (await rig.call('GET', '/admin/accounts/gamma')).text,
      (await rig.call('GET', '/admin/accounts/gamma/callbacks/recent')).text,
      added.text,
    ];
    const metrics = (await rig.call('GET', '/metrics', { token: null })).text;
    const secrets = [crmKey, 'wrong-key-SECRET-1', clientId, shipmentsToken as string];
    for (const a of Object.values(rig.accounts)) secrets.push(a.apiKey, a.clientId, a.shipmentsToken);
    expect(logs.lines.length).toBeGreaterThan(10);
    for (const [where, text] of [['logs', logs.text()], ['metrics', metrics], ...answers.map((t) => ['admin', t])])
      for (const s of secrets) expect({ where, leaked: text.includes(s) }).toEqual({ where, leaked: false });
  });
});
