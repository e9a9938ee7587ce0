import fs from 'node:fs';
import path from 'node:path';
import { spawnHub } from '../../helpers/spawn-hub';
import { rawConfig, tmpDir } from '../../helpers/test-config';

describe('npm start', () => {
  it('names the version and the config file in the start-up log line', async () => {
    const dir = tmpDir();
    const file = path.join(dir, 'stockbridge.json');
    fs.writeFileSync(file, JSON.stringify(rawConfig({ log: { level: 'info' }, targets: [] })));
    const version = (
      JSON.parse(fs.readFileSync(path.join(__dirname, '../../../package.json'), 'utf8')) as {
        version: string;
      }
    ).version;
    const hub = await spawnHub(file);
    try {
      const line = hub
        .output()
        .split('\n')
        .find((l) => l.includes('stockbridge listening'));
      expect(JSON.parse(line!)).toMatchObject({ version, config: file });
    } finally {
      hub.proc.kill('SIGTERM');
      await hub.exited;
    }
  });
});
