import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { locateJsonError } from '../../../src/config/json-syntax-error';
import { ConfigError, loadConfig } from '../../../src/config/load-config';
import { rawConfig, tmpDir } from '../../helpers/test-config';

const MAIN = path.join(__dirname, '../../../dist/src/main.js');
const SECRET = 'H5sDf8Jk2-SECRET-q9Zx';
const SEED = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);

/** stockbridge.json as a person might break it: the MerchantPro secret in single quotes on line `line`. */
function brokenConfig(): { text: string; line: number; column: number } {
  const text = JSON.stringify(rawConfig(), null, 2).replace(
    '"apiSecret": "mp-secret-SECRET-6666"',
    `"apiSecret": '${SECRET}'`,
  );
  const at = text.indexOf(`'${SECRET}'`);
  const before = text.slice(0, at);
  return { text, line: before.split('\n').length, column: at - before.lastIndexOf('\n') };
}

function start(configFile: string): Promise<{ code: number; stderr: string; stdout: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [MAIN],
      { env: { ...process.env, STOCKBRIDGE_CONFIG: configFile }, timeout: 20_000 },
      (err, stdout, stderr) => resolve({ code: err && typeof err.code === 'number' ? err.code : 0, stderr, stdout }),
    );
  });
}

describe('a config syntax error names line and column and what is wrong, never the text around it', () => {
  it('loadConfig: single-quoted secret → line, column, "single quote"; no fragment of the secret', () => {
    const dir = tmpDir();
    const file = path.join(dir, 'stockbridge.json');
    const b = brokenConfig();
    fs.writeFileSync(file, b.text);
    let err: unknown;
    try {
      loadConfig(file, {});
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const text = (err as ConfigError).describe() + (err as Error).message;
    expect(text).toContain(`line ${b.line}, column ${b.column}`);
    expect(text).toContain('single quote');
    for (let i = 0; i + 4 <= SECRET.length; i++) expect(text).not.toContain(SECRET.slice(i, i + 4));
  });

  it('npm start: exits 2 with line and column on stderr, and no piece of the secret', async () => {
    if (!fs.existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npm run build\` (npm test does it) first`);
    const file = path.join(tmpDir(), 'stockbridge.json');
    const b = brokenConfig();
    fs.writeFileSync(file, b.text);
    const r = await start(file);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`line ${b.line}, column ${b.column}`);
    for (let i = 0; i + 4 <= SECRET.length; i++) expect(r.stderr + r.stdout).not.toContain(SECRET.slice(i, i + 4));
  }, 30_000);

  it.each([
    ['{"a": 1,}', 1, 9, 'no comma'],
    ['{"a": 1\n "b": 2}', 2, 2, '"," or "}"'],
    ["{'a': 1}", 1, 2, 'single quote'],
    ['{"a": secret}', 1, 7, 'missing its double quotes'],
    ['{"a": "x', 1, 9, 'closing double quote'],
    ['{"a": "x\ny"}', 1, 9, 'raw line break'],
    ['[1, 2,]', 1, 7, 'no comma'],
    ['{"a": 1} x', 1, 10, 'end of the file'],
    ['', 1, 1, 'the file ends'],
    ['\ufeff{}', 1, 1, 'byte-order mark'],
    ['{"a": "\\q"}', 1, 8, 'unknown escape'],
  ])('%j → line %i, column %i (%s)', (text, line, column, what) => {
    expect(() => JSON.parse(text) as unknown).toThrow();
    const p = locateJsonError(text);
    expect(p).toMatchObject({ line, column });
    expect(p!.problem).toContain(what);
  });

  it(`property: it finds an error exactly when JSON.parse does, and never quotes letters or digits (seed ${SEED})`, () => {
    const doc = fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v, null, 1));
    fc.assert(
      fc.property(doc, fc.nat(), fc.constantFrom('', "'", ',', '}', ']', '"', 'x', '\n', ':', '\\'), (t, at, ins) => {
        const pos = at % (t.length + 1);
        const text = t.slice(0, pos) + ins + t.slice(pos);
        let valid = true;
        try {
          JSON.parse(text);
        } catch {
          valid = false;
        }
        const p = locateJsonError(text);
        expect(p === undefined).toBe(valid);
        if (p) expect(p.problem).not.toMatch(/"[A-Za-z0-9]"/);
      }),
      { seed: SEED, numRuns: 500 },
    );
  });
});
