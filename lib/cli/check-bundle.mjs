/**
 * The URL checker as one prebuilt JavaScript file (lib/bundle.mjs), so `npm run check` starts Node on plain
 * JavaScript instead of compiling TypeScript at every start.
 *
 * `node lib/cli/check-bundle.mjs [--out DIR]` builds it (part of `npm run build`); `ensureCheckBundle()` builds it
 * when it is missing or stale.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, bundler } from '../bundle.mjs';

export const DEFAULT_OUT_DIR = path.join(ROOT, 'dist', 'cli');
const check = bundler({ entry: 'lib/cli/check-entry.ts', name: 'check', defaultOutDir: DEFAULT_OUT_DIR });

export const buildCheckBundle = check.build;
export const ensureCheckBundle = check.ensure;

if (process.argv[1] && pathToFileURL(path.resolve(process.argv[1])).href === import.meta.url) {
  const at = process.argv.indexOf('--out');
  const outDir = at === -1 ? DEFAULT_OUT_DIR : path.resolve(process.argv[at + 1] ?? '');
  const bundle = await buildCheckBundle(outDir);
  console.log(`upbeat: URL checker bundled into ${path.relative(process.cwd(), bundle)}`);
}
