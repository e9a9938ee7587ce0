import fs from 'node:fs';
import path from 'node:path';

// What a new user adopting the release reads first: the licence, the install, the README (issue 19, problems 3, 4, 8).
const root = path.join(__dirname, '../..');
const read = (file: string) => fs.readFileSync(path.join(root, file), 'utf8');
const readJson = (file: string) => JSON.parse(read(file)) as Record<string, unknown>;

/** README lines outside fenced code blocks, with their line numbers. */
function proseLines(text: string): { n: number; line: string }[] {
  let fenced = false;
  const out: { n: number; line: string }[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.startsWith('```')) fenced = !fenced;
    else if (!fenced) out.push({ n: i + 1, line });
  });
  return out;
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
const slug = (heading: string) =>
  heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');

describe('release: licence, install, README', () => {
  const readme = read('README.md');
  const lines = proseLines(readme);

  it('is MIT in LICENSE, package.json and the lock file, and not marked private', () => {
    expect(read('LICENSE')).toMatch(/^MIT License\n/);
    const pkg = readJson('package.json');
    expect(pkg.license).toBe('MIT');
    expect(pkg.private).toBeUndefined();
    const lockRoot = (readJson('package-lock.json').packages as Record<string, Record<string, unknown>>)[''];
    expect(lockRoot).toMatchObject({ license: 'MIT', version: pkg.version });
  });

  it('npm start runs the build and never compiles; the build is the service only (no tests, benchmarks, fakes)', () => {
    const scripts = readJson('package.json').scripts as Record<string, string>;
    expect(scripts.start).toBe('node dist/src/main.js');
    const build = readJson('tsconfig.build.json') as { include: string[] };
    expect(build.include).toEqual(['src/**/*.ts', 'routes/**/*.ts']);
    const imports: string[] = [];
    const walk = (dir: string): void => {
      for (const e of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
        const rel = path.join(dir, e.name);
        if (e.isDirectory()) walk(rel);
        else if (
          rel.endsWith('.ts') &&
          /from '(\.\.\/)+(test|bench)\//.test(fs.readFileSync(path.join(root, rel), 'utf8'))
        )
          imports.push(rel);
      }
    };
    walk('src');
    walk('routes');
    expect(imports).toEqual([]);
  });

  it('every table row is inside its table: no paragraph splits one (the outcome table kept its 401, 3xx, 404 rows)', () => {
    const loose = lines.filter(({ line }, i) => {
      if (!line.startsWith('|')) return false;
      const before = lines[i - 1]?.line ?? '';
      const after = lines[i + 1]?.line ?? '';
      return !before.startsWith('|') && !/^\|[-| :]+\|$/.test(after);
    });
    expect(loose.map(({ n, line }) => `${n}: ${line.slice(0, 40)}`)).toEqual([]);
    const outcomes = readme.slice(readme.indexOf('### Outcomes'));
    const table = outcomes.slice(outcomes.indexOf('| answer |')).split('\n\n')[0];
    for (const row of ['| 401, 403 |', '| 3xx |', '| 404 |', '| other 4xx |']) expect(table).toContain(row);
  });

  it('never puts a scheme before a placeholder that is already a URL', () => {
    expect(readme).not.toMatch(/\w+:\/\/<server\.publicUrl>/);
    expect(readme).not.toMatch(/\w+:\/\/\$\{STOCKBRIDGE_PUBLIC_URL\}/);
  });

  it('has the deployment sections, and every Contents link leads to a heading', () => {
    const headings = new Set(lines.filter((l) => /^#{2,3} /.test(l.line)).map((l) => slug(l.line.replace(/^#+ /, ''))));
    for (const s of ['production-install', 'container-image', 'running-behind-a-reverse-proxy'])
      expect(headings).toContain(s);
    expect(headings).toContain('operating-logs-and-metrics');
    const contents = readme.slice(readme.indexOf('## Contents'), readme.indexOf('## How it works'));
    const links = [...contents.matchAll(/\]\(#([^)]+)\)/g)].map((m) => m[1]);
    expect(links.length).toBeGreaterThan(10);
    expect(links.filter((l) => !headings.has(l))).toEqual([]);
  });
});
