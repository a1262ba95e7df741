import type { Metadata } from 'next';
import Link from 'next/link';
import { requireViewer } from '@/app/_server/auth-page';
import { getConfig } from '@/lib/config';
import { RELATIVE_ERROR } from '@/db/histogram';
import { getStore } from '@/lib/store';
import { formatAgo } from '@/app/_components/format';
import { readBackupStatus } from './backup-status';
import { TABLE_LABELS, formatBytes, readStorageReport } from './report';
import styles from './storage.module.css';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Storage' };

const count = (n: number) => Math.round(n).toLocaleString('en-US');
const perRow = (n: number | null) => (n === null ? '—' : `${Math.round(n)} B`);
const plural = (n: number, one: string, many: string) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/**
 * The database on disk: its size, what each table of history holds, the retention the checker prunes to, and
 * the size it settles at for the sites being checked now. Read on each request (the figures walk every page of
 * the file, so they are not polled).
 */
export default async function StoragePage() {
  await requireViewer('/settings/storage');
  const { retention, dbPath, backup } = getConfig();
  const report = await readStorageReport(getStore(), retention);
  const backups = readBackupStatus(dbPath, backup);
  const now = backups.readAt;
  const retentionLines = [
    { what: 'Raw checks', keep: plural(retention.rawDays, 'day', 'days'), env: 'UPBEAT_RETAIN_RAW_DAYS' },
    { what: 'Minute rollups', keep: plural(retention.minuteHours, 'hour', 'hours'), env: 'UPBEAT_RETAIN_MINUTE_HOURS' },
    { what: 'Hour rollups', keep: plural(retention.hourDays, 'day', 'days'), env: 'UPBEAT_RETAIN_HOUR_DAYS' },
    { what: 'Day rollups', keep: plural(retention.dayDays, 'day', 'days'), env: 'UPBEAT_RETAIN_DAY_DAYS' },
  ];
  return (
    <main id="main" className="container subpage">
      <nav className="back-nav">
        <Link href="/">← All sites</Link>
      </nav>
      <h1 className={styles.title}>Storage</h1>

      <section className={styles.stats} aria-label="Database on disk">
        <div className={styles.stat} data-testid="db-size">
          <p className={styles.statLabel}>On disk</p>
          <p className={styles.statValue}>{formatBytes(report.fileBytes + report.walBytes)}</p>
          <p className={styles.statNote}>
            file {formatBytes(report.fileBytes)} + write-ahead log {formatBytes(report.walBytes)}
          </p>
        </div>
        <div className={styles.stat} data-testid="db-projection">
          <p className={styles.statLabel}>At steady state</p>
          <p className={styles.statValue}>{formatBytes(report.projectedBytes)}</p>
          <p className={styles.statNote}>
            for {plural(report.activeSites, 'active site', 'active sites')} at their intervals
          </p>
        </div>
        <div className={styles.stat} data-testid="db-free">
          <p className={styles.statLabel}>Free inside the file</p>
          <p className={styles.statValue}>{formatBytes(report.freeBytes)}</p>
          <p className={styles.statNote}>reused before the file grows</p>
        </div>
      </section>

      <section className={styles.card} aria-labelledby="backup-heading" data-testid="storage-backup">
        <h2 id="backup-heading">Backup</h2>
        {backups.last ? (
          <p className={styles.backupLine} data-testid="last-backup">
            Last backup{' '}
            <time dateTime={new Date(backups.last.at).toISOString()} title={new Date(backups.last.at).toISOString()}>
              {formatAgo(now - backups.last.at)}
            </time>
            {backups.last.scheduled ? ' (scheduled)' : ''}: <code>{backups.last.file}</code>, {formatBytes(backups.last.bytes)}
            {backups.last.isPresent ? '' : ' — no longer at that path'}
          </p>
        ) : (
          <p className={styles.backupLine} data-testid="last-backup">
            No backup yet. Make one while Upbeat runs: <code>npm run backup -- FILE</code>
          </p>
        )}
        {backups.failure && (
          <p className={styles.failure} role="alert" data-testid="backup-failure">
            The scheduled backup {formatAgo(now - backups.failure.at)} failed: {backups.failure.message}
          </p>
        )}
        <p className={styles.note} data-testid="backup-schedule">
          {backups.schedule.dir ? (
            <>
              The checker backs up every {plural(backups.schedule.everyHours, 'hour', 'hours')} into{' '}
              <code>{backups.schedule.dir}</code>, keeping the newest {backups.schedule.keep}.
            </>
          ) : (
            <>
              Scheduled backups are off: set <code>UPBEAT_BACKUP_DIR</code> (with <code>UPBEAT_BACKUP_EVERY_HOURS</code>,{' '}
              <code>UPBEAT_BACKUP_KEEP</code>) for the checker.
            </>
          )}{' '}
          Restore with Upbeat stopped: <code>npm run restore -- FILE</code> checks the file first and keeps the
          database it replaces.
        </p>
        <p className={styles.note} data-testid="config-export">
          Configuration as a file (sites, channels, status pages; no history):{' '}
          <a href="/api/config/export" download="upbeat.yaml">
            Download upbeat.yaml
          </a>
          . Secrets are written as <code>{'${UPBEAT_…}'}</code> references; apply it with{' '}
          <code>npm run config -- apply upbeat.yaml</code>.
        </p>
      </section>

      <section className={styles.card} aria-labelledby="tables-heading">
        <h2 id="tables-heading">Tables</h2>
        <div className={styles.tableWrap}>
          <table className={styles.table} data-testid="storage-tables">
            <thead>
              <tr>
                <th scope="col">Table</th>
                <th scope="col">Rows</th>
                <th scope="col">Size</th>
                <th scope="col">Per row</th>
              </tr>
            </thead>
            <tbody>
              {report.tables.map((t) => (
                <tr key={t.table} data-table={t.table} data-rows={t.rows}>
                  <th scope="row">
                    {TABLE_LABELS[t.table]} <code>{t.table === 'other' ? '' : t.table}</code>
                  </th>
                  <td>{t.table === 'other' ? '—' : count(t.rows)}</td>
                  <td>{formatBytes(t.bytes)}</td>
                  {/* A table of a few rows is mostly the empty space of its one page. */}
                  <td>{t.table === 'other' || t.rows < 100 ? '—' : perRow(t.bytesPerRow)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <p className={styles.note}>
          Size is each table&apos;s pages with its indexes, free space inside them included. Read in{' '}
          {Math.round(report.tookMs)} ms.
        </p>
      </section>

      <section className={styles.card} aria-labelledby="retention-heading">
        <h2 id="retention-heading">Retention</h2>
        <div className={styles.tableWrap}>
          <table className={styles.table} data-testid="storage-retention">
            <thead>
              <tr>
                <th scope="col">History</th>
                <th scope="col">Kept for</th>
                <th scope="col">Set by</th>
              </tr>
            </thead>
            <tbody>
              {retentionLines.map((r) => (
                <tr key={r.env} data-env={r.env}>
                  <th scope="row">{r.what}</th>
                  <td>{r.keep}</td>
                  <td>
                    <code>{r.env}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <p className={styles.note}>
          The checker deletes what is older in small batches every minute. Charts read raw checks for short ranges
          and the rollups beyond; percentiles from rollups are within {(RELATIVE_ERROR * 100).toFixed(2)}% of the
          exact figure.
        </p>
      </section>

      <section className={styles.card} aria-labelledby="projection-heading">
        <h2 id="projection-heading">Projection</h2>
        <div className={styles.tableWrap}>
          <table className={styles.table} data-testid="storage-projection">
            <thead>
              <tr>
                <th scope="col">Table</th>
                <th scope="col">Rows at steady state</th>
                <th scope="col">Per row</th>
                <th scope="col">Size</th>
              </tr>
            </thead>
            <tbody>
              {report.projection.map((p) => (
                <tr key={p.table} data-table={p.table} data-rows={p.rows}>
                  <th scope="row">{TABLE_LABELS[p.table]}</th>
                  <td>{count(p.rows)}</td>
                  <td>
                    {perRow(p.bytesPerRow)} <span className={styles.muted}>{p.isMeasured ? 'measured' : 'typical'}</span>
                  </td>
                  <td>{formatBytes(p.bytes)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <p className={styles.note}>
          Rows at steady state: one raw row per check over the raw window, one rollup row per bucket that holds a
          check, for every active site at its own interval. Per row is measured on this database once a table holds
          enough rows, a typical figure before that.
        </p>
      </section>
    </main>
  );
}
