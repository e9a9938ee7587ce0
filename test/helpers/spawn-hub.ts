import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const MAIN = path.join(__dirname, '../../dist/src/main.js');

export interface SpawnedHub {
  proc: ChildProcess;
  port: number;
  url: string;
  output: () => string;
  exited: Promise<number | null>;
}

/** Start the compiled service (`npm test` compiles first) as a child process and wait for it to listen. */
export async function spawnHub(configFile: string, env: Record<string, string> = {}): Promise<SpawnedHub> {
  if (!fs.existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npm run build\` (npm test does it) first`);
  const proc = spawn(process.execPath, [MAIN], {
    env: { ...process.env, ...env, STOCKBRIDGE_CONFIG: configFile, PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  proc.stderr.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`hub did not start within 15 s:\n${out}`)), 15_000);
    const check = () => {
      const m = out.match(/"port":(\d+)[^\n]*stockbridge listening/);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    proc.stdout.on('data', check);
    proc.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`hub exited with ${code} before listening:\n${out}`));
    });
  });
  return { proc, port, url: `http://127.0.0.1:${port}`, output: () => out, exited };
}
