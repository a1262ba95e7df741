-- History that stays fast and small.
--
-- 1. Rollups per site per minute, hour and day (UTC, aligned to the epoch): check and pass counts, the latency
--    of the passed checks (sum, least, most, the sum of each phase) and a log-scale histogram of it (see
--    lib/histogram.ts: the blob is (bucket, varint count) pairs of the non-empty buckets). Written by the
--    recorder in the same transaction as the raw rows, so the two can never disagree. WITHOUT ROWID: the
--    (site, bucket) key is the table's own order, so a range of one site is one contiguous read and there is no
--    second index to keep.
-- 2. A leaner raw row: the certificate's expiry and issuer, the same on every check of a site for months, move
--    to a small dictionary (check_tls) referenced by id. seen_at is the newest check time that uses an entry
--    (rounded up to the hour by the writer), so the pruner can drop entries whose checks are all past retention
--    without an index on checks.tls_id.
-- 3. Raw rows recorded before this migration get their rollups from db/rollups.ts (backfillRollups) when the
--    store opens: the histogram encoding lives in TypeScript, not SQL. meta.rollup_backfill_below marks the ids
--    still to do.

CREATE TABLE check_tls (
  id          INTEGER PRIMARY KEY AUTOINCREMENT, -- never reused, so a stale cached id can only miss, not lie
  expires_at  INTEGER NOT NULL,
  issuer      TEXT,
  seen_at     INTEGER NOT NULL
);
CREATE UNIQUE INDEX check_tls_by_value ON check_tls (expires_at, issuer);

INSERT INTO check_tls (expires_at, issuer, seen_at)
SELECT tls_expires_at, tls_issuer, max(checked_at) FROM checks
WHERE tls_expires_at IS NOT NULL
GROUP BY tls_expires_at, tls_issuer;

CREATE TABLE checks_v3 (
  id              INTEGER PRIMARY KEY,
  site_id         INTEGER NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
  checked_at      INTEGER NOT NULL,
  ok              INTEGER NOT NULL,
  status_code     INTEGER,
  -- Small integer code of the error kind (see db/codes.ts); NULL when the check passed.
  error_kind      INTEGER,
  error_message   TEXT,
  dns_us          INTEGER NOT NULL,
  connect_us      INTEGER NOT NULL,
  tls_us          INTEGER NOT NULL,
  ttfb_us         INTEGER NOT NULL,
  transfer_us     INTEGER NOT NULL,
  total_us        INTEGER NOT NULL,
  lag_ms          INTEGER NOT NULL DEFAULT 0,
  tls_id          INTEGER -- check_tls.id; not a declared foreign key (see above)
);

INSERT INTO checks_v3 (id, site_id, checked_at, ok, status_code, error_kind, error_message, dns_us, connect_us,
  tls_us, ttfb_us, transfer_us, total_us, lag_ms, tls_id)
SELECT c.id, c.site_id, c.checked_at, c.ok, c.status_code, c.error_kind, c.error_message, c.dns_us, c.connect_us,
  c.tls_us, c.ttfb_us, c.transfer_us, c.total_us, c.lag_ms,
  (SELECT t.id FROM check_tls t WHERE t.expires_at = c.tls_expires_at AND t.issuer IS c.tls_issuer)
FROM checks c ORDER BY c.id;

DROP TABLE checks;
ALTER TABLE checks_v3 RENAME TO checks;
CREATE INDEX checks_by_site_time ON checks (site_id, checked_at);

CREATE TABLE rollup_minute (
  site_id      INTEGER NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
  t            INTEGER NOT NULL, -- bucket start, epoch ms
  checks       INTEGER NOT NULL,
  up           INTEGER NOT NULL,
  -- Latency of the passed checks, µs: total, least, most (NULL while none passed), and the sum of each phase.
  lat_sum      INTEGER NOT NULL DEFAULT 0,
  lat_min      INTEGER,
  lat_max      INTEGER,
  dns_sum      INTEGER NOT NULL DEFAULT 0,
  connect_sum  INTEGER NOT NULL DEFAULT 0,
  tls_sum      INTEGER NOT NULL DEFAULT 0,
  ttfb_sum     INTEGER NOT NULL DEFAULT 0,
  transfer_sum INTEGER NOT NULL DEFAULT 0,
  hist         BLOB    NOT NULL DEFAULT x'',
  PRIMARY KEY (site_id, t)
) WITHOUT ROWID;

CREATE TABLE rollup_hour (
  site_id      INTEGER NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
  t            INTEGER NOT NULL,
  checks       INTEGER NOT NULL,
  up           INTEGER NOT NULL,
  lat_sum      INTEGER NOT NULL DEFAULT 0,
  lat_min      INTEGER,
  lat_max      INTEGER,
  dns_sum      INTEGER NOT NULL DEFAULT 0,
  connect_sum  INTEGER NOT NULL DEFAULT 0,
  tls_sum      INTEGER NOT NULL DEFAULT 0,
  ttfb_sum     INTEGER NOT NULL DEFAULT 0,
  transfer_sum INTEGER NOT NULL DEFAULT 0,
  hist         BLOB    NOT NULL DEFAULT x'',
  PRIMARY KEY (site_id, t)
) WITHOUT ROWID;

-- The last day's hours, minute by minute: checks, passes and the passes' latency sum of each minute of the hour
-- (see MINUTE_DETAIL_HOURS in lib/retention.ts and encodeMinutes in db/rollups.ts). The overview's sparkline and
-- the exact edge of the 24 h window read one row an hour instead of sixty minute rollups. Its own table, so the
-- pruner deletes rows (SQLite merges emptied pages on delete, not when an update shrinks a row).
CREATE TABLE rollup_hour_minutes (
  site_id      INTEGER NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
  t            INTEGER NOT NULL, -- the hour's start, epoch ms
  minutes      BLOB    NOT NULL,
  PRIMARY KEY (site_id, t)
) WITHOUT ROWID;

CREATE TABLE rollup_day (
  site_id      INTEGER NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
  t            INTEGER NOT NULL,
  checks       INTEGER NOT NULL,
  up           INTEGER NOT NULL,
  lat_sum      INTEGER NOT NULL DEFAULT 0,
  lat_min      INTEGER,
  lat_max      INTEGER,
  dns_sum      INTEGER NOT NULL DEFAULT 0,
  connect_sum  INTEGER NOT NULL DEFAULT 0,
  tls_sum      INTEGER NOT NULL DEFAULT 0,
  ttfb_sum     INTEGER NOT NULL DEFAULT 0,
  transfer_sum INTEGER NOT NULL DEFAULT 0,
  hist         BLOB    NOT NULL DEFAULT x'',
  PRIMARY KEY (site_id, t)
) WITHOUT ROWID;

INSERT INTO meta (key, value) SELECT 'rollup_backfill_below', coalesce(max(id), 0) + 1 FROM checks;
