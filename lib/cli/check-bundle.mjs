/**
 * The URL checker as one prebuilt JavaScript file, so `npm run check` starts Node on plain JavaScript instead of
 * compiling TypeScript at every start. Plain JavaScript itself, because it runs before anything could compile it.
 *
 * `node lib/cli/check-bundle.mjs [--out DIR]` builds it (part of `npm run build`); `ensureCheckBundle()` builds it
 * when it is missing or when any file it was made from has changed since (their list is kept beside it).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DEFAULT_OUT_DIR = path.join(root, 'dist', 'cli');
const ENTRY = path.join(root, 'lib', 'cli', 'check-entry.ts');

function paths(outDir) {
  return { bundle: path.join(outDir, 'check.mjs'), inputs: path.join(outDir, 'check.inputs.json') };
}

/** True when the bundle exists and none of the files it was built from is newer than it. */
function isFresh(outDir) {
  const { bundle, inputs } = paths(outDir);
  let builtAt;
  let files;
  try {
    builtAt = fs.statSync(bundle).mtimeMs;
    files = JSON.parse(fs.readFileSync(inputs, 'utf8'));
  } catch {
    return false;
  }
  for (const file of files) {
    let at;
    try {
      at = fs.statSync(path.join(root, file)).mtimeMs;
    } catch {
      return false;
    }
    if (at > builtAt) return false;
  }
  return true;
}

/** Bundles the checker and what it imports, packages included (one file parses faster than hundreds). */
export async function buildCheckBundle(outDir = DEFAULT_OUT_DIR) {
  const esbuild = await import('esbuild');
  const { bundle, inputs } = paths(outDir);
  fs.mkdirSync(outDir, { recursive: true });
  // Written beside the target and renamed over it, so a run starting meanwhile never reads half a file.
  const tmp = `${bundle}.${process.pid}.tmp`;
  const result = await esbuild.build({
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
  // The project's own files, and the lock file for the packages (a stat each of hundreds of package files would
  // cost more than it saves).
  const own = Object.keys(result.metafile.inputs).filter((f) => !f.includes(':') && !f.startsWith('node_modules/'));
  const files = [...own, 'package-lock.json'];
  fs.writeFileSync(`${inputs}.${process.pid}.tmp`, JSON.stringify(files));
  fs.renameSync(`${inputs}.${process.pid}.tmp`, inputs);
  fs.renameSync(tmp, bundle);
  return bundle;
}

/** The bundle's path, built first when it is missing or stale. */
export async function ensureCheckBundle(outDir = DEFAULT_OUT_DIR) {
  if (isFresh(outDir)) return paths(outDir).bundle;
  return buildCheckBundle(outDir);
}

if (process.argv[1] && pathToFileURL(path.resolve(process.argv[1])).href === import.meta.url) {
  const at = process.argv.indexOf('--out');
  const outDir = at === -1 ? DEFAULT_OUT_DIR : path.resolve(process.argv[at + 1] ?? '');
  const bundle = await buildCheckBundle(outDir);
  console.log(`upbeat: URL checker bundled into ${path.relative(process.cwd(), bundle)}`);
}
