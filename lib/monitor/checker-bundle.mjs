/**
 * The checker's worker (checker-worker.ts) as one prebuilt JavaScript file, for `next start`, whose server cannot
 * load TypeScript at run time. Plain JavaScript itself, because it runs before anything could compile it.
 *
 * `node lib/monitor/checker-bundle.mjs` builds it (part of `npm run build`); `ensureCheckerBundle()` builds it when
 * it is missing or when any file it was made from has changed since (their list is kept beside it).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { threadId } from 'node:worker_threads';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DEFAULT_OUT_DIR = path.join(root, 'dist', 'checker');
const ENTRY = path.join(root, 'lib', 'monitor', 'checker-worker.ts');

function paths(outDir) {
  return { bundle: path.join(outDir, 'worker.mjs'), inputs: path.join(outDir, 'worker.inputs.json') };
}

/** True when the bundle exists and none of the files it was built from is newer than it. */
function isFresh(outDir) {
  const { bundle, inputs } = paths(outDir);
  try {
    const builtAt = fs.statSync(bundle).mtimeMs;
    const files = JSON.parse(fs.readFileSync(inputs, 'utf8'));
    return files.every((file) => fs.statSync(path.join(root, file)).mtimeMs <= builtAt);
  } catch {
    return false;
  }
}

/** Bundles the worker and what it imports, packages included (undici, p-limit). */
export async function buildCheckerBundle(outDir = DEFAULT_OUT_DIR) {
  const esbuild = await import('esbuild');
  const { bundle, inputs } = paths(outDir);
  fs.mkdirSync(outDir, { recursive: true });
  // Written beside the target and renamed over it, so a start meanwhile never reads half a file; the thread id
  // too, since two checkers of one process (tests) may build at once.
  const tag = `${process.pid}.${threadId}`;
  const tmp = `${bundle}.${tag}.tmp`;
  // esbuild's service is a child process that would keep this process (and a test run) alive: stopped after use.
  let result;
  try {
    result = await esbuild.build({
    entryPoints: [ENTRY],
    outfile: tmp,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    metafile: true,
    logLevel: 'warning',
    absWorkingDir: root,
    // Packages written as CommonJS call require(), which an ES module does not have.
    banner: { js: "import { createRequire as upbeatCreateRequire } from 'node:module'; const require = upbeatCreateRequire(import.meta.url);" },
    });
  } finally {
    await esbuild.stop();
  }
  const own = Object.keys(result.metafile.inputs).filter((f) => !f.includes(':') && !f.startsWith('node_modules/'));
  fs.writeFileSync(`${inputs}.${tag}.tmp`, JSON.stringify([...own, 'package-lock.json']));
  fs.renameSync(`${inputs}.${tag}.tmp`, inputs);
  fs.renameSync(tmp, bundle);
  return bundle;
}

/** The bundle's path, built first when it is missing or stale. */
export async function ensureCheckerBundle(outDir = DEFAULT_OUT_DIR) {
  if (isFresh(outDir)) return paths(outDir).bundle;
  return buildCheckerBundle(outDir);
}

if (process.argv[1] && pathToFileURL(path.resolve(process.argv[1])).href === import.meta.url) {
  const bundle = await buildCheckerBundle();
  console.log(`upbeat: checker worker bundled into ${path.relative(process.cwd(), bundle)}`);
}
