import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { MetricSite, Store } from '../../db';
import { databaseBytes, figuresOf, judgeHealth } from '../health';

/**
 * The Prometheus exporter (GET /metrics). Everything is read from the database, so the figures are the same
 * whether the checker runs in the web server or as its own process:
 *
 * - per-site gauges (state, up, the newest check's phases, certificate expiry, open incidents) are set afresh
 *   at every scrape, so a deleted site's series go with it;
 * - counters and histograms (checks by result and error kind, check durations, start lag) follow the checks
 *   table by its rowid from the first scrape on: each check is counted once, by this process, in the order it
 *   was recorded. Like any exporter's counters they start at 0 when the process starts; rate() handles that.
 * - the checker's own health comes from its newest self-report (lib/health.ts).
 */

/** Every state a site can be in, so `upbeat_site_state` has one series per state for each site. */
export const METRIC_STATES = ['pending', 'up', 'degraded', 'down', 'paused'] as const;
const PHASES = ['dns', 'connect', 'tls', 'ttfb', 'transfer', 'total'] as const;
const SITE_LABELS = ['site_id', 'site_name', 'url'] as const;
/** Seconds; from a fast local answer to a timeout. */
const DURATION_BUCKETS = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const LAG_BUCKETS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30];
/** Checks read from the table per scrape at most; a backlog beyond it is counted at the next scrape. */
const MAX_TAIL = 200_000;

type SiteLabels = Record<(typeof SITE_LABELS)[number], string>;

/** A URL as a label: without user name and password, which are credentials, not the address. */
export function urlLabel(raw: string): string {
  try {
    const url = new URL(raw);
    url.username = '';
    url.password = '';
    return url.toString();
  } catch {
    return raw;
  }
}

function labelsOf(site: MetricSite): SiteLabels {
  return { site_id: String(site.id), site_name: site.name, url: urlLabel(site.url) };
}

export class UpbeatMetrics {
  readonly registry = new Registry();
  private lastId: number | null = null;
  private readonly siteUp = this.gauge('upbeat_site_up', 'Whether the site is up (1) or down (0) by its newest check; absent while pending or paused', SITE_LABELS);
  private readonly siteState = this.gauge('upbeat_site_state', "1 for the site's current state, 0 for the others", [...SITE_LABELS, 'state']);
  private readonly phase = this.gauge('upbeat_check_duration_seconds', "The newest check's time per phase", [...SITE_LABELS, 'phase']);
  private readonly tlsExpiry = this.gauge('upbeat_tls_cert_expiry_timestamp_seconds', "The certificate's expiry seen by the newest check, Unix seconds", SITE_LABELS);
  private readonly incidents = this.gauge('upbeat_incidents_open', 'Incidents of the site not yet resolved', SITE_LABELS);
  private readonly checks = new Counter({
    name: 'upbeat_checks_total',
    help: 'Checks recorded, by result and error kind (error_kind is empty when the check passed)',
    labelNames: [...SITE_LABELS, 'result', 'error_kind'],
    registers: [this.registry],
  });
  private readonly latency = new Histogram({
    name: 'upbeat_check_latency_seconds',
    help: 'Total time of each check',
    labelNames: SITE_LABELS,
    buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });
  private readonly lag = new Histogram({
    name: 'upbeat_checker_start_lag_seconds',
    help: 'How late each check started against its due time',
    buckets: LAG_BUCKETS,
    registers: [this.registry],
  });
  private readonly inFlight = this.gauge('upbeat_checker_checks_in_flight', 'Checks running now (newest self-report)', []);
  private readonly queued = this.gauge('upbeat_checker_queue_length', 'Checks due and waiting for a slot (newest self-report)', []);
  private readonly batchDelay = this.gauge('upbeat_recorder_batch_delay_seconds', 'p99 of the time a result waits before its batch is written', []);
  private readonly checkerHealthy = this.gauge('upbeat_checker_healthy', '1 when the checker reports on time and keeps up (GET /api/health says ok)', []);
  private readonly dbSize = this.gauge('upbeat_database_size_bytes', 'The database file and its write-ahead log', []);
  private readonly pending = this.gauge('upbeat_notifications_pending', 'Notifications waiting to be delivered', []);
  private readonly failed = this.gauge('upbeat_notifications_failed', 'Notifications given up on after their retries', []);

  private gauge<L extends string>(name: string, help: string, labelNames: readonly L[]) {
    return new Gauge<L>({ name, help, labelNames, registers: [this.registry] });
  }

  /** The exposition text as of now. */
  async scrape(store: Store, now = Date.now(), isCheckerExpected = true): Promise<string> {
    const sites = store.metricSites();
    const byId = new Map(sites.map((s) => [s.id, labelsOf(s)]));
    this.countNewChecks(store, byId);
    this.setSiteGauges(sites);
    this.setCheckerGauges(store, now, isCheckerExpected);
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  private countNewChecks(store: Store, byId: Map<number, SiteLabels>): void {
    if (this.lastId === null) {
      this.lastId = store.latestCheckId();
      return;
    }
    for (let read = 0; read < MAX_TAIL; ) {
      const batch = store.checksAfter(this.lastId, 10_000);
      if (batch.length === 0) break;
      read += batch.length;
      for (const c of batch) {
        this.lastId = c.id;
        this.lag.observe(c.lagMs / 1000);
        const labels = byId.get(c.siteId);
        if (!labels) continue;
        this.checks.inc({ ...labels, result: c.ok ? 'up' : 'down', error_kind: c.errorKind ?? '' });
        this.latency.observe(labels, c.totalMs / 1000);
      }
    }
  }

  private setSiteGauges(sites: readonly MetricSite[]): void {
    for (const g of [this.siteUp, this.siteState, this.phase, this.tlsExpiry, this.incidents]) g.reset();
    for (const site of sites) {
      const labels = labelsOf(site);
      if (site.state === 'up' || site.state === 'degraded') this.siteUp.set(labels, 1);
      else if (site.state === 'down') this.siteUp.set(labels, 0);
      for (const state of METRIC_STATES) this.siteState.set({ ...labels, state }, site.state === state ? 1 : 0);
      if (site.last) {
        const ms = [site.last.dnsMs, site.last.connectMs, site.last.tlsMs, site.last.ttfbMs, site.last.transferMs, site.last.totalMs];
        PHASES.forEach((phase, i) => this.phase.set({ ...labels, phase }, ms[i]! / 1000));
      }
      if (site.tlsExpiresAt !== null) this.tlsExpiry.set(labels, Math.floor(site.tlsExpiresAt / 1000));
      this.incidents.set(labels, site.openIncidents);
    }
  }

  private setCheckerGauges(store: Store, now: number, isCheckerExpected: boolean): void {
    const report = store.readSelfReport();
    const figures = figuresOf(report);
    if (figures) {
      this.inFlight.set(figures.scheduler.inFlight);
      this.queued.set(figures.scheduler.queued);
      this.batchDelay.set(figures.recorder.delayP99Ms / 1000);
    }
    this.checkerHealthy.set(judgeHealth({ report, now, isCheckerExpected }).status === 'ok' ? 1 : 0);
    this.dbSize.set(store.file === ':memory:' ? 0 : databaseBytes(store.file).totalBytes);
    const outbox = store.outboxCounts();
    this.pending.set(outbox.pending);
    this.failed.set(outbox.failed);
  }
}

const KEY = Symbol.for('upbeat.metrics');
type Holder = { [KEY]?: UpbeatMetrics };

/** The process's exporter (on globalThis: Next.js bundles routes as separate module graphs). */
export function processMetrics(): UpbeatMetrics {
  const holder = globalThis as Holder;
  holder[KEY] ??= new UpbeatMetrics();
  return holder[KEY];
}
