-- "Heartbeat" is kept for push checks (a monitored job calling in); the checker's own figures, written every few
-- seconds for GET /api/health, are its self-report. Renamed in place: the one row and its figures are kept.

ALTER TABLE monitor_heartbeat RENAME TO monitor_self_report;
ALTER TABLE monitor_self_report RENAME COLUMN beat_at TO reported_at;
