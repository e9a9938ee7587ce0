import type { Logger } from 'pino';
import type { HubState, ModuleState } from '../storage/stores';
import { DEFAULT_ACCOUNT } from './account-names';

/** What the hub notes about an account's address beside the CRM's activity (see follow-system-url.ts). */
export type UrlNote = Pick<ModuleState, 'crmUrl' | 'fileUrl' | 'urlProblem'>;

export interface ActivityService {
  set(input: { active: boolean; freeze: boolean; systemUrl?: string }): Promise<ModuleState>;
  get(): Promise<ModuleState>;
  /** A module is inactive when `!active || freeze`: stock is still accepted, but held. */
  isActive(): Promise<boolean>;
  /** Change the address notes only (the activity stays as the CRM last said). */
  note(patch: Partial<UrlNote>): Promise<ModuleState>;
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
  // Both writers read, merge and write one JSON row: in turn, so a note never drops an activity or the reverse.
  let chain: Promise<unknown> = Promise.resolve();
  const inTurn = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = chain.then(fn, fn);
    chain = next.catch(() => undefined);
    return next;
  };
  return {
    set: (input) =>
      inTurn(async () => {
        const prev = await deps.hubState.getModule(account);
        const state: ModuleState = {
          ...prev,
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
      }),
    get: () => deps.hubState.getModule(account),
    async isActive() {
      const s = await deps.hubState.getModule(account);
      return s.active && !s.freeze;
    },
    note: (patch) =>
      inTurn(async () => {
        const state = { ...(await deps.hubState.getModule(account)), ...patch };
        for (const k of Object.keys(patch) as Array<keyof UrlNote>) if (patch[k] === undefined) delete state[k];
        await deps.hubState.setModule(state, account);
        return state;
      }),
  };
}
