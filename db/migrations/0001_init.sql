-- Sites and the checks made of them. Times are epoch milliseconds; phase timings are integer microseconds, so a
-- raw check row stays a handful of small integers.

CREATE TABLE sites (
  id                 INTEGER PRIMARY KEY,
  name               TEXT    NOT NULL,
  url                TEXT    NOT NULL,
  method             TEXT    NOT NULL DEFAULT 'GET',
  interval_s         INTEGER NOT NULL CHECK (interval_s BETWEEN 1 AND 86400),
  timeout_ms         INTEGER NOT NULL CHECK (timeout_ms BETWEEN 100 AND 60000),
  expected_status    TEXT    NOT NULL DEFAULT '200-399',
  follow_redirects   INTEGER NOT NULL DEFAULT 1,
  paused             INTEGER NOT NULL DEFAULT 0,
  -- Derived from paused and the newest check; stored so the overview is one cheap query.
  state              TEXT    NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'up', 'down', 'paused')),
  last_check_id      INTEGER,
  check_requested_at INTEGER,
  created_at         INTEGER NOT NULL,
  updated_at         INTEGER NOT NULL
);

CREATE TABLE checks (
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
  tls_expires_at  INTEGER,
  tls_issuer      TEXT
);

CREATE INDEX checks_by_site_time ON checks (site_id, checked_at);

-- Counters other processes poll to learn that something changed without scanning tables.
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value INTEGER NOT NULL
) WITHOUT ROWID;

INSERT INTO meta (key, value) VALUES ('sites_rev', 0);

-- Any change to what the scheduler needs bumps sites_rev; state and last_check_id (written by the recorder on
-- every check) deliberately do not.
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
                check_requested_at ON sites
BEGIN
  UPDATE meta SET value = value + 1 WHERE key = 'sites_rev';
END;
