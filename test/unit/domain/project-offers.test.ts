import { projectOffers } from '../../helpers/project-offers';
import { testConfig } from '../../helpers/test-config';

describe('projectOffers', () => {
  const targets = testConfig().targets; // ro-shop: xmlId, main+north; bg-shop: externalId, main

  it('maps each offer to each target by its offerKey and only its mapped warehouses', () => {
    const p = projectOffers(
      [
        {
          xmlId: 'X',
          externalId: 'E',
          stores: [
            { code: 'main', available: 1 },
            { code: 'north', available: 2 },
            { code: 'south', available: 3 },
          ],
        },
      ],
      targets,
    );
    expect(p.rows).toEqual([
      { target: 'ro-shop', item: 'X', warehouse: 'main', quantity: 1 },
      { target: 'ro-shop', item: 'X', warehouse: 'north', quantity: 2 },
      { target: 'bg-shop', item: 'E', warehouse: 'main', quantity: 1 },
    ]);
    expect(p.unmapped).toEqual([]);
  });

  it('reports an offer without the offerKey field as unmapped for that target only', () => {
    const p = projectOffers([{ id: 7, externalId: 'E', stores: [{ code: 'main', available: 1 }] }], targets);
    expect(p.unmapped).toEqual([
      { target: 'ro-shop', offerLabel: 'id=7 externalId=E', reason: "offer has no xmlId (the target's offerKey)" },
    ]);
    expect(p.rows).toEqual([{ target: 'bg-shop', item: 'E', warehouse: 'main', quantity: 1 }]);
  });

  it('ignores offers whose warehouses the target does not map', () => {
    expect(projectOffers([{ xmlId: 'X', stores: [{ code: 'south', available: 1 }] }], targets)).toEqual({
      rows: [],
      unmapped: [],
    });
  });
});
