-- The checker's own pulse, so the web process can tell whether it is keeping up (GET /api/health) whether the
-- checker runs inside it or as its own process. One row, rewritten every few seconds by whichever process runs
-- the checker. A checker that stops cleanly sets stopped_at; one that dies or hangs leaves beat_at to age.

CREATE TABLE monitor_heartbeat (
  id         INTEGER PRIMARY KEY CHECK (id = 1),
  pid        INTEGER NOT NULL,
  started_at INTEGER NOT NULL,
  beat_at    INTEGER NOT NULL,
  stopped_at INTEGER,
  -- The checker's figures at beat_at, as JSON (see lib/monitor/heartbeat.ts); small, a few hundred bytes.
  stats      TEXT    NOT NULL
);
