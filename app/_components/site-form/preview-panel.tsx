'use client';

import { AssertionRows } from './assertion-rows';
import type { AssertionRow } from './assertion-model';
import type { AssertionVerdict, PreviewResult } from './preview';
import styles from './site-form.module.css';

export type PreviewState =
  | { kind: 'idle' }
  | { kind: 'running' }
  | { kind: 'failed'; message: string }
  | { kind: 'done'; result: PreviewResult; verdicts: ReadonlyMap<number, AssertionVerdict> };

/**
 * The assertions builder with its live preview: "Test now" checks the draft once (nothing is saved) and shows
 * what the check saw above the rows and each row's verdict beside it.
 */
export function PreviewPanel({
  kind,
  rows,
  state,
  errors,
  onRowsChange,
  onRun,
}: {
  kind: string;
  rows: readonly AssertionRow[];
  state: PreviewState;
  errors: Readonly<Record<string, string>>;
  onRowsChange: (rows: AssertionRow[], changedKey: number | null) => void;
  onRun: () => void;
}) {
  const verdicts = state.kind === 'done' ? state.verdicts : new Map<number, AssertionVerdict>();
  return (
    <section className={styles.preview} aria-label="Assertions and preview">
      <AssertionRows kind={kind} rows={rows} verdicts={verdicts} errors={errors} onChange={onRowsChange} />
      <div className={styles.previewBar}>
        <button type="button" className="btn btn-small" onClick={onRun} disabled={state.kind === 'running'}>
          {state.kind === 'running' ? 'Checking…' : 'Test now'}
        </button>
        <span className="field-hint">Checks the settings above once, without saving them.</span>
      </div>
      <div aria-live="polite" data-testid="preview-result">
        {state.kind === 'failed' && (
          <p className="field-error" role="alert">
            Could not test: {state.message}
          </p>
        )}
        {state.kind === 'done' && <Seen result={state.result} />}
      </div>
    </section>
  );
}

function Seen({ result }: { result: PreviewResult }) {
  const status = result.statusCode === null ? '' : `HTTP ${result.statusCode}, `;
  return (
    <div className={result.ok ? styles.seenUp : styles.seenDown}>
      <p>
        <strong>{result.ok ? 'Would be up' : 'Would be down'}</strong> ({status}
        {Math.round(result.latencyMs)} ms){result.error && `: ${result.error.message}`}
      </p>
      {result.detail && <p className={styles.seenText}>Answer: {result.detail}</p>}
      {result.bodyStart && <p className={styles.seenText}>Body: {result.bodyStart}</p>}
    </div>
  );
}
