import { execFile } from 'node:child_process';
import path from 'node:path';

/** `npm run demo -- --once --postgres`: its own embedded PostgreSQL, two hub instances (npm test compiles first). */
function runDemo(): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.join(__dirname, '../../../dist/src/cli/demo.js'), '--once', '--postgres'],
      { timeout: 90_000 },
      (err, stdout, stderr) => {
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, out: stdout + stderr });
      },
    );
  });
}

describe('npm run demo -- --once --postgres', () => {
  it('plays the scenario on an embedded PostgreSQL with two instances, without printing its password', async () => {
    const { code, out } = await runDemo();
    expect(out).not.toContain('✘');
    expect(code).toBe(0);
    expect(out).toContain('All steps succeeded.');
    expect(out).toMatch(/postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/stockbridge_demo \(embedded PostgreSQL\)/);
    expect(out).toMatch(/instances http:\/\/127\.0\.0\.1:\d+ and http:\/\/127\.0\.0\.1:\d+/);
    expect(out).toMatch(/TSHIRT-BLK-XL ro-shop: Depozit central=9, Depozit nord=3 \| bg-shop: stock=9/);
    expect(out).not.toContain('DeprecationWarning');
  });
});
