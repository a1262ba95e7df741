/**
 * What the checker's worker thread loads first (see checker-thread.ts). Plain JavaScript, because it runs before
 * anything could compile TypeScript: where the main thread already runs on tsx (`npm run monitor`, the tests) it
 * registers tsx here too and loads checker-worker.ts from source; inside `next start`, whose server bundle cannot
 * resolve a .ts file at run time, it loads the prebuilt bundle (built by `npm run build`, or here on first use).
 */
import { pathToFileURL } from 'node:url';
import { workerData } from 'node:worker_threads';

if (workerData?.source) {
  const { register } = await import('tsx/esm/api');
  register();
  await import('./checker-worker.ts');
} else {
  const { ensureCheckerBundle } = await import('./checker-bundle.mjs');
  await import(pathToFileURL(await ensureCheckerBundle()).href);
}
