#!/usr/bin/env node
// Runs the test files with Node's own test runner (TypeScript through tsx). Node 20's --test does not expand
// globs, so the files are listed here. Usage: node tests/run.mjs [unit|e2e|all] [name filter]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const [suite = 'all', filter = ''] = process.argv.slice(2);
const dirs = suite === 'all' ? ['tests/unit', 'tests/e2e'] : [`tests/${suite}`];

function walk(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return walk(p);
    return /\.test\.tsx?$/.test(e.name) ? [p] : [];
  });
}

const files = dirs
  .flatMap((d) => walk(path.join(root, d)))
  .filter((f) => f.includes(filter))
  .sort();
if (files.length === 0) {
  console.error(`no test files under ${dirs.join(', ')} matching "${filter}"`);
  process.exit(1);
}
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1' };
// End-to-end files run against `next start`: build once, up front, when the build is missing or stale.
if (files.some((f) => f.includes(`${path.sep}e2e${path.sep}`))) {
  const build = spawnSync(process.execPath, ['--import', 'tsx', 'lib/cli/ensure-build.ts'], { cwd: root, stdio: 'inherit', env });
  if (build.status !== 0) {
    console.error('the web app did not build; end-to-end tests cannot run');
    process.exit(build.status ?? 1);
  }
}
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--import', './tests/helpers/allow-server-only.mjs', '--test', '--test-reporter=spec', '--test-concurrency=2', ...files],
  { cwd: root, stdio: 'inherit', env },
);
process.exit(result.status ?? 1);
