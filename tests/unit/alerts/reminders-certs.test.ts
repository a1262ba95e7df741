import path from 'node:path';
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { openStore, type Store } from '../../../db';
import { nextSiteState } from '../../../lib/monitor/state';
import { queueCertificateWarnings, thresholdReached } from '../../../lib/alerts/cert-expiry';
import { queueReminders } from '../../../lib/alerts/reminders';
import type { CertExpiryEvent, ReminderEvent } from '../../../lib/alerts/event';
import { addSites, addWebhookChannel } from '../../helpers/alert-rows';
import { tempDir } from '../../helpers/temp-store';

const DAY = 86_400_000;
const MINUTE = 60_000;
const T0 = Date.UTC(2026, 0, 10, 12, 0, 0);

/** A store whose sites have the reminder setting (added by a site-settings migration where it is not yet). */
function storeWithReminders(t: TestContext): Store {
  const file = path.join(tempDir(t), 'upbeat.db');
  const first = openStore(file, { decideState: nextSiteState });
  const columns = first.db.prepare(`SELECT name FROM pragma_table_info('sites')`).all() as Array<{ name: string }>;
  if (!columns.some((c) => c.name === 'remind_every_min')) {
    first.db.exec(`ALTER TABLE sites ADD COLUMN remind_every_min INTEGER`);
  }
  first.close();
  const store = openStore(file, { decideState: nextSiteState });
  t.after(() => store.close());
  return store;
}

function openIncident(store: Store, siteId: number, confirmedAt: number): number {
  const info = store.db
    .prepare(
      `INSERT INTO incidents (site_id, kind, started_at, confirmed_at, cause_kind, cause_message, cause_status)
       VALUES (?, 'down', ?, ?, 'status', 'HTTP 503', 503)`,
    )
    .run(siteId, confirmedAt - 20_000, confirmedAt);
  return Number(info.lastInsertRowid);
}

function link(store: Store, siteId: number, channelId: number) {
  store.db.prepare(`INSERT INTO site_channels (site_id, channel_id) VALUES (?, ?)`).run(siteId, channelId);
}

test('a reminder is queued once per period while the incident stays open, keyed per incident and number', (t) => {
  const store = storeWithReminders(t);
  const channelId = addWebhookChannel(store, 'http://127.0.0.1:9/hook');
  const [siteId] = addSites(store, 1, { ok: false });
  link(store, siteId!, channelId);
  store.db.prepare(`UPDATE sites SET remind_every_min = 30 WHERE id = ?`).run(siteId);
  const incident = openIncident(store, siteId!, T0);

  assert.equal(queueReminders(store, T0 + 29 * MINUTE, undefined), 0, 'not before one period');
  assert.equal(queueReminders(store, T0 + 31 * MINUTE, undefined), 1);
  assert.equal(queueReminders(store, T0 + 32 * MINUTE, undefined), 0, 'the same reminder is not queued twice');
  assert.equal(queueReminders(store, T0 + 61 * MINUTE, undefined), 1);
  const rows = store.listOutbox();
  assert.deepEqual(
    rows.map((r) => r.idempotencyKey),
    [`inc${incident}:reminder1:ch${channelId}`, `inc${incident}:reminder2:ch${channelId}`],
  );
  const event = JSON.parse(rows[1]!.payload) as ReminderEvent;
  assert.equal(event.kind, 'reminder');
  assert.equal(event.since, T0 - 20_000);
  assert.equal(event.downForMs, 61 * MINUTE + 20_000);
  assert.deepEqual(event.cause, { kind: 'status', message: 'HTTP 503', statusCode: 503 });

  store.db.prepare(`UPDATE incidents SET resolved_at = ? WHERE id = ?`).run(T0 + 70 * MINUTE, incident);
  assert.equal(queueReminders(store, T0 + 200 * MINUTE, undefined), 0, 'a resolved incident is not reminded of');
});

test('no reminders for a site without a reminder period', (t) => {
  const store = storeWithReminders(t);
  const channelId = addWebhookChannel(store, 'http://127.0.0.1:9/hook');
  const [siteId] = addSites(store, 1, { ok: false });
  link(store, siteId!, channelId);
  openIncident(store, siteId!, T0);
  assert.equal(queueReminders(store, T0 + 10 * DAY, undefined), 0);
});

function recordCertificate(store: Store, siteId: number, expiresAt: number, checkedAt = T0) {
  store.recordChecks([
    {
      siteId,
      checkedAt,
      ok: true,
      statusCode: 200,
      timings: { dnsMs: 0, connectMs: 1, tlsMs: 1, ttfbMs: 2, transferMs: 0, totalMs: 4 },
      error: null,
      lagMs: 0,
      tlsExpiresAt: expiresAt,
      tlsIssuer: 'Test CA',
    },
  ]);
}

test('certificate warnings: once per threshold per certificate, the tightest threshold reached', (t) => {
  const store = storeWithReminders(t);
  const channelId = addWebhookChannel(store, 'http://127.0.0.1:9/hook');
  const [siteId] = addSites(store, 1, { ok: true, at: T0 - 60_000 });
  link(store, siteId!, channelId);
  const expiresAt = T0 + 40 * DAY;
  recordCertificate(store, siteId!, expiresAt);
  const thresholds = [30, 14, 7, 1];

  assert.equal(queueCertificateWarnings(store, T0, thresholds, 'https://upbeat.example.com'), 0, '40 days: nothing yet');
  assert.equal(queueCertificateWarnings(store, expiresAt - 29 * DAY, thresholds, undefined), 1);
  assert.equal(queueCertificateWarnings(store, expiresAt - 20 * DAY, thresholds, undefined), 0, 'still the 30-day one');
  // Nobody looked between 14 and 7 days: only the 7-day warning is sent, not a late 14-day one as well.
  assert.equal(queueCertificateWarnings(store, expiresAt - 5 * DAY, thresholds, undefined), 1);
  assert.equal(queueCertificateWarnings(store, expiresAt - 5 * DAY, thresholds, undefined), 0);
  assert.equal(queueCertificateWarnings(store, expiresAt - DAY / 2, thresholds, undefined), 1);
  const events = store.listOutbox().map((r) => JSON.parse(r.payload) as CertExpiryEvent);
  assert.deepEqual(
    events.map((e) => [e.certificate.thresholdDays, e.certificate.daysLeft]),
    [
      [30, 29],
      [7, 5],
      [1, 1],
    ],
  );
  assert.ok(events.every((e) => e.certificate.issuer === 'Test CA' && e.certificate.expiresAt === expiresAt));

  // A renewed certificate (a new expiry) is a new certificate: its warnings start afresh.
  const renewed = expiresAt + 60 * DAY;
  recordCertificate(store, siteId!, renewed, T0 + 41 * DAY);
  assert.equal(queueCertificateWarnings(store, renewed - 25 * DAY, thresholds, undefined), 1);
});

test('the threshold reached is the smallest that is at least the time left', () => {
  const at = (days: number) => T0 + days * DAY;
  assert.equal(thresholdReached(at(31), T0, [30, 14, 7, 1]), null);
  assert.equal(thresholdReached(at(30), T0, [30, 14, 7, 1]), 30);
  assert.equal(thresholdReached(at(8), T0, [30, 14, 7, 1]), 14);
  assert.equal(thresholdReached(at(0.5), T0, [30, 14, 7, 1]), 1);
  assert.equal(thresholdReached(at(-3), T0, [30, 14, 7, 1]), 1, 'an expired certificate counts as the last one');
  assert.equal(thresholdReached(at(10), T0, [60]), 60);
});
