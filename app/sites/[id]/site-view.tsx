'use client';

import Link from 'next/link';
import { useCallback, useRef, useState, type ReactNode } from 'react';
import useSWR, { SWRConfig } from 'swr';
import useSWRInfinite from 'swr/infinite';
import { LatencyChart } from '@/app/_components/latency-chart';
import { StatusStrip } from '@/app/_components/status-strip';
import type { ApiCheck } from '@/lib/api/present';
import type { ApiIncidentList } from '@/lib/api/present-incident';
import { RANGE_KEYS, STRIP_SIZE, type HistoryPayload, type RangeKey } from '@/lib/history-types';
import { ChecksTable } from './checks-table';
import { describeFailure, formatDate, formatDateTime, formatLatency, formatPercent } from '@/app/_components/format';
import { StateBadge } from '@/app/_components/state-badge';
import { useToast } from '@/app/_components/toast';
import { SiteActions } from './site-actions';
import { OpenIncident, SiteIncidents } from './site-incidents';
import styles from './site.module.css';
import { daysLeft, useMinute } from './use-minute';
import { useSiteEvents } from './use-site-events';

export interface SiteViewProps {
  siteId: number;
  initialRange: RangeKey;
  initialHistory: HistoryPayload;
  initialChecks: ApiCheck[];
  initialIncidents: ApiIncidentList;
  /** When the server read the data (epoch ms), for times that must read the same before and after hydration. */
  renderedAt: number;
  pageSize: number;
  /** False for a public read-only visitor: no actions that could only answer 401. */
  canWrite: boolean;
  /** Server-rendered sections shown after the check log (the badges). */
  footer?: ReactNode;
  /** The configuration file that declares the site (read-only here); null when made in the UI. */
  managedBy?: string | null;
}

class HttpError extends Error {
  constructor(readonly status: number) {
    super(`HTTP ${status}`);
  }
}

async function fetchJson<T>(url: string): Promise<T> {
  const res = await fetch(url, { headers: { accept: 'application/json' } });
  if (!res.ok) throw new HttpError(res.status);
  return (await res.json()) as T;
}

const historyKey = (siteId: number, range: RangeKey) => `/api/sites/${siteId}/history?range=${range}`;

const RANGE_LABELS: Record<RangeKey, string> = {
  '1h': '1 h',
  '24h': '24 h',
  '7d': '7 d',
  '30d': '30 d',
  '90d': '90 d',
  '1y': '1 y',
};
const RANGE_WORDS: Record<RangeKey, string> = {
  '1h': 'the last hour',
  '24h': 'the last 24 hours',
  '7d': 'the last 7 days',
  '30d': 'the last 30 days',
  '90d': 'the last 90 days',
  '1y': 'the last year',
};
/** The uptime windows shown, in order (each is also a range of the chart). */
const UPTIME_TILES = ['24h', '7d', '30d', '90d', '1y'] as const;
/** A certificate this close to expiry is shown in the warning colour. */
const TLS_WARN_DAYS = 14;

/**
 * The live part of the site page. The server renders it with the data already in hand (SWR fallback), so the
 * first paint is complete; afterwards the server-sent event feed says when this site has new checks and the
 * data is fetched again.
 */
export function SiteView(props: SiteViewProps) {
  return (
    <SWRConfig value={{ fallback: { [historyKey(props.siteId, props.initialRange)]: props.initialHistory } }}>
      <SiteDashboard {...props} />
    </SWRConfig>
  );
}

function SiteDashboard({
  siteId,
  initialRange,
  initialChecks,
  initialIncidents,
  renderedAt,
  pageSize,
  canWrite,
  footer,
  managedBy,
}: SiteViewProps) {
  const [range, setRange] = useState<RangeKey>(initialRange);
  const [stacked, setStacked] = useState(false);
  const now = useMinute();
  const { region: toastRegion, show: toast } = useToast();

  const history = useSWR<HistoryPayload, HttpError>(historyKey(siteId, range), fetchJson, {
    keepPreviousData: true,
    revalidateOnMount: false,
  });
  const pages = useSWRInfinite<{ checks: ApiCheck[] }, HttpError>(
    (index, previous: { checks: ApiCheck[] } | null) => {
      if (index === 0) return `/api/sites/${siteId}/checks?limit=${pageSize}`;
      if (!previous || previous.checks.length < pageSize) return null;
      const oldest = previous.checks[previous.checks.length - 1]!;
      return `/api/sites/${siteId}/checks?limit=${pageSize}&before=${encodeURIComponent(oldest.checkedAt)}`;
    },
    fetchJson,
    { fallbackData: [{ checks: initialChecks }], revalidateOnMount: false, revalidateFirstPage: false },
  );
  const { mutate: mutateHistory } = history;
  const { mutate: mutatePages } = pages;

  // Set while this site is being deleted from here: its events must not reload a page that is about to leave.
  const leaving = useRef(false);
  useSiteEvents(
    siteId,
    useCallback(() => {
      if (leaving.current) return;
      void mutateHistory();
      void mutatePages();
    }, [mutateHistory, mutatePages]),
  );

  const chooseRange = (next: RangeKey) => {
    setRange(next);
    const url = new URL(window.location.href);
    url.searchParams.set('range', next);
    window.history.replaceState(window.history.state, '', url);
  };

  const data = history.data;
  if (!data) return null; // never: the server rendered the fallback
  if (history.error?.status === 404) return <Gone />;

  const { site, chart } = data;
  const last = site.lastCheck;
  const problem = last && !site.paused ? describeFailure(last) : null;
  const loadingRange = data.range !== range;
  const fmtTime = (iso: string) => formatDateTime(iso, now);
  const failed = chart.failed.reduce((a, b) => a + b, 0);
  const checks = chart.checks.reduce((a, b) => a + b, 0);
  const fastest = Math.min(...chart.min.map((v) => v ?? Infinity));
  const slowest = Math.max(...chart.max.map((v) => v ?? -Infinity));
  const chartSummary =
    `Latency over ${RANGE_WORDS[data.range]}: ` +
    (checks === 0
      ? 'no checks'
      : `${checks} checks, ${failed} failed` +
        (Number.isFinite(fastest) ? `, fastest ${formatLatency(fastest)}, slowest ${formatLatency(slowest)}` : ''));

  return (
    <main id="main" className="container subpage">
      <nav className="back-nav">
        <Link href="/">← All sites</Link>
      </nav>

      <header className={styles.header}>
        <div className={styles.title}>
          <h1>{site.name}</h1>
          <p className={styles.url}>{site.url}</p>
          {problem && last && (
            <p className={styles.problem} data-testid="site-problem">
              {problem}
              {last.error && problem !== last.error.message && !problem.endsWith(last.error.message) && (
                <span className={styles.problemDetail}>{last.error.message}</span>
              )}
            </p>
          )}
        </div>
        <div className={styles.aside}>
          <p className={styles.state} data-testid="site-state">
            <StateBadge state={site.state} />
          </p>
          {canWrite && (
            <SiteActions
              site={site}
              managedBy={managedBy ?? null}
              say={toast}
              onLeaving={(value) => {
                leaving.current = value;
              }}
              onChanged={() => {
                void mutateHistory();
                void mutatePages();
              }}
            />
          )}
        </div>
      </header>

      <OpenIncident siteId={siteId} initial={initialIncidents} renderedAt={renderedAt} />

      {history.error && (
        <p className={styles.notice} role="status">
          Could not refresh ({history.error.message}); showing the last data received.
        </p>
      )}

      <section className={styles.stats} aria-label="Uptime and certificate">
        {UPTIME_TILES.map((w) => (
          <div key={w} className={styles.stat} data-testid={`uptime-${w}`}>
            <p className={styles.statLabel}>Uptime {RANGE_LABELS[w]}</p>
            <p className={styles.statValue}>
              {formatPercent(data.uptime[w].checks === 0 ? null : data.uptime[w].up / data.uptime[w].checks)}
            </p>
            <p className={styles.statNote}>
              {data.uptime[w].checks === 0 ? 'no checks' : `${data.uptime[w].checks.toLocaleString('en-US')} checks`}
            </p>
          </div>
        ))}
        <TlsStat url={site.url} tls={data.tls} now={now} isVerified={site.tlsVerify} />
      </section>

      <section className={styles.card} aria-labelledby="latency-heading">
        <div className={styles.cardHead}>
          <h2 id="latency-heading">Latency</h2>
          <div className={styles.controls}>
            <div className={styles.ranges} role="group" aria-label="Time range">
              {RANGE_KEYS.map((r) => (
                <button
                  key={r}
                  type="button"
                  aria-pressed={r === range}
                  className={styles.rangeButton}
                  onClick={() => chooseRange(r)}
                >
                  {RANGE_LABELS[r]}
                </button>
              ))}
            </div>
            <label className={styles.toggle}>
              <input type="checkbox" checked={stacked} onChange={(e) => setStacked(e.target.checked)} />
              Phases
            </label>
          </div>
        </div>
        <div className={styles.chartArea} aria-busy={loadingRange} data-range={data.range}>
          <LatencyChart
            series={chart}
            from={Date.parse(data.from)}
            to={Date.parse(data.to)}
            stacked={stacked}
            summary={chartSummary}
            formatLatency={formatLatency}
          />
        </div>
        <Percentiles latency={data.latency} />
      </section>

      <section className={styles.card} aria-labelledby="strip-heading">
        <div className={styles.cardHead}>
          <h2 id="strip-heading">Recent checks</h2>
          <p className={styles.muted}>newest on the right</p>
        </div>
        <StatusStrip checks={data.strip} slots={STRIP_SIZE} formatTime={fmtTime} formatLatency={formatLatency} />
      </section>

      <SiteIncidents siteId={siteId} initial={initialIncidents} renderedAt={renderedAt} />

      <section className={styles.card} aria-labelledby="log-heading">
        <div className={styles.cardHead}>
          <h2 id="log-heading">Check log</h2>
          <p className={styles.exports}>
            Export {RANGE_LABELS[range]}:{' '}
            <a href={`/api/sites/${siteId}/export?range=${range}&format=csv`} download data-testid="export-csv">
              CSV
            </a>{' '}
            <a href={`/api/sites/${siteId}/export?range=${range}&format=json`} download data-testid="export-json">
              JSON
            </a>
          </p>
        </div>
        <ChecksTable
          pages={pages.data ?? []}
          pageSize={pageSize}
          isLoading={pages.isValidating && pages.size > (pages.data?.length ?? 0)}
          error={pages.error}
          onLoadMore={() => void pages.setSize(pages.size + 1)}
          formatTime={fmtTime}
        />
      </section>
      {footer}
      {toastRegion}
    </main>
  );
}

/** p50/p95/p99 of the range's passed checks; marked as estimated when they come from rollup histograms. */
function Percentiles({ latency }: { latency: HistoryPayload['latency'] }) {
  return (
    <dl className={styles.percentiles} data-testid="latency-percentiles" data-exact={latency.exact}>
      {(['p50', 'p95', 'p99'] as const).map((p) => (
        <div key={p} data-testid={`latency-${p}`}>
          <dt>{p}</dt>
          <dd>{formatLatency(latency[p])}</dd>
        </div>
      ))}
      <div>
        <dt className="visually-hidden">Based on</dt>
        <dd className={styles.percentilesNote}>
          {latency.passed === 0
            ? 'no passed checks in this range'
            : `of ${latency.passed.toLocaleString('en-US')} passed checks` + (latency.exact ? '' : ', within 4%')}
        </dd>
      </div>
    </dl>
  );
}

function TlsStat({
  url,
  tls,
  now,
  isVerified,
}: {
  url: string;
  tls: HistoryPayload['tls'];
  now: number | null;
  isVerified: boolean;
}) {
  let value: string;
  let note: string;
  let tone: 'ok' | 'warn' | 'bad' | 'none' = 'none';
  if (!url.startsWith('https:') && !url.startsWith('tls:')) {
    value = 'not https';
    note = 'no certificate to watch';
  } else if (!tls) {
    value = '—';
    note = 'no certificate seen yet';
  } else {
    // Days left depend on "now": counted in the browser only, so server and client render the same markup.
    const days = now === null ? null : daysLeft(tls.expiresAt, now);
    value = formatDate(tls.expiresAt, now);
    if (days === null) note = 'expires';
    else if (days < 0) note = `expired ${-days} ${-days === 1 ? 'day' : 'days'} ago`;
    else note = `${days} ${days === 1 ? 'day' : 'days'} left`;
    tone = days === null ? 'none' : days < 0 ? 'bad' : days < TLS_WARN_DAYS ? 'warn' : 'ok';
  }
  return (
    <div className={styles.stat} data-testid="tls" data-tone={tone}>
      <p className={styles.statLabel}>TLS certificate</p>
      <p className={styles.statValue}>{value}</p>
      <p className={styles.statNote}>{note}</p>
      {!isVerified && <p className={styles.statNote} data-testid="tls-not-verified">TLS not verified</p>}
    </div>
  );
}

function Gone() {
  return (
    <main id="main" className="container subpage">
      <h1>This site no longer exists</h1>
      <p>
        It was removed while you were looking at it. <Link href="/">Back to all sites</Link>
      </p>
    </main>
  );
}
