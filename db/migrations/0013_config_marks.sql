-- Objects declared in a configuration file (upbeat.yaml) carry the file's stable key and the file's path: apply
-- finds them again by key (a rename is an update), leaves objects made in the UI alone (no mark), and the UI and
-- the API keep marked objects read-only, naming the file. A status page's key is its slug, so it needs no column.
ALTER TABLE sites ADD COLUMN config_key TEXT;
ALTER TABLE sites ADD COLUMN managed_by TEXT;
ALTER TABLE channels ADD COLUMN config_key TEXT;
ALTER TABLE channels ADD COLUMN managed_by TEXT;
ALTER TABLE status_pages ADD COLUMN managed_by TEXT;

CREATE UNIQUE INDEX sites_by_config_key ON sites (config_key) WHERE config_key IS NOT NULL;
CREATE UNIQUE INDEX channels_by_config_key ON channels (config_key) WHERE config_key IS NOT NULL;
