-- Per-site alert settings, the state `degraded`, and what the state decision reads to confirm a failure and to
-- judge latency. `sites.state` has a CHECK listing the states, and SQLite cannot alter a CHECK: the table is
-- rebuilt the documented way (https://sqlite.org/lang_altertable.html#otheralter). migrate() runs this with
-- foreign_keys OFF, so dropping the old table does not cascade into checks, incidents and rollups, and runs
-- PRAGMA foreign_key_check before it commits.

CREATE TABLE sites_new (
  id                 INTEGER PRIMARY KEY,
  name               TEXT    NOT NULL,
  url                TEXT    NOT NULL,
  method             TEXT    NOT NULL DEFAULT 'GET',
  interval_s         INTEGER NOT NULL CHECK (interval_s BETWEEN 1 AND 86400),
  timeout_ms         INTEGER NOT NULL CHECK (timeout_ms BETWEEN 100 AND 60000),
  expected_status    TEXT    NOT NULL DEFAULT '200-399',
  follow_redirects   INTEGER NOT NULL DEFAULT 1,
  paused             INTEGER NOT NULL DEFAULT 0,
  headers            TEXT    NOT NULL DEFAULT '{}',
  confirm_after      INTEGER NOT NULL DEFAULT 2 CHECK (confirm_after BETWEEN 1 AND 10),
  recover_after      INTEGER NOT NULL DEFAULT 1 CHECK (recover_after BETWEEN 1 AND 10),
  retry_interval_s   INTEGER NOT NULL DEFAULT 10 CHECK (retry_interval_s BETWEEN 1 AND 3600),
  degraded_above_ms  INTEGER CHECK (degraded_above_ms BETWEEN 1 AND 60000),
  remind_every_min   INTEGER CHECK (remind_every_min BETWEEN 1 AND 10080),
  -- Derived from paused and the checks; stored so the overview is one cheap query.
  state              TEXT    NOT NULL DEFAULT 'pending'
                       CHECK (state IN ('pending', 'up', 'degraded', 'down', 'paused')),
  last_check_id      INTEGER,
  last_checked_at    INTEGER,
  fail_streak        INTEGER NOT NULL DEFAULT 0,
  pass_streak        INTEGER NOT NULL DEFAULT 0,
  -- The first failing check of the current failure (kept while down): an incident starts there.
  fail_since         INTEGER,
  fail_check_id      INTEGER,
  -- Total latency (ms, comma-separated, oldest first) of the last few passed checks: the degraded decision
  -- reads it in the same one-row read as the streaks, in every process alike.
  recent_latency     TEXT    NOT NULL DEFAULT '',
  check_requested_at INTEGER,
  created_at         INTEGER NOT NULL,
  updated_at         INTEGER NOT NULL
);

INSERT INTO sites_new (id, name, url, method, interval_s, timeout_ms, expected_status, follow_redirects, paused,
  headers, state, last_check_id, last_checked_at, fail_streak, pass_streak, fail_since, fail_check_id,
  check_requested_at, created_at, updated_at)
SELECT id, name, url, method, interval_s, timeout_ms, expected_status, follow_redirects, paused,
  headers, state, last_check_id, last_checked_at, fail_streak, pass_streak,
  CASE WHEN fail_streak > 0 THEN last_checked_at END, CASE WHEN fail_streak > 0 THEN last_check_id END,
  check_requested_at, created_at, updated_at
FROM sites;

DROP TABLE sites;
ALTER TABLE sites_new RENAME TO sites;

-- Dropping the table dropped its triggers; any change to what the scheduler needs bumps sites_rev, the state
-- columns (written on every check) deliberately do not.
CREATE TRIGGER sites_rev_on_insert AFTER INSERT ON sites
BEGIN
  UPDATE meta SET value = value + 1 WHERE key = 'sites_rev';
END;

CREATE TRIGGER sites_rev_on_delete AFTER DELETE ON sites
BEGIN
  UPDATE meta SET value = value + 1 WHERE key = 'sites_rev';
END;

CREATE TRIGGER sites_rev_on_update
AFTER UPDATE OF name, url, method, interval_s, timeout_ms, expected_status, follow_redirects, paused,
                check_requested_at, headers, confirm_after, recover_after, retry_interval_s, degraded_above_ms,
                remind_every_min ON sites
BEGIN
  UPDATE meta SET value = value + 1 WHERE key = 'sites_rev';
END;
