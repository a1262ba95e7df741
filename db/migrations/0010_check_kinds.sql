-- Check kinds beyond HTTP (tcp, dns, push), assertions on the response, and request options. Every new column
-- has a default that keeps an existing site exactly as it was: kind http, no assertions, certificates verified.
ALTER TABLE sites ADD COLUMN kind TEXT NOT NULL DEFAULT 'http' CHECK (kind IN ('http', 'tcp', 'dns', 'push'));
-- A JSON array of assertions (lib/domain.ts Assertion), validated by the schema before it is written.
ALTER TABLE sites ADD COLUMN assertions TEXT NOT NULL DEFAULT '[]';
ALTER TABLE sites ADD COLUMN request_body TEXT;
ALTER TABLE sites ADD COLUMN request_content_type TEXT;
ALTER TABLE sites ADD COLUMN tls_verify INTEGER NOT NULL DEFAULT 1;
ALTER TABLE sites ADD COLUMN ca_pem TEXT;
ALTER TABLE sites ADD COLUMN host_header TEXT;
ALTER TABLE sites ADD COLUMN dns_record_type TEXT NOT NULL DEFAULT 'A'
  CHECK (dns_record_type IN ('A', 'AAAA', 'CNAME', 'MX', 'TXT', 'NS'));
ALTER TABLE sites ADD COLUMN dns_server TEXT;
-- A JSON array of strings.
ALTER TABLE sites ADD COLUMN dns_expected TEXT NOT NULL DEFAULT '[]';
-- Push sites: the SHA-256 (hex) of the secret in their ping URL — the token itself is shown once and never
-- stored — the grace after the interval before a missing ping counts, and when the last ping arrived.
ALTER TABLE sites ADD COLUMN push_token_hash TEXT;
ALTER TABLE sites ADD COLUMN push_grace_s INTEGER NOT NULL DEFAULT 60 CHECK (push_grace_s BETWEEN 0 AND 86400);
ALTER TABLE sites ADD COLUMN push_last_at INTEGER;
CREATE UNIQUE INDEX sites_push_token ON sites (push_token_hash) WHERE push_token_hash IS NOT NULL;

DROP TRIGGER sites_rev_on_update;
CREATE TRIGGER sites_rev_on_update
AFTER UPDATE OF name, url, method, interval_s, timeout_ms, expected_status, follow_redirects, paused,
                check_requested_at, headers, confirm_after, recover_after, retry_interval_s, degraded_above_ms,
                remind_every_min, kind, assertions, request_body, request_content_type, tls_verify, ca_pem,
                host_header, dns_record_type, dns_server, dns_expected, push_grace_s ON sites
BEGIN
  UPDATE meta SET value = value + 1 WHERE key = 'sites_rev';
END;
