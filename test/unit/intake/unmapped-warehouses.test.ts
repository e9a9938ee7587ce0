import { createMetrics } from '../../../src/metrics/create-metrics';
import { createUnmappedWarehouses } from '../../../src/intake/unmapped-warehouses';
import { capturingLog } from '../../helpers/test-config';

describe('unmapped warehouses', () => {
  const figure = (code: string, sku = 'A') => ({ xmlId: sku, stores: [{ code, available: 1 }] });

  it('warns once per warehouse per hour, counting what came in between', () => {
    let t = 1_000;
    const logs = capturingLog('warn');
    const u = createUnmappedWarehouses({
      targets: [{ warehouses: { main: 'M' } }],
      metrics: createMetrics(),
      log: logs.log,
      now: () => t,
    });
    u.observe([figure('south'), figure('main')]);
    t += 3599_000;
    u.observe([figure('south'), figure('south')]);
    expect(logs.text().match(/no target maps it/g)).toHaveLength(1);
    t += 1_000;
    u.observe([figure('south')]);
    expect(logs.text().match(/no target maps it/g)).toHaveLength(2);
    expect(logs.text()).toMatch(/"warehouse":"south","figures":3/);
    expect(u.list()).toEqual([expect.objectContaining({ warehouse: 'south', figures: 4 })]);
  });

  it('is bounded: beyond 50 warehouses one (other) label and entry', async () => {
    const metrics = createMetrics();
    const u = createUnmappedWarehouses({ targets: [], metrics, log: capturingLog('error').log });
    for (let i = 0; i < 80; i++) u.observe([figure(`w${i}`)]);
    expect(u.list()).toHaveLength(51);
    expect(u.list().at(-1)).toMatchObject({ warehouse: '(other)', figures: 30 });
    expect((await metrics.render()).body).toMatch(/stockbridge_unmapped_figures_total\{warehouse="\(other\)"\} 30/);
  });
});
