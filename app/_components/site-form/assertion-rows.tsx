'use client';

import { HEADER_OPS, JSON_PATH_OPS, type AssertionType, type HeaderOp, type JsonPathOp } from '@/db/domain';
import { KIND_LIMITS } from '@/lib/site-limits';
import { ASSERTION_LABELS, blankRow, typesFor, type AssertionRow } from './assertion-model';
import type { AssertionVerdict } from './preview';
import styles from './site-form.module.css';

/**
 * The assertions builder: one row per thing the response must show, each with the verdict of the last preview
 * beside it (cleared when the row changes, since it no longer says anything about the row).
 */
export function AssertionRows({
  kind,
  rows,
  verdicts,
  errors,
  onChange,
}: {
  kind: string;
  rows: readonly AssertionRow[];
  /** By row key: the last preview's verdict on that row. */
  verdicts: ReadonlyMap<number, AssertionVerdict>;
  /** By row index (the API's `assertions.N`), and `list` for the list as a whole. */
  errors: Readonly<Record<string, string>>;
  onChange: (rows: AssertionRow[], changedKey: number | null) => void;
}) {
  const types = typesFor(kind);
  const update = (key: number, patch: Partial<AssertionRow>) =>
    onChange(
      rows.map((r) => (r.key === key ? { ...r, ...patch } : r)),
      key,
    );
  return (
    <fieldset className={styles.assertions} data-testid="assertions">
      <legend>Assertions</legend>
      <p className="field-hint">
        {kind === 'http'
          ? 'All must hold for the check to pass. Body assertions read the first 64 KiB of the body.'
          : 'A time the check must finish within; it fails the check (apart from the slow warning).'}
      </p>
      {rows.map((r, i) => {
        const verdict = verdicts.get(r.key);
        const error = errors[String(i)];
        return (
          <div key={r.key} className={styles.assertionRow} data-testid="assertion-row">
            <div className={styles.assertionInputs}>
              <select
                aria-label={`Assertion ${i + 1} type`}
                name={i === 0 ? 'assertions' : undefined}
                value={r.type}
                aria-invalid={error ? true : undefined}
                onChange={(e) => update(r.key, { type: e.target.value as AssertionType })}
              >
                {types.map((t) => (
                  <option key={t} value={t}>
                    {ASSERTION_LABELS[t]}
                  </option>
                ))}
              </select>
              <RowInputs row={r} index={i} update={(patch) => update(r.key, patch)} />
              <button
                type="button"
                className="btn btn-small btn-danger-quiet"
                onClick={() => onChange(rows.filter((x) => x.key !== r.key), null)}
              >
                Remove<span className="visually-hidden"> assertion {i + 1}</span>
              </button>
            </div>
            {verdict && <Verdict verdict={verdict} />}
            {error && (
              <p className="field-error" role="alert">
                Assertion {i + 1} {error}
              </p>
            )}
          </div>
        );
      })}
      {rows.length < KIND_LIMITS.assertions && (
        <button type="button" className="btn btn-small" onClick={() => onChange([...rows, blankRow(types[0]!)], null)}>
          Add assertion
        </button>
      )}
      {errors.list && (
        <p className="field-error" role="alert">
          Assertions {errors.list}
        </p>
      )}
    </fieldset>
  );
}

function Verdict({ verdict }: { verdict: AssertionVerdict }) {
  if (verdict.holds === null) {
    return (
      <p className={styles.verdictNone} data-testid="assertion-verdict">
        Not judged: the check failed before a response
      </p>
    );
  }
  return verdict.holds ? (
    <p className={styles.verdictPass} data-testid="assertion-verdict">
      ✓ Passes
    </p>
  ) : (
    <p className={styles.verdictFail} data-testid="assertion-verdict">
      ✗ Fails: {verdict.seen}
    </p>
  );
}

function RowInputs({ row, index, update }: { row: AssertionRow; index: number; update: (patch: Partial<AssertionRow>) => void }) {
  const n = index + 1;
  const max = KIND_LIMITS.assertionText;
  switch (row.type) {
    case 'body-contains':
    case 'body-not-contains':
      return (
        <>
          <input type="text" aria-label={`Assertion ${n} text`} placeholder="ok" maxLength={max} value={row.value} onChange={(e) => update({ value: e.target.value })} />
          <label className={styles.inlineCheck}>
            <input type="checkbox" checked={row.ignoreCase} onChange={(e) => update({ ignoreCase: e.target.checked })} />
            Ignore case
          </label>
        </>
      );
    case 'body-matches':
      return (
        <>
          <input type="text" aria-label={`Assertion ${n} pattern`} placeholder="^\{.*\}$" spellCheck={false} maxLength={max} value={row.pattern} onChange={(e) => update({ pattern: e.target.value })} />
          <input type="text" className={styles.narrow} aria-label={`Assertion ${n} flags`} placeholder="flags" spellCheck={false} maxLength={4} value={row.flags} onChange={(e) => update({ flags: e.target.value })} />
        </>
      );
    case 'json-path':
      return (
        <>
          <input type="text" aria-label={`Assertion ${n} path`} placeholder="$.status" spellCheck={false} maxLength={max} value={row.path} onChange={(e) => update({ path: e.target.value })} />
          <select className={styles.narrow} aria-label={`Assertion ${n} comparison`} value={row.jsonOp} onChange={(e) => update({ jsonOp: e.target.value as JsonPathOp })}>
            {JSON_PATH_OPS.map((op) => (
              <option key={op} value={op}>
                {op}
              </option>
            ))}
          </select>
          <input type="text" aria-label={`Assertion ${n} value`} placeholder='"ok" or 100' spellCheck={false} maxLength={max} value={row.value} onChange={(e) => update({ value: e.target.value })} />
        </>
      );
    case 'header':
      return (
        <>
          <input type="text" aria-label={`Assertion ${n} header name`} placeholder="Content-Type" spellCheck={false} maxLength={64} value={row.name} onChange={(e) => update({ name: e.target.value })} />
          <select className={styles.narrow} aria-label={`Assertion ${n} comparison`} value={row.headerOp} onChange={(e) => update({ headerOp: e.target.value as HeaderOp })}>
            {HEADER_OPS.map((op) => (
              <option key={op} value={op}>
                {op}
              </option>
            ))}
          </select>
          <input type="text" aria-label={`Assertion ${n} value`} placeholder="application/json" spellCheck={false} maxLength={max} value={row.value} onChange={(e) => update({ value: e.target.value })} />
        </>
      );
    case 'response-time':
      return (
        <span className="with-unit">
          <input type="text" inputMode="numeric" aria-label={`Assertion ${n} milliseconds`} value={row.belowMs} onChange={(e) => update({ belowMs: e.target.value })} />
          <span className="unit">ms</span>
        </span>
      );
  }
}
