import type { Logger } from 'pino';
import type { ModuleState, Storage } from '../storage/storage';

export interface ActivityService {
  set(input: { active: boolean; freeze: boolean; systemUrl?: string }): Promise<ModuleState>;
  get(): Promise<ModuleState>;
  /** A module is inactive when `!active || freeze`: stock is still accepted, but held. */
  isActive(): Promise<boolean>;
}

export function createActivityService(deps: {
  storage: Storage;
  log: Logger;
  onChange?: (s: ModuleState) => void;
}): ActivityService {
  return {
    async set(input) {
      const state: ModuleState = {
        active: input.active,
        freeze: input.freeze,
        systemUrl: input.systemUrl,
        updatedAt: Date.now(),
      };
      await deps.storage.setModuleState(state);
      deps.log.info(
        { active: state.active, freeze: state.freeze },
        state.active && !state.freeze
          ? 'module active: deliveries run'
          : 'module inactive or frozen: stock is accepted and held',
      );
      deps.onChange?.(state);
      return state;
    },
    get: () => deps.storage.getModuleState(),
    async isActive() {
      const s = await deps.storage.getModuleState();
      return s.active && !s.freeze;
    },
  };
}
