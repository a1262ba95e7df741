import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Store } from '../../../db';
import { AppError } from '../../errors';
import { formatPlan, type Change } from '../plan';
import { ConfigFileError } from '../load';
import { importGatus } from './gatus';
import { importKumaDb } from './kuma-db';
import { importKumaBackup } from './kuma-json';
import { IMPORT_SOURCES, isSqlite, type ImportFrom } from './read-source';
import type { ImportResult, NotCarried } from './report';
import { applyImport, planImport } from './run';

/**
 * Settings → Import and `POST /api/config/import`: an uploaded Kuma database or backup, or a Gatus config, read,
 * planned and (when asked) applied, answered as JSON. A database upload goes to a private temp file for SQLite
 * to open read-only, removed before the answer.
 */

/**
 * A kuma.db with months of heartbeats is large; beyond this, the CLI reads it in place. Below Next.js's proxy
 * body limit (proxyClientMaxBodySize, 10 MiB), which cuts a longer body short rather than refusing it: a body of
 * exactly that size may be a cut one, so it is refused too.
 */
export const IMPORT_MAX_BYTES = 10 * 1024 * 1024 - 1;

export interface ImportAnswer {
  applied: boolean;
  /** formatPlan's text: one line per change, then the counts. */
  summary: string;
  changes: Pick<Change, 'action' | 'kind' | 'key' | 'name' | 'fields'>[];
  notCarried: NotCarried[];
  /** The imported configuration as upbeat.yaml, secrets as `${…}` references. */
  yaml: string;
  /** The references the YAML holds, to set in the environment if it is kept as a file. */
  secretNames: string[];
}

export function parseImportQuery(params: URLSearchParams): { from: ImportFrom; apply: boolean } {
  const fields: Record<string, string> = {};
  const from = params.get('from');
  if (!IMPORT_SOURCES.includes(from as ImportFrom)) fields.from = `must be ${IMPORT_SOURCES.join(' or ')}`;
  const apply = params.get('apply') ?? '0';
  if (apply !== '0' && apply !== '1') fields.apply = 'must be 0 or 1';
  if (Object.keys(fields).length > 0) {
    throw new AppError('validation', `Invalid query: ${Object.entries(fields).map(([k, v]) => `${k} ${v}`).join('; ')}`, fields);
  }
  return { from: from as ImportFrom, apply: apply === '1' };
}

function readUpload(from: ImportFrom, bytes: Buffer): ImportResult {
  if (bytes.length === 0) throw new AppError('validation', 'Invalid import: the file is empty', { file: 'is empty' });
  if (from === 'gatus') return importGatus(bytes.toString('utf8'));
  if (!isSqlite(bytes)) return importKumaBackup(bytes.toString('utf8'));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'upbeat-import-'));
  try {
    const file = path.join(dir, 'kuma.db');
    fs.writeFileSync(file, bytes, { mode: 0o600 });
    return importKumaDb(file);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export async function importUpload(store: Store, from: ImportFrom, bytes: Buffer, apply: boolean): Promise<ImportAnswer> {
  const result = readUpload(from, bytes);
  const name = from === 'kuma' ? 'Uptime Kuma' : 'Gatus';
  let planned;
  try {
    planned = apply ? await applyImport(store, result, name) : await planImport(store, result, name);
  } catch (err) {
    if (!(err instanceof ConfigFileError)) throw err;
    // Problems found once the targets are vetted (a blocked address): named by the imported object's field.
    const fields = Object.fromEntries(err.problems.map((p) => [p.field || 'file', p.message]));
    throw new AppError('validation', `Invalid import: ${err.problems.map((p) => `${p.field} ${p.message}`).join('; ')}`, fields);
  }
  return {
    applied: apply,
    summary: formatPlan(planned.plan),
    changes: planned.plan.changes.map(({ action, kind, key, name: n, fields }) => ({ action, kind, key, name: n, fields })),
    notCarried: planned.notCarried,
    yaml: planned.yaml,
    secretNames: Object.keys(result.secrets),
  };
}

