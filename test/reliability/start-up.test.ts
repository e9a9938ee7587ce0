import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { rawConfig, SECRETS, tmpDir } from '../helpers/test-config';

const MAIN = path.join(__dirname, '../../dist/src/main.js');

function start(configFile: string, env: Record<string, string> = {}): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [MAIN],
      { env: { ...process.env, STOCKBRIDGE_CONFIG: configFile, ...env }, timeout: 20_000 },
      (err, _out, stderr) => {
        resolve({ code: err && typeof err.code === 'number' ? err.code : 0, stderr });
      },
    );
  });
}

describe('npm start with a bad configuration', () => {
  it('exits 2 listing every problem with what to do, and prints no secret', async () => {
    const dir = tmpDir();
    const file = path.join(dir, 'stockbridge.json');
    const cfg = rawConfig({ server: { port: 'x', publicUrl: 'nope' } });
    (cfg.crm as Record<string, unknown>).apiKey = '${CRM_KEY_NOT_SET}';
    (cfg.targets as Array<Record<string, unknown>>)[0].offerKey = 'sku';
    fs.writeFileSync(file, JSON.stringify(cfg));
    const r = await start(file);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`cannot start with ${file}`);
    for (const p of [
      'server.port',
      'server.publicUrl',
      'crm.apiKey: environment variable CRM_KEY_NOT_SET is not set',
      'targets[0].offerKey',
    ])
      expect(r.stderr).toContain(p);
    for (const secret of Object.values(SECRETS)) expect(r.stderr).not.toContain(secret);
  });

  it('exits 2 when the file is missing, saying where to start', async () => {
    const r = await start(path.join(tmpDir(), 'absent.json'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('stockbridge.example.json');
  });
});
