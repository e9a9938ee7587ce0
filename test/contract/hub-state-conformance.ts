import type { OpenStores } from '../../src/storage/stores';
import { useStores } from './use-stores';

export function hubStateConformance(driverName: string, openStores: OpenStores) {
  describe(`HubState conformance: ${driverName}`, () => {
    const s = useStores(openStores);

    it('module state defaults to active and round-trips', async () => {
      expect(await s.stores.hubState.getModule()).toEqual({ active: true, freeze: false, updatedAt: 0 });
      await s.stores.hubState.setModule({ active: false, freeze: true, systemUrl: 'https://x', updatedAt: 5 });
      const again = await s.restart();
      expect(await again.hubState.getModule()).toEqual({
        active: false,
        freeze: true,
        systemUrl: 'https://x',
        updatedAt: 5,
      });
    });

    it('the default module state is a fresh value each time (a caller changing it changes nothing stored)', async () => {
      const m = await s.stores.hubState.getModule();
      m.active = false;
      expect(await s.stores.hubState.getModule()).toEqual({ active: true, freeze: false, updatedAt: 0 });
    });

    it('pauses and resumes a target', async () => {
      const h = s.stores.hubState;
      expect(await h.getTarget('t')).toEqual({ target: 't', paused: false, pausedReason: null, pausedAt: null });
      await h.setTargetPaused('t', 'bad key', 9);
      expect(await h.getTarget('t')).toEqual({ target: 't', paused: true, pausedReason: 'bad key', pausedAt: 9 });
      await h.setTargetPaused('t', null, 10);
      expect((await h.getTarget('t')).paused).toBe(false);
    });
  });
}
