import request from 'supertest';
import { OUTCOME } from '../../../src/domain/outcomes';
import { offer } from '../../helpers/callback-bodies';
import { startFanoutRig, waitDelivered } from '../../helpers/fanout-rig';
import { capturingLog, waitFor } from '../../helpers/test-config';

describe('one outcome vocabulary in logs and metrics', () => {
  it('a delivery and a dead letter use the same words in the log lines and in the metrics', async () => {
    const logs = capturingLog('info');
    const rig = await startFanoutRig({ skus: ['HERE'], target: { maxAttempts: 1 }, log: logs.log });
    try {
      await rig.post([offer('HERE', { main: 1 }), offer('GONE', { main: 1 })]);
      await waitDelivered(rig.hub, 'shop', ['HERE']);
      await waitFor(async () => (await rig.hub.storage.deliveries.get('shop', 'GONE'))?.dead, {
        what: 'a dead letter',
      });
      const metrics = (await request(rig.hub.app).get('/metrics')).text;
      const words = new Set<string>(Object.values(OUTCOME));
      const inMetrics = [...metrics.matchAll(/outcome="([^"]+)"/g)].map((m) => m[1]);
      const inLogs = logs.lines.map((l) => (JSON.parse(l) as { outcome?: string }).outcome).filter((o) => o);
      expect(inMetrics).toEqual(expect.arrayContaining(['delivered', 'dead', 'accepted']));
      expect(inLogs).toEqual(expect.arrayContaining(['delivered', 'dead']));
      for (const w of [...inMetrics, ...inLogs]) expect(words).toContain(w);
    } finally {
      await rig.close();
    }
  });
});
