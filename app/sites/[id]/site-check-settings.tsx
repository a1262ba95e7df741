'use client';

import { useState } from 'react';
import { send } from '@/app/_components/api-client';
import { ASSERTION_LABELS } from '@/app/_components/site-form/assertion-model';
import { PushUrlOnce } from '@/app/_components/site-form/push-url';
import { KIND_LABELS } from '@/app/_components/site-form/values';
import type { Assertion } from '@/db/domain';
import type { ApiCheck, ApiSite } from '@/lib/api/present';
import { z } from 'zod';
import styles from './site.module.css';

/** An assertion in words, as the form builds it: `JSON path $.status == "ok"`. */
export function describeAssertion(a: Assertion): string {
  const label = ASSERTION_LABELS[a.type];
  switch (a.type) {
    case 'body-contains':
    case 'body-not-contains':
      return `${label} ${JSON.stringify(a.value)}${a.ignoreCase ? ' (ignoring case)' : ''}`;
    case 'body-matches':
      return `${label} /${a.pattern}/${a.flags ?? ''}`;
    case 'json-path':
      return `${label} ${a.path} ${a.op} ${JSON.stringify(a.value)}`;
    case 'header':
      return `${label} ${a.name} ${a.op} ${a.op === 'matches' ? `/${a.value}/` : JSON.stringify(a.value)}`;
    case 'response-time':
      return `${label} ${a.belowMs} ms`;
  }
}

const rotated = z.looseObject({ pushToken: z.string(), pushPath: z.string() });

/**
 * What the site checks beyond its URL: its kind, its assertions, what the newest check saw (a DNS answer), and
 * for a push site the rotation of its ping URL, whose new value shows here once.
 */
export function SiteCheckSettings({ site, latest, canWrite }: { site: ApiSite; latest: ApiCheck | undefined; canWrite: boolean }) {
  const [pushPath, setPushPath] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const rotate = async () => {
    setConfirming(false);
    setBusy(true);
    const result = await send('POST', `/api/sites/${site.id}/push-token`, { expect: rotated });
    setBusy(false);
    if (!result.ok) setError(`Could not make a new ping URL: ${result.message}`);
    else {
      setError(null);
      setPushPath(result.value.pushPath);
    }
  };
  return (
    <section className={styles.card} aria-labelledby="check-heading" data-testid="check-settings">
      <div className={styles.cardHead}>
        <h2 id="check-heading">What it checks</h2>
        <p className={styles.muted} data-testid="site-kind">
          {KIND_LABELS[site.kind]}
        </p>
      </div>
      {site.assertions.length > 0 && (
        <ul className={styles.assertionList} aria-label="Assertions">
          {site.assertions.map((a, i) => (
            <li key={i}>{describeAssertion(a)}</li>
          ))}
        </ul>
      )}
      {site.kind === 'dns' && (
        <p data-testid="dns-answer">
          Latest answer:{' '}
          {latest?.detail ? <code>{latest.detail}</code> : <span className={styles.muted}>none yet</span>}
        </p>
      )}
      {site.kind === 'push' && (
        <div>
          <p className={styles.muted}>
            Expects a ping every {site.intervalSeconds} s, with {site.pushGraceSeconds} s of grace. The ping URL was
            shown once when it was made; a new one replaces it at once.
          </p>
          {canWrite && !confirming && (
            <button type="button" className="btn btn-small" onClick={() => setConfirming(true)} disabled={busy}>
              {busy ? 'Making…' : 'Rotate ping URL'}
            </button>
          )}
          {confirming && (
            // The old URL stops working at once: a job still calling it would turn the site down.
            <p role="group" aria-label="Confirm rotation">
              The current URL stops working at once.{' '}
              <button type="button" className="btn btn-small btn-primary" onClick={rotate}>
                Make a new URL
              </button>{' '}
              <button type="button" className="btn btn-small" onClick={() => setConfirming(false)}>
                Cancel
              </button>
            </p>
          )}
          {error && (
            <p className="field-error" role="alert">
              {error}
            </p>
          )}
          {pushPath && <PushUrlOnce pushPath={pushPath} />}
        </div>
      )}
    </section>
  );
}
