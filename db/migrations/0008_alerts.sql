-- Incidents and notifications. A transition of a site's state and the notifications it causes are written in
-- the same transaction as the check that caused it: incidents and outbox rows here. The sender delivers from
-- the outbox outside any transaction and logs every attempt, so a crash between the write and the delivery
-- loses nothing, and the idempotency key lets a receiver drop a second copy.

-- A down (or degraded) period of one site. started_at is the first failing check, confirmed_at the check that
-- made it count; resolved_at stays NULL while it is open.
CREATE TABLE incidents (
  id             INTEGER PRIMARY KEY,
  site_id        INTEGER NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
  kind           TEXT    NOT NULL CHECK (kind IN ('down', 'degraded')),
  started_at     INTEGER NOT NULL,
  confirmed_at   INTEGER NOT NULL,
  resolved_at    INTEGER,
  -- The cause, from the first failing check: error kind (text, as the API names it), message, status code.
  cause_kind     TEXT,
  cause_message  TEXT,
  cause_status   INTEGER,
  first_check_id INTEGER,
  -- Checks seen while it was open, and how many of them failed.
  checks         INTEGER NOT NULL DEFAULT 0,
  failed         INTEGER NOT NULL DEFAULT 0,
  -- Last time a "still down" reminder was queued for it.
  reminded_at    INTEGER
);

CREATE INDEX incidents_by_site ON incidents (site_id, started_at);
CREATE INDEX incidents_by_start ON incidents (started_at);
CREATE INDEX incidents_open ON incidents (site_id) WHERE resolved_at IS NULL;

-- Where notifications go. config is JSON in the channel type's own shape (lib/alerts/channels/*); its secret
-- fields are never sent back in clear.
CREATE TABLE channels (
  id          INTEGER PRIMARY KEY,
  name        TEXT    NOT NULL,
  type        TEXT    NOT NULL,
  config      TEXT    NOT NULL DEFAULT '{}',
  -- Preselected for new sites.
  is_default  INTEGER NOT NULL DEFAULT 0,
  enabled     INTEGER NOT NULL DEFAULT 1,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
);

CREATE TABLE site_channels (
  site_id    INTEGER NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
  channel_id INTEGER NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
  PRIMARY KEY (site_id, channel_id)
) WITHOUT ROWID;

CREATE INDEX site_channels_by_channel ON site_channels (channel_id);

-- One row per (event, channel): the message to deliver, frozen when the event happened (payload is the
-- AlertEvent JSON of lib/alerts/event.ts). status: pending → delivered, or failed after the retry budget, or
-- grouped when a storm message carried it.
CREATE TABLE outbox (
  id              INTEGER PRIMARY KEY,
  channel_id      INTEGER NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
  site_id         INTEGER REFERENCES sites (id) ON DELETE SET NULL,
  incident_id     INTEGER REFERENCES incidents (id) ON DELETE SET NULL,
  kind            TEXT    NOT NULL,
  idempotency_key TEXT    NOT NULL UNIQUE,
  payload         TEXT    NOT NULL,
  created_at      INTEGER NOT NULL,
  next_attempt_at INTEGER NOT NULL,
  attempts        INTEGER NOT NULL DEFAULT 0,
  status          TEXT    NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'delivered', 'failed', 'grouped')),
  delivered_at    INTEGER,
  last_error      TEXT
);

CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE status = 'pending';
CREATE INDEX outbox_by_channel ON outbox (channel_id, created_at);
CREATE INDEX outbox_by_incident ON outbox (incident_id);

-- Every delivery attempt, for Settings → Notifications and GET /api/channels/{id}/deliveries.
CREATE TABLE delivery_attempts (
  id          INTEGER PRIMARY KEY,
  outbox_id   INTEGER REFERENCES outbox (id) ON DELETE CASCADE,
  channel_id  INTEGER NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
  at          INTEGER NOT NULL,
  duration_ms REAL,
  outcome     TEXT    NOT NULL CHECK (outcome IN ('delivered', 'retry', 'failed')),
  status_code INTEGER,
  error       TEXT
);

CREATE INDEX delivery_attempts_by_channel ON delivery_attempts (channel_id, at);
CREATE INDEX delivery_attempts_by_outbox ON delivery_attempts (outbox_id);
