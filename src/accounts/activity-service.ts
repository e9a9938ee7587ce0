import type { Logger } from 'pino';
import type { HubState, ModuleState } from '../storage/stores';
import { DEFAULT_ACCOUNT } from './account-names';

export interface ActivityService {
  set(input: { active: boolean; freeze: boolean; systemUrl?: string }): Promise<ModuleState>;
  get(): Promise<ModuleState>;
  /** A module is inactive when `!active || freeze`: stock is still accepted, but held. */
  isActive(): Promise<boolean>;
}

/**
 * The module's activity in ONE account (from that account's activity callback): `active && !freeze` decides
 * whether its targets are sent to; every other account flows on.
 */
export function createActivityService(deps: {
  hubState: HubState;
  /** The account (default: `default`, the single account of a 0.2 hub). */
  account?: string;
  log: Logger;
  onChange?: (s: ModuleState) => void;
}): ActivityService {
  const account = deps.account ?? DEFAULT_ACCOUNT;
  return {
    async set(input) {
      const state: ModuleState = {
        active: input.active,
        freeze: input.freeze,
        systemUrl: input.systemUrl,
        updatedAt: Date.now(),
      };
      await deps.hubState.setModule(state, account);
      deps.log.info(
        { active: state.active, freeze: state.freeze },
        state.active && !state.freeze
          ? 'module active: deliveries run'
          : 'module inactive or frozen: stock is accepted and held',
      );
      deps.onChange?.(state);
      return state;
    },
    get: () => deps.hubState.getModule(account),
    async isActive() {
      const s = await deps.hubState.getModule(account);
      return s.active && !s.freeze;
    },
  };
}
