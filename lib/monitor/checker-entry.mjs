/**
 * What the checker's worker thread loads first (see checker-thread.ts). Plain JavaScript, because it runs before
 * anything could compile TypeScript: it loads checker-worker.ts from its prebuilt bundle (built by `npm run build`,
 * or here on first use and after a source change), in `next start`, whose server cannot resolve a .ts file at run
 * time, and under tsx alike: one code path, and the bundle costs the thread about 20 MB less than compiling the
 * sources with tsx would. Only if the bundle cannot be built does it fall back to tsx and the sources.
 */
import { pathToFileURL } from 'node:url';
import { ensureCheckerBundle } from './checker-bundle.mjs';

let bundle = null;
try {
  bundle = await ensureCheckerBundle();
} catch (err) {
  console.error(`[checker] could not build the checker bundle, loading its sources with tsx: ${err?.message ?? err}`);
}
if (bundle !== null) {
  await import(pathToFileURL(bundle).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('./checker-worker.ts');
}
