import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

/** Another hub holds the SQLite state: this one must not start. */
export class StateLockedError extends Error {}

/**
 * One SQLite file, one hub: an exclusive lock on `<storage.path>.lock`, held for the life of the process. It is an
 * OS-level lock (SQLite's own POSIX advisory lock, through an open `BEGIN EXCLUSIVE` transaction on a small file of
 * its own), so the OS releases it when the process ends however it ends, SIGKILL and crashes included: no stale lock
 * file to delete. The state file itself is not locked this way: `npm run sync`, `reconcile` and the projector thread
 * still open it beside the hub.
 */
export function holdStateLock(statePath: string): { lockPath: string; release(): void } {
  const lockPath = `${path.resolve(statePath)}.lock`;
  fs.mkdirSync(path.dirname(lockPath), { recursive: true });
  // timeout 0: a held lock answers SQLITE_BUSY at once instead of after better-sqlite3's default 5 s wait.
  const db = new Database(lockPath, { timeout: 0 });
  try {
    db.pragma('journal_mode = DELETE');
    db.exec('BEGIN EXCLUSIVE');
  } catch (err) {
    db.close();
    if ((err as { code?: string }).code === 'SQLITE_BUSY')
      throw new StateLockedError(
        `another hub is already running on ${path.resolve(statePath)} (it holds ${lockPath}). ` +
          'SQLite serves one instance: stop the other hub, or give this one its own storage.path; for several ' +
          'instances use storage.driver "postgres" (README "Running several instances").',
      );
    throw err;
  }
  return {
    lockPath,
    release: () => {
      if (db.open) db.close();
    },
  };
}
