-- Public status pages, their posts and maintenance notices, and the per-site switch for badges. Everything here
-- is read by anonymous visitors through lib/status, which shows only what a page lists: a site that is not on a
-- page, or a URL the owner did not choose to show, never leaves the database through these tables.

-- Badges are off until the owner turns them on for a site: a badge tells anyone the site's name-free state.
ALTER TABLE sites ADD COLUMN badges_enabled INTEGER NOT NULL DEFAULT 0;

CREATE TABLE status_pages (
  id          INTEGER PRIMARY KEY,
  slug        TEXT    NOT NULL UNIQUE,
  title       TEXT    NOT NULL,
  description TEXT    NOT NULL DEFAULT '',
  logo_url    TEXT,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
);

-- The sites a page shows, in the owner's order, optionally under a group heading; show_url 0 keeps the URL off
-- the page (the default).
CREATE TABLE status_page_sites (
  page_id    INTEGER NOT NULL REFERENCES status_pages (id) ON DELETE CASCADE,
  site_id    INTEGER NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
  position   INTEGER NOT NULL,
  group_name TEXT    NOT NULL DEFAULT '',
  show_url   INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (page_id, site_id)
) WITHOUT ROWID;

CREATE INDEX status_page_sites_by_site ON status_page_sites (site_id);

-- The owner's posts on a page: an incident with its status over time, or a scheduled maintenance notice
-- (kind 'maintenance', with starts_at and ends_at).
CREATE TABLE status_posts (
  id         INTEGER PRIMARY KEY,
  page_id    INTEGER NOT NULL REFERENCES status_pages (id) ON DELETE CASCADE,
  kind       TEXT    NOT NULL CHECK (kind IN ('incident', 'maintenance')),
  title      TEXT    NOT NULL,
  starts_at  INTEGER,
  ends_at    INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  CHECK (kind = 'incident' OR (starts_at IS NOT NULL AND ends_at IS NOT NULL AND ends_at > starts_at))
);

CREATE INDEX status_posts_by_page ON status_posts (page_id, created_at);

-- Each post's messages, the first one included: a status and what was said, in time order.
CREATE TABLE status_post_updates (
  id         INTEGER PRIMARY KEY,
  post_id    INTEGER NOT NULL REFERENCES status_posts (id) ON DELETE CASCADE,
  status     TEXT    NOT NULL
               CHECK (status IN ('investigating', 'identified', 'monitoring', 'resolved', 'scheduled', 'in_progress', 'completed')),
  message    TEXT    NOT NULL,
  created_at INTEGER NOT NULL
);

CREATE INDEX status_post_updates_by_post ON status_post_updates (post_id, created_at);
