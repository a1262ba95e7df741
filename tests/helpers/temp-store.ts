import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { openStore, type Store } from '../../db';
import { nextSiteState } from '../../lib/monitor/state';

/** A fresh temporary directory, removed when the test ends. */
export function tempDir(t: TestContext, prefix = 'upbeat-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A store on a real SQLite file in a fresh temp directory, closed and removed when the test ends. */
export function tempStore(t: TestContext): Store {
  const file = path.join(tempDir(t), 'upbeat.db');
  const store = openStore(file, { decideState: nextSiteState });
  t.after(() => store.close());
  return store;
}
