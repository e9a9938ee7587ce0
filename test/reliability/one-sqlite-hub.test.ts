import fs from 'node:fs';
import path from 'node:path';
import { spawnHub, type SpawnedHub } from '../helpers/spawn-hub';
import { rawConfig, tmpDir } from '../helpers/test-config';

describe('one SQLite file, one hub', () => {
  const children: SpawnedHub[] = [];
  afterAll(() => {
    for (const c of children) c.proc.kill('SIGKILL');
  });

  it('a second hub on the same state file refuses to start, saying why; the lock goes with a killed hub', async () => {
    const dir = tmpDir();
    const dbPath = path.join(dir, 'data', 'hub.db');
    const configFile = path.join(dir, 'stockbridge.json');
    fs.writeFileSync(configFile, JSON.stringify(rawConfig({ storage: { path: dbPath }, log: { level: 'info' } })));

    const first = await spawnHub(configFile);
    children.push(first);
    const second = spawnHub(configFile);
    await expect(second).rejects.toThrow(/hub exited with 1 before listening/);
    await expect(second).rejects.toThrow(
      /cannot start: another hub is already running on .*hub\.db[^\n]*storage\.driver "postgres"/,
    );
    // The first one is untouched.
    expect((await fetch(`${first.url}/readyz`)).status).toBe(200);

    // Released by the OS when the holder dies, even by SIGKILL: no stale lock to clean up.
    first.proc.kill('SIGKILL');
    expect(await first.exited).toBeNull();
    const third = await spawnHub(configFile);
    children.push(third);
    expect((await fetch(`${third.url}/readyz`)).status).toBe(200);
  });

  it('hubs on different state files both start', async () => {
    const dir = tmpDir();
    const start = async (name: string) => {
      const configFile = path.join(dir, `${name}.json`);
      const cfg = rawConfig({ storage: { path: path.join(dir, `${name}.db`) }, log: { level: 'info' } });
      fs.writeFileSync(configFile, JSON.stringify(cfg));
      const hub = await spawnHub(configFile);
      children.push(hub);
      return hub;
    };
    const [a, b] = await Promise.all([start('a'), start('b')]);
    expect((await fetch(`${a.url}/readyz`)).status).toBe(200);
    expect((await fetch(`${b.url}/readyz`)).status).toBe(200);
  });
});
