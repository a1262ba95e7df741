/**
 * `npm run check`: runs the URL checker from its prebuilt bundle (see check-bundle.mjs), building it first on a
 * fresh clone or after a source change. The arguments reach it untouched in process.argv.
 */
import { pathToFileURL } from 'node:url';
import { ensureCheckBundle } from './check-bundle.mjs';

const bundle = await ensureCheckBundle();
await import(pathToFileURL(bundle).href);
