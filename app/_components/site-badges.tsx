'use client';

import { useId, useRef, useState } from 'react';
import { z } from 'zod';
import { send } from './api-client';
import { usePublicOrigin } from './public-origin';
import styles from './site-badges.module.css';

const WINDOWS = ['24h', '7d', '30d', '90d'] as const;
const STATS = ['p95', 'p50', 'avg'] as const;
const enabledShape = z.looseObject({ enabled: z.boolean() });

interface BadgeLine {
  key: string;
  alt: string;
  /** The path and query on this server. */
  path: string;
}

/**
 * A site's public badges: the switch (off by default: a badge shows the site's state to anyone with the link)
 * and, once on, each badge as it looks with copy-paste Markdown for a README.
 *
 * The previews load from this page's own origin (a relative address, which the Content-Security-Policy's
 * img-src 'self' allows), while the Markdown names the public address (`UPBEAT_PUBLIC_URL`, else the browser's),
 * and is drawn only once that address is known, so a relative link is never what gets copied.
 */
export function SiteBadges({
  siteId,
  initialEnabled,
  canWrite,
  publicUrl,
}: {
  siteId: number;
  initialEnabled: boolean;
  canWrite: boolean;
  publicUrl: string | null;
}) {
  const id = useId();
  const origin = usePublicOrigin(publicUrl);
  const [enabled, setEnabled] = useState(initialEnabled);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [uptimeWindow, setUptimeWindow] = useState<(typeof WINDOWS)[number]>('30d');
  const [latencyWindow, setLatencyWindow] = useState<(typeof WINDOWS)[number]>('24h');
  const [stat, setStat] = useState<(typeof STATS)[number]>('p95');
  // Bumped on each switch so the previews are fetched again rather than shown from before.
  const [version, setVersion] = useState(0);

  if (!enabled && !canWrite) return null;

  // The switch moves at once and moves back if the server refuses: a checkbox that lags behind its click reads
  // as broken to people (and to a test that clicks it and looks).
  const toggle = async (next: boolean) => {
    setEnabled(next);
    setBusy(true);
    setProblem(null);
    const result = await send('PUT', `/api/sites/${siteId}/badges`, { body: { enabled: next }, expect: enabledShape });
    setBusy(false);
    if (!result.ok) {
      setEnabled(!next);
      setProblem(`Could not turn badges ${next ? 'on' : 'off'}: ${result.message}`);
      return;
    }
    setEnabled(result.value.enabled);
    setVersion((v) => v + 1);
  };

  const base = `/api/badges/${siteId}`;
  const lines: BadgeLine[] = [
    { key: 'status', alt: 'status', path: `${base}/status.svg` },
    { key: 'uptime', alt: `uptime ${uptimeWindow}`, path: `${base}/uptime.svg?window=${uptimeWindow}` },
    { key: 'latency', alt: `${stat} ${latencyWindow}`, path: `${base}/latency.svg?window=${latencyWindow}&stat=${stat}` },
  ];

  return (
    <section className={styles.card} aria-labelledby={`${id}-heading`} data-testid="site-badges">
      <div className={styles.head}>
        <h2 id={`${id}-heading`}>Badges</h2>
        {canWrite && (
          <label className={styles.switch}>
            <input type="checkbox" checked={enabled} disabled={busy} onChange={(e) => void toggle(e.target.checked)} />
            Serve public badges
          </label>
        )}
      </div>
      {problem && (
        <p className="form-error" role="alert">
          {problem}
        </p>
      )}
      {busy ? (
        <p className={styles.muted}>{enabled ? 'Turning badges on…' : 'Turning badges off…'}</p>
      ) : !enabled ? (
        <p className={styles.muted}>
          Off. Turned on, anyone with a badge&apos;s link sees this site&apos;s state, uptime and latency as an image for a
          README or wiki (never its name or address).
        </p>
      ) : (
        <>
          <div className={styles.options}>
            <label>
              Uptime over{' '}
              <select value={uptimeWindow} onChange={(e) => setUptimeWindow(e.target.value as (typeof WINDOWS)[number])}>
                {WINDOWS.map((w) => (
                  <option key={w} value={w}>
                    {w}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Latency{' '}
              <select value={stat} onChange={(e) => setStat(e.target.value as (typeof STATS)[number])} aria-label="Latency statistic">
                {STATS.map((s) => (
                  <option key={s} value={s}>
                    {s}
                  </option>
                ))}
              </select>{' '}
              over{' '}
              <select
                value={latencyWindow}
                onChange={(e) => setLatencyWindow(e.target.value as (typeof WINDOWS)[number])}
                aria-label="Latency window"
              >
                {WINDOWS.map((w) => (
                  <option key={w} value={w}>
                    {w}
                  </option>
                ))}
              </select>
            </label>
          </div>
          <ul className={styles.list}>
            {lines.map((line) => (
              <BadgeRow key={line.key} line={line} origin={origin} version={version} />
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

function BadgeRow({ line, origin, version }: { line: BadgeLine; origin: string | null; version: number }) {
  const codeRef = useRef<HTMLElement>(null);
  const [copied, setCopied] = useState<'' | 'copied' | 'selected'>('');
  const markdown = origin === null ? null : `![${line.alt}](${origin}${line.path})`;

  async function copy() {
    if (markdown === null) return;
    try {
      await navigator.clipboard.writeText(markdown);
      setCopied('copied');
    } catch {
      // No clipboard outside a secure context (plain http) or permission refused: select the text instead.
      const selection = window.getSelection();
      if (codeRef.current && selection) selection.selectAllChildren(codeRef.current);
      setCopied('selected');
    }
  }

  return (
    <li className={styles.row} data-badge={line.key}>
      {/* eslint-disable-next-line @next/next/no-img-element -- a small SVG from this server, not an optimisable photo */}
      <img src={`${line.path}${line.path.includes('?') ? '&' : '?'}v=${version}`} alt={`${line.alt} badge`} height={20} className={styles.preview} />
      <div className={styles.copy}>
        <code ref={codeRef} className={styles.markdown} data-testid={`badge-markdown-${line.key}`}>
          {markdown ?? '…'}
        </code>
        <button
          type="button"
          className="btn btn-small"
          disabled={markdown === null}
          aria-label={`Copy the ${line.key} badge's Markdown`}
          onClick={() => void copy()}
        >
          Copy
        </button>
      </div>
      <p className={styles.copied} aria-live="polite">
        {copied === 'copied' ? 'Copied to the clipboard.' : copied === 'selected' ? 'Selected: press Ctrl+C (⌘C on a Mac) to copy it.' : ''}
      </p>
    </li>
  );
}
