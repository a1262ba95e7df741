-- What a site's state is decided from, kept beside it so the decision (lib/monitor/state.ts) reads one row by its
-- key: when the newest counted check started (a late result is one older than this), and how many checks in a
-- row have failed or passed up to it. None of these bump sites_rev: the recorder writes them on every check.
ALTER TABLE sites ADD COLUMN last_checked_at INTEGER;
ALTER TABLE sites ADD COLUMN fail_streak INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sites ADD COLUMN pass_streak INTEGER NOT NULL DEFAULT 0;

-- A streak of one for the newest check's outcome is enough: today's states read only which streak is running,
-- and a longer run only ever confirms the state a site already has.
UPDATE sites SET
  last_checked_at = (SELECT c.checked_at FROM checks c WHERE c.id = sites.last_check_id),
  fail_streak = coalesce((SELECT 1 - c.ok FROM checks c WHERE c.id = sites.last_check_id), 0),
  pass_streak = coalesce((SELECT c.ok FROM checks c WHERE c.id = sites.last_check_id), 0);
