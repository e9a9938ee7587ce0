import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

/**
 * @sparticuz/chromium is an ES module, which jest's CommonJS runtime cannot load: ask plain Node for the browser's
 * path (it unpacks the binary to /tmp on first use) and its flags.
 */
export async function chromiumLaunchInfo(): Promise<{ path: string; args: string[] }> {
  const script =
    "import('@sparticuz/chromium').then(async ({ default: c }) => " +
    'process.stdout.write(JSON.stringify({ path: await c.executablePath(), args: c.args })))';
  const { stdout } = await promisify(execFile)(process.execPath, ['-e', script], {
    cwd: path.join(__dirname, '../..'),
    timeout: 120_000,
  });
  return JSON.parse(stdout) as { path: string; args: string[] };
}
