/**
 * Reading Kuma's loosely typed values (SQLite integers for booleans, numbers kept as text, fields that come and
 * go between versions) into plain ones. Each takes the first of several names that is present, so one reader
 * serves Kuma 1.x and 2.x, the backup's camelCase and the database's snake_case.
 */

export type Loose = Record<string, unknown>;

export function first(row: Loose, names: readonly string[]): unknown {
  for (const n of names) if (row[n] !== undefined && row[n] !== null) return row[n];
  return null;
}

export function text(row: Loose, ...names: string[]): string | null {
  const v = first(row, names);
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  return null;
}

export function num(row: Loose, ...names: string[]): number | null {
  const v = first(row, names);
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : null;
}

export function bool(row: Loose, ...names: string[]): boolean {
  const v = first(row, names);
  return v === true || v === 1 || v === '1' || v === 'true';
}

/** `["200-299"]`, as an array or as the JSON text the database keeps. */
export function stringList(v: unknown): string[] {
  let list = v;
  if (typeof v === 'string') {
    try {
      list = JSON.parse(v);
    } catch {
      return [v];
    }
  }
  return Array.isArray(list) ? list.map((x) => String(x)) : [];
}
