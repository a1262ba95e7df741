import type { Db } from './connection';

/**
 * Which objects a configuration file declares: their stable key and the file they come from (migration 0013).
 * A status page's key is its slug. Unmarked objects were made in the UI or through the API.
 */

export type MarkedKind = 'site' | 'channel' | 'statusPage';

export interface ConfigMark {
  id: number;
  /** The file's key for the object (a page's slug); null for a site or channel made in the UI. */
  key: string | null;
  /** The file that declares it; null when no file does. */
  managedBy: string | null;
}

export interface ConfigMarkVerbs {
  /** Every object of a kind with its mark (null columns for unmarked ones), by id. */
  configMarks(kind: MarkedKind): ConfigMark[];
  /** Marks an object as declared by `file` under `key` (null, null: no longer managed). */
  setConfigMark(kind: MarkedKind, id: number, key: string | null, file: string | null): void;
  /** The objects of a kind that a file declares: id → file (a short read: most installs have none). */
  managedFiles(kind: MarkedKind): Map<number, string>;
  /** The file an object is managed by, or null (also for a missing object). */
  managedBy(kind: MarkedKind, id: number): string | null;
}

const TABLES: Record<MarkedKind, string> = { site: 'sites', channel: 'channels', statusPage: 'status_pages' };

interface MarkRow {
  id: number;
  key: string | null;
  managed_by: string | null;
}

export function createConfigMarkVerbs(db: Db): ConfigMarkVerbs {
  const prepared = (kind: MarkedKind) => {
    const table = TABLES[kind];
    // A page's key is its slug: only its file mark is written here.
    const key = kind === 'statusPage' ? 'slug' : 'config_key';
    return {
      list: db.prepare<[], MarkRow>(`SELECT id, ${key} AS key, managed_by FROM ${table} ORDER BY id`),
      setKey: kind === 'statusPage' ? null : db.prepare<[string | null, number]>(`UPDATE ${table} SET config_key = ? WHERE id = ?`),
      setFile: db.prepare<[string | null, number]>(`UPDATE ${table} SET managed_by = ? WHERE id = ?`),
      managed: db.prepare<[], { id: number; managed_by: string }>(`SELECT id, managed_by FROM ${table} WHERE managed_by IS NOT NULL`),
      managedBy: db.prepare<[number], { managed_by: string | null }>(`SELECT managed_by FROM ${table} WHERE id = ?`),
    };
  };
  const statements = { site: prepared('site'), channel: prepared('channel'), statusPage: prepared('statusPage') };
  return {
    configMarks: (kind) =>
      statements[kind].list.all().map((r) => ({ id: r.id, key: r.key, managedBy: r.managed_by })),
    setConfigMark: (kind, id, key, file) => {
      statements[kind].setKey?.run(key, id);
      statements[kind].setFile.run(file, id);
    },
    managedFiles: (kind) => new Map(statements[kind].managed.all().map((r) => [r.id, r.managed_by])),
    managedBy: (kind, id) => statements[kind].managedBy.get(id)?.managed_by ?? null,
  };
}
