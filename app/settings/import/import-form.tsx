'use client';

import Link from 'next/link';
import { useState } from 'react';
import type { ImportAnswer } from '@/lib/config-file/import/upload';

type Source = 'kuma' | 'gatus';

interface Failure {
  message: string;
}

async function send(from: Source, file: File, apply: boolean): Promise<ImportAnswer | Failure> {
  let res: Response;
  try {
    res = await fetch(`/api/config/import?from=${from}&apply=${apply ? 1 : 0}`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: file,
      cache: 'no-store',
    });
  } catch {
    return { message: 'Could not reach Upbeat. Check the connection and try again.' };
  }
  const payload: unknown = await res.json().catch(() => null);
  if (res.ok) return payload as ImportAnswer;
  const error = (payload as { error?: { message?: string } } | null)?.error;
  return { message: error?.message ?? `Upbeat answered ${res.status}.` };
}

/** Pick a file, see the plan and the not-carried list, then apply that same file. */
export function ImportForm() {
  const [from, setFrom] = useState<Source>('kuma');
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [answer, setAnswer] = useState<ImportAnswer | null>(null);
  const [error, setError] = useState<string | null>(null);

  const run = async (apply: boolean) => {
    if (file === null) return;
    setBusy(true);
    setError(null);
    const result = await send(from, file, apply);
    setBusy(false);
    if ('message' in result) {
      setAnswer(null);
      setError(result.message);
    } else setAnswer(result);
  };

  const nothingToDo = answer !== null && answer.changes.length === 0;
  return (
    <section aria-label="Import a file">
      <div className="field">
        <label htmlFor="import-from">From</label>
        <select
          id="import-from"
          value={from}
          onChange={(e) => {
            setFrom(e.target.value as Source);
            setAnswer(null);
          }}
        >
          <option value="kuma">Uptime Kuma (kuma.db or backup .json)</option>
          <option value="gatus">Gatus (config.yaml)</option>
        </select>
      </div>
      <div className="field">
        <label htmlFor="import-file">File</label>
        <input
          id="import-file"
          type="file"
          onChange={(e) => {
            setFile(e.target.files?.[0] ?? null);
            setAnswer(null);
          }}
        />
      </div>
      <p>
        <button type="button" className="btn" disabled={file === null || busy} onClick={() => void run(false)}>
          Show plan
        </button>{' '}
        {answer !== null && !answer.applied && !nothingToDo ? (
          <button type="button" className="btn btn-primary" disabled={busy} onClick={() => void run(true)}>
            Import
          </button>
        ) : null}
      </p>
      {error !== null ? (
        <p className="field-error" role="alert">
          {error}
        </p>
      ) : null}
      {answer !== null ? (
        <div data-testid="import-result">
          <h2>{answer.applied ? 'Imported' : 'Plan'}</h2>
          <pre data-testid="import-plan">{answer.summary}</pre>
          <h2>Not carried over ({answer.notCarried.length})</h2>
          {answer.notCarried.length === 0 ? (
            <p>Everything was carried over.</p>
          ) : (
            <ul data-testid="import-not-carried">
              {answer.notCarried.map((n, i) => (
                <li key={i}>
                  {n.what} <strong>{n.name}</strong>: {n.reason}
                </li>
              ))}
            </ul>
          )}
          {answer.applied ? (
            <p>
              The sites are on the <Link href="/">overview</Link>; push sites have new ping URLs, shown on each site&apos;s page.
            </p>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}
