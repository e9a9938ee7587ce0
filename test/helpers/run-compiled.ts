import { execFile } from 'node:child_process';
import path from 'node:path';

const DIST = path.join(__dirname, '../../dist/src');

/**
 * Runs a compiled entry point (`dist/src/<script>`, which npm test builds first) as a user would, and resolves with
 * its exit code (1 when it was killed) and everything it printed.
 */
export function runCompiled(
  script: string,
  args: string[],
  opts: { timeoutMs: number; env?: NodeJS.ProcessEnv },
): Promise<{ code: number; out: string; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.join(DIST, script), ...args],
      { timeout: opts.timeoutMs, env: opts.env ?? process.env },
      (err, stdout, stderr) =>
        resolve({
          code: err ? (typeof err.code === 'number' ? err.code : 1) : 0,
          out: stdout + stderr,
          stdout,
          stderr,
        }),
    );
  });
}
