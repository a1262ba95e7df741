'use client';

import { HEADER_LIMITS } from '@/lib/schemas';
import styles from './site-form/site-form.module.css';

/**
 * Request headers as editable rows. The API never sends a stored value back (only its first characters and
 * `••••`), and a PATCH with `headers` replaces the whole set. So a stored header shows its masked value as a
 * placeholder with an empty input, and the form sends `headers` only when the user changed something; then
 * every kept header needs its value typed again (headerChanges says which), or it would be overwritten with
 * nothing.
 */

export interface HeaderRow {
  /** Stable key for React and for focus. */
  key: number;
  name: string;
  /** What the user typed; empty for a stored header left alone. */
  value: string;
  /** The stored header as the API shows it (masked), or null for a row added here. */
  stored: { name: string; masked: string } | null;
}

let nextKey = 1;

export function rowsFromStored(headers: Record<string, string> | undefined): HeaderRow[] {
  return Object.entries(headers ?? {}).map(([name, masked]) => ({ key: nextKey++, name, value: '', stored: { name, masked } }));
}

/** Rows the user actually filled in: a blank new row is ignored. */
function meaningful(rows: readonly HeaderRow[]): HeaderRow[] {
  return rows.filter((r) => r.stored !== null || r.name.trim() !== '' || r.value !== '');
}

/**
 * What the rows mean for the request: `unchanged` (leave `headers` out of the body), or the whole new set, or
 * the names of kept stored headers whose value must be typed again.
 */
export function headerChanges(
  rows: readonly HeaderRow[],
  storedCount: number,
): { kind: 'unchanged' } | { kind: 'set'; headers: Record<string, string> } | { kind: 'retype'; names: string[] } {
  const filled = meaningful(rows);
  const touched =
    filled.length !== storedCount ||
    filled.some((r) => r.stored === null || r.value !== '' || r.name.trim() !== r.stored.name);
  if (!touched) return { kind: 'unchanged' };
  const retype = filled.filter((r) => r.stored !== null && r.value === '').map((r) => r.name.trim() || r.stored!.name);
  if (retype.length > 0) return { kind: 'retype', names: retype };
  return { kind: 'set', headers: Object.fromEntries(filled.map((r) => [r.name.trim(), r.value])) };
}

export function HeaderRows({
  idPrefix,
  rows,
  onChange,
  error,
}: {
  idPrefix: string;
  rows: readonly HeaderRow[];
  onChange: (rows: HeaderRow[]) => void;
  error: string | undefined;
}) {
  const update = (key: number, patch: Partial<HeaderRow>) =>
    onChange(rows.map((r) => (r.key === key ? { ...r, ...patch } : r)));
  const errorId = `${idPrefix}-headers-error`;
  return (
    <fieldset className={styles.headers} aria-describedby={error ? errorId : undefined}>
      <legend>Request headers</legend>
      {rows.length === 0 && <p className="field-hint">None. Add one for a token or a cookie the site needs.</p>}
      {rows.map((r, i) => (
        <div key={r.key} className={styles.headerRow} data-testid="header-row">
          <input
            type="text"
            name={i === 0 ? 'headers' : undefined}
            aria-label={`Header ${i + 1} name`}
            placeholder="Authorization"
            autoComplete="off"
            spellCheck={false}
            maxLength={HEADER_LIMITS.nameLength}
            value={r.name}
            aria-invalid={error ? true : undefined}
            onChange={(e) => update(r.key, { name: e.target.value })}
          />
          <input
            type="text"
            aria-label={`Header ${i + 1} value`}
            placeholder={r.stored ? `${r.stored.masked} (stored; type to replace)` : 'value'}
            autoComplete="off"
            spellCheck={false}
            maxLength={HEADER_LIMITS.valueLength}
            value={r.value}
            onChange={(e) => update(r.key, { value: e.target.value })}
          />
          <button
            type="button"
            className="btn btn-small btn-danger-quiet"
            onClick={() => onChange(rows.filter((x) => x.key !== r.key))}
          >
            Remove<span className="visually-hidden"> header {r.name || i + 1}</span>
          </button>
        </div>
      ))}
      {rows.length < HEADER_LIMITS.count && (
        <button
          type="button"
          className="btn btn-small"
          onClick={() => onChange([...rows, { key: nextKey++, name: '', value: '', stored: null }])}
        >
          Add header
        </button>
      )}
      {rows.some((r) => r.stored) && (
        <p className="field-hint">Stored values are never shown. Change nothing here and they stay as they are.</p>
      )}
      {error && (
        <p id={errorId} className="field-error" role="alert">
          {error}
        </p>
      )}
    </fieldset>
  );
}
