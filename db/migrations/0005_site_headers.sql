-- Request headers per site (e.g. Authorization for a protected health check), as a JSON object. Credentials go
-- here rather than in the URL; the API never shows their values back in full.
ALTER TABLE sites ADD COLUMN headers TEXT NOT NULL DEFAULT '{}';

DROP TRIGGER sites_rev_on_update;
CREATE TRIGGER sites_rev_on_update
AFTER UPDATE OF name, url, method, interval_s, timeout_ms, expected_status, follow_redirects, paused,
                check_requested_at, headers ON sites
BEGIN
  UPDATE meta SET value = value + 1 WHERE key = 'sites_rev';
END;
