export interface ModuleState {
  active: boolean;
  freeze: boolean;
  /** The address the CRM's last activity callback gave (as seen, whether followed or not). */
  systemUrl?: string;
  updatedAt: number;
  /**
   * A file-declared account the CRM moved: the address followed (used over the file's while the file still says
   * `fileUrl`, the file's address when it was followed). Connected accounts keep their address in their row.
   */
  crmUrl?: string;
  fileUrl?: string;
  /** Why the last `systemUrl` was not followed (refused by the URL rules, or a failure retried at the next one). */
  urlProblem?: string;
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
