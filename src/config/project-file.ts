import fs from 'node:fs';
import path from 'node:path';

/** A file at the project root, found from here whether running from src/ (tests) or dist/src/ (scripts). */
export function projectFile(name: string): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`cannot find the project root above ${__dirname}`);
    dir = up;
  }
  return path.join(dir, name);
}
