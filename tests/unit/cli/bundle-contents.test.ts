import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import * as esbuild from 'esbuild';

/**
 * What the one-shot CLI loads at every start: its bundle must not take in the schemas' validation library or
 * undici's whole index (fetch, WebSocket, caches, mocks) — together they were two thirds of its start-up.
 */
test('the CLI bundle holds undici\'s Client and no validation library', async () => {
  const root = path.resolve(import.meta.dirname, '..', '..', '..');
  const result = await esbuild.build({
    entryPoints: [path.join(root, 'lib', 'cli', 'check-entry.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    write: false,
    metafile: true,
    outfile: 'check.mjs',
    absWorkingDir: root,
    logLevel: 'silent',
  });
  await esbuild.stop();
  const inputs = Object.keys(result.metafile.inputs);
  assert.ok(inputs.includes('node_modules/undici/lib/dispatcher/client.js'), 'the Client is bundled');
  assert.deepEqual(inputs.filter((f) => f.startsWith('node_modules/zod/')), []);
  assert.equal(inputs.includes('node_modules/undici/index.js'), false, "undici's index is not bundled");
});
