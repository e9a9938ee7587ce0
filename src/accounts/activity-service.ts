import type { Logger } from 'pino';
import type { HubState, ModuleState } from '../storage/stores';

export interface ActivityService {
  set(input: { active: boolean; freeze: boolean; systemUrl?: string }): Promise<ModuleState>;
  get(): Promise<ModuleState>;
  /** A module is inactive when `!active || freeze`: stock is still accepted, but held. */
  isActive(): Promise<boolean>;
}

export function createActivityService(deps: {
  hubState: HubState;
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
      await deps.hubState.setModule(state);
      deps.log.info(
        { active: state.active, freeze: state.freeze },
        state.active && !state.freeze
          ? 'module active: deliveries run'
          : 'module inactive or frozen: stock is accepted and held',
      );
      deps.onChange?.(state);
      return state;
    },
    get: () => deps.hubState.getModule(),
    async isActive() {
      const s = await deps.hubState.getModule();
      return s.active && !s.freeze;
    },
  };
}
