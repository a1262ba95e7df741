/**
 * The web server (main.ts) as one prebuilt JavaScript file (lib/bundle.mjs) with its packages (Next.js first)
 * loaded from node_modules at run time, so `npm start` compiles nothing.
 *
 * `node lib/server/server-bundle.mjs` builds it (part of `npm run build`); `ensureServerBundle()` builds it when it
 * is missing or stale (lib/cli/ensure-build.ts, at every `npm start`).
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, bundler } from '../bundle.mjs';

export const DEFAULT_OUT_DIR = path.join(ROOT, 'dist', 'server');
const server = bundler({ entry: 'lib/server/main.ts', name: 'main', defaultOutDir: DEFAULT_OUT_DIR, packagesExternal: true });

export const buildServerBundle = server.build;
export const ensureServerBundle = server.ensure;
/** Where `npm start` finds the server. */
export const SERVER_BUNDLE = path.join(DEFAULT_OUT_DIR, 'main.mjs');

if (process.argv[1] && pathToFileURL(path.resolve(process.argv[1])).href === import.meta.url) {
  const bundle = await buildServerBundle();
  console.log(`upbeat: web server bundled into ${path.relative(process.cwd(), bundle)}`);
}
