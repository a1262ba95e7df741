/**
 * Part of `npm start`: builds the web app when there is no build yet or when any source file is newer than
 * it, so a fresh clone (or a `git pull`) needs no separate build step.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { childEnv, getConfig } from '../config';

const root = process.cwd();
const buildId = path.join(root, getConfig().distDir, 'BUILD_ID');
const SOURCES = ['app', 'lib', 'db', 'public', 'instrumentation.ts', 'next.config.js', 'package.json', 'package-lock.json'];

function newestMtime(p: string): number {
  if (!fs.existsSync(p)) return 0;
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of fs.readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, entry)));
  return newest;
}

const builtAt = fs.existsSync(buildId) ? fs.statSync(buildId).mtimeMs : 0;
const sourcesAt = Math.max(...SOURCES.map((s) => newestMtime(path.join(root, s))));
if (builtAt === 0 || sourcesAt > builtAt) {
  console.log(builtAt === 0 ? 'upbeat: first start, building the web app…' : 'upbeat: sources changed, rebuilding…');
  // Without this, a first build prints Next.js's telemetry notice (and would send telemetry) on a new machine.
  const env = childEnv({ NEXT_TELEMETRY_DISABLED: '1' });
  const result = spawnSync('npx', ['next', 'build'], { stdio: 'inherit', cwd: root, env });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

// The server `npm start` runs (lib/server/main.ts), prebuilt like the CLI: rebuilt when missing or stale.
const { ensureServerBundle } = await import('../server/server-bundle.mjs');
await ensureServerBundle();
