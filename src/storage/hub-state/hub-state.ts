export interface ModuleState {
  active: boolean;
  freeze: boolean;
  systemUrl?: string;
  updatedAt: number;
}

export interface TargetState {
  target: string;
  paused: boolean;
  pausedReason: string | null;
  pausedAt: number | null;
}

/** Module state (from the CRM's activity callback) and per-target operator state (pause). */
export interface HubState {
  /** The module's state in one account (default `default`); when never set: active, not frozen, updatedAt 0. */
  getModule(account?: string): Promise<ModuleState>;
  setModule(state: ModuleState, account?: string): Promise<void>;
  getTarget(target: string): Promise<TargetState>;
  /** `reason` null resumes. */
  setTargetPaused(target: string, reason: string | null, now: number): Promise<void>;
}
