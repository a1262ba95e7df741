/**
 * The checker's worker (checker-worker.ts) as one prebuilt JavaScript file (lib/bundle.mjs), for `next start`,
 * whose server cannot load TypeScript at run time, and for every other start so that all take one code path.
 *
 * `node lib/monitor/checker-bundle.mjs` builds it (part of `npm run build`); `ensureCheckerBundle()` builds it when
 * it is missing or stale.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, bundler } from '../bundle.mjs';

export const DEFAULT_OUT_DIR = path.join(ROOT, 'dist', 'checker');
const worker = bundler({ entry: 'lib/monitor/checker-worker.ts', name: 'worker', defaultOutDir: DEFAULT_OUT_DIR });

export const buildCheckerBundle = worker.build;
export const ensureCheckerBundle = worker.ensure;

if (process.argv[1] && pathToFileURL(path.resolve(process.argv[1])).href === import.meta.url) {
  const bundle = await buildCheckerBundle();
  console.log(`upbeat: checker worker bundled into ${path.relative(process.cwd(), bundle)}`);
}
