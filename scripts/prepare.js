#!/usr/bin/env node
// npm's `prepare` (runs after `npm ci` / `npm install` in a clone): compile src and routes to dist/ when TypeScript
// is installed (a development install); an `npm ci --omit=dev` has no TypeScript and builds nothing here: run
// `npm run build` before it (README "Production install"). `npm start` never compiles.
'use strict';
const { execFileSync } = require('node:child_process');
const path = require('node:path');

let tsc;
try {
  tsc = require.resolve('typescript/bin/tsc', { paths: [path.join(__dirname, '..')] });
} catch {
  const built = require('node:fs').existsSync(path.join(__dirname, '..', 'dist', 'src', 'main.js'));
  process.stdout.write(
    built
      ? 'stockbridge: TypeScript not installed (production install), using the existing build in dist/\n'
      : 'stockbridge: TypeScript not installed and no dist/ yet: run `npm run build` in a full install first ' +
          '(README "Production install")\n',
  );
  process.exit(0);
}
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], {
  cwd: path.join(__dirname, '..'),
  stdio: 'inherit',
});
