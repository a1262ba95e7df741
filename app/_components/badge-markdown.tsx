'use client';

import { useState, useSyncExternalStore } from 'react';

const noSubscription = () => () => {};

/**
 * A site's public badges: the switch (off by default) and, once on, copy-paste Markdown for a README. The
 * Markdown uses this page's origin, which is where the badges are served.
 */
export function BadgeMarkdown({ siteId, initialEnabled, canWrite }: { siteId: number; initialEnabled: boolean; canWrite: boolean }) {
  const [enabled, setEnabled] = useState(initialEnabled);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // The server does not know the address the browser used; the browser fills it in after hydration.
  const origin = useSyncExternalStore(noSubscription, () => window.location.origin, () => '');
  const base = `${origin}/api/badges/${siteId}`;
  const markdown = [
    `![status](${base}/status.svg)`,
    `![uptime 30d](${base}/uptime.svg?window=30d)`,
    `![p95 24h](${base}/latency.svg?window=24h&stat=p95)`,
  ].join(' ');

  async function toggle(next: boolean) {
    setBusy(true);
    setProblem(null);
    try {
      const res = await fetch(`/api/sites/${siteId}/badges`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ enabled: next }),
      });
      if (res.ok) setEnabled(next);
      else setProblem(`Could not change the badges (HTTP ${res.status})`);
    } catch {
      setProblem('Could not reach the server');
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="panel" aria-labelledby="badges-heading" style={{ marginTop: 24 }}>
      <h2 id="badges-heading">Badges</h2>
      {canWrite && (
        <label>
          <input type="checkbox" checked={enabled} disabled={busy} onChange={(e) => void toggle(e.target.checked)} /> Serve public
          badges for this site (they show its state, uptime and latency to anyone with the link)
        </label>
      )}
      {problem && <p role="alert">{problem}</p>}
      {enabled ? (
        <>
          <p>Markdown for a README:</p>
          <textarea readOnly aria-label="Badge Markdown" rows={3} value={markdown} style={{ width: '100%', fontFamily: 'var(--mono)' }} />
        </>
      ) : (
        <p>Badges are off for this site.</p>
      )}
    </section>
  );
}
