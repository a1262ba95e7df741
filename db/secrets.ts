import type { Db } from './connection';
import { DatabaseOpenError } from './connection';

/**
 * What `db/` needs of the box that keeps secrets at rest (lib/secrets/box.ts implements it): it seals values on
 * their way in and opens them on their way out, and never sees the key.
 */
export interface SecretSealer {
  seal(plain: string): string;
  /** Throws when the value cannot be opened with this key; the error names where the key came from. */
  open(sealed: string): string;
  isSealed(value: string): boolean;
}

/**
 * Columns that hold secrets. `whole`: the column's value is sealed as one. `fields`: a JSON object whose secret
 * top-level fields are sealed one by one (lib/secrets/box.ts `sealFields`), the rest left readable.
 */
const SEALED_COLUMNS: readonly { table: string; column: string; kind: 'whole' | 'fields' }[] = [
  { table: 'sites', column: 'headers', kind: 'whole' },
  // A request body may carry a token as much as a header does (migration 0010; null when the site sends none).
  { table: 'sites', column: 'request_body', kind: 'whole' },
  // Notification channels (migration 0008): their `secretFields`, sealed by lib/ before the row is written.
  { table: 'channels', column: 'config', kind: 'fields' },
];

function tableExists(db: Db, table: string): boolean {
  return db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(table) !== undefined;
}

/**
 * At open: seals the secrets still stored in clear (rows from before encryption) and proves the key opens what is
 * sealed, so a wrong key stops the start with one line naming the key's source instead of failing on every read.
 */
export function prepareSecrets(db: Db, file: string, box: SecretSealer): void {
  const sample = db.prepare<[], { headers: string }>(`SELECT headers FROM sites WHERE headers LIKE 'v1:%' LIMIT 1`).get();
  if (sample && box.isSealed(sample.headers)) {
    try {
      box.open(sample.headers);
    } catch (err) {
      throw new DatabaseOpenError(`Cannot read the secrets in ${file}: ${(err as Error).message}`);
    }
  }
  proveKeyOnChannels(db, file, box);
  const plain = db.prepare<[], { id: number; headers: string }>(`SELECT id, headers FROM sites WHERE headers NOT LIKE 'v1:%'`);
  const seal = db.prepare<[string, number]>(`UPDATE sites SET headers = ? WHERE id = ?`);
  const bodies = db.prepare<[], { id: number; body: string }>(
    `SELECT id, request_body AS body FROM sites WHERE request_body IS NOT NULL AND request_body NOT LIKE 'v1:%'`,
  );
  const sealBody = db.prepare<[string, number]>(`UPDATE sites SET request_body = ? WHERE id = ?`);
  db.transaction(() => {
    for (const row of plain.all()) seal.run(box.seal(row.headers), row.id);
    for (const row of bodies.all()) sealBody.run(box.seal(row.body), row.id);
  }).immediate();
}

/**
 * A database may hold sealed channel secrets and no sealed header (no site yet): the first channel with a sealed
 * field proves the key then, and a wrong one stops the start naming that channel.
 */
function proveKeyOnChannels(db: Db, file: string, box: SecretSealer): void {
  if (!tableExists(db, 'channels')) return;
  const sample = db
    .prepare<[], { id: number; name: string; config: string }>(
      `SELECT id, name, config FROM channels WHERE config LIKE '%"v1:%' ORDER BY id LIMIT 1`,
    )
    .get();
  if (!sample) return;
  let sealed: string | undefined;
  try {
    const parsed: unknown = JSON.parse(sample.config);
    if (parsed && typeof parsed === 'object') sealed = Object.values(parsed).find((v): v is string => typeof v === 'string' && box.isSealed(v));
  } catch {
    return;
  }
  if (sealed === undefined) return;
  try {
    box.open(sealed);
  } catch (err) {
    throw new DatabaseOpenError(
      `Cannot read the secrets of channel "${sample.name}" (id ${sample.id}) in ${file}: ${(err as Error).message}`,
    );
  }
}

export interface ResealOutcome {
  /** Sealed values re-encrypted, all columns together. */
  values: number;
}

/**
 * Re-encrypts every sealed secret from `from`'s key to `to`'s, in one transaction: either every value moves to
 * the new key or none does. Throws (changing nothing) when a value cannot be opened with `from`.
 */
export function resealSecrets(db: Db, from: SecretSealer, to: SecretSealer): ResealOutcome {
  let values = 0;
  const reseal = (value: string) => {
    values++;
    return to.seal(from.open(value));
  };
  db.transaction(() => {
    for (const { table, column, kind } of SEALED_COLUMNS) {
      if (!tableExists(db, table)) continue;
      // Null is a setting left empty (a site without a request body), not a secret.
      const rows = db
        .prepare<[], { id: number; value: string }>(`SELECT rowid AS id, ${column} AS value FROM ${table} WHERE ${column} IS NOT NULL`)
        .all();
      const write = db.prepare<[string, number]>(`UPDATE ${table} SET ${column} = ? WHERE rowid = ?`);
      for (const row of rows) {
        const next = kind === 'whole' ? resealWhole(row.value, from, reseal) : resealFields(row.value, from, reseal);
        if (next !== row.value) write.run(next, row.id);
      }
    }
  }).immediate();
  return { values };
}

function resealWhole(value: string, from: SecretSealer, reseal: (v: string) => string): string {
  // A value still in clear (written before it could be sealed) is sealed now.
  return from.isSealed(value) ? reseal(value) : reseal(from.seal(value));
}

function resealFields(value: string, from: SecretSealer, reseal: (v: string) => string): string {
  const parsed: unknown = JSON.parse(value);
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return value;
  const out: Record<string, unknown> = { ...(parsed as Record<string, unknown>) };
  for (const [field, v] of Object.entries(out)) if (typeof v === 'string' && from.isSealed(v)) out[field] = reseal(v);
  return JSON.stringify(out);
}
