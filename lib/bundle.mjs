/**
 * One TypeScript entry and what it imports, packages included, as one prebuilt JavaScript file that Node loads
 * without compiling anything: the URL checker's CLI (lib/cli/check-bundle.mjs) and the checker's worker thread
 * (lib/monitor/checker-bundle.mjs). Plain JavaScript itself, because it runs before anything could compile it.
 *
 * The list of the project's files a bundle was made from is kept beside it, so `ensure()` rebuilds it when it is
 * missing or when any of them has changed since (the lock file stands for the packages: a stat of each of hundreds
 * of package files would cost more than it saves).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { threadId } from 'node:worker_threads';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * @param {{ entry: string, name: string, defaultOutDir: string, packagesExternal?: boolean }} spec  `entry` from the
 *   project root; the bundle is `<outDir>/<name>.mjs` and its inputs `<outDir>/<name>.inputs.json`.
 *   `packagesExternal` leaves every package to be loaded from node_modules at run time (Next.js cannot be bundled).
 */
export function bundler({ entry, name, defaultOutDir, packagesExternal = false }) {
  const paths = (outDir) => ({ bundle: path.join(outDir, `${name}.mjs`), inputs: path.join(outDir, `${name}.inputs.json`) });

  /** True when the bundle exists and none of the files it was built from is newer than it. */
  function isFresh(outDir) {
    const { bundle, inputs } = paths(outDir);
    try {
      const builtAt = fs.statSync(bundle).mtimeMs;
      const files = JSON.parse(fs.readFileSync(inputs, 'utf8'));
      return files.every((file) => fs.statSync(path.join(ROOT, file)).mtimeMs <= builtAt);
    } catch {
      return false;
    }
  }

  async function build(outDir = defaultOutDir) {
    const esbuild = await import('esbuild');
    const { bundle, inputs } = paths(outDir);
    fs.mkdirSync(outDir, { recursive: true });
    // Written beside the target and renamed over it, so a start meanwhile never reads half a file; the thread id
    // too, since two builders of one process (tests) may run at once.
    const tag = `${process.pid}.${threadId}`;
    const tmp = `${bundle}.${tag}.tmp`;
    let result;
    try {
      result = await esbuild.build({
        entryPoints: [path.join(ROOT, entry)],
        outfile: tmp,
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node20',
        metafile: true,
        logLevel: 'warning',
        absWorkingDir: ROOT,
        ...(packagesExternal ? { packages: 'external' } : {}),
        // Packages written as CommonJS call require(), which an ES module does not have.
        banner: { js: "import { createRequire as upbeatCreateRequire } from 'node:module'; const require = upbeatCreateRequire(import.meta.url);" },
      });
    } finally {
      // esbuild's service is a child process that would keep this process (and a test run) alive.
      await esbuild.stop();
    }
    const own = Object.keys(result.metafile.inputs).filter((f) => !f.includes(':') && !f.startsWith('node_modules/'));
    fs.writeFileSync(`${inputs}.${tag}.tmp`, JSON.stringify([...own, 'package-lock.json']));
    fs.renameSync(`${inputs}.${tag}.tmp`, inputs);
    fs.renameSync(tmp, bundle);
    return bundle;
  }

  /** The bundle's path, built first when it is missing or stale. */
  async function ensure(outDir = defaultOutDir) {
    return isFresh(outDir) ? paths(outDir).bundle : build(outDir);
  }

  return { build, ensure };
}
